"""Benchmark harness for Phasewise (`make bench`). See docs/benchmarks.md."""
