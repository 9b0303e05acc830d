"""Tests of lib/cohort: reading, privacy, validation, estimates, CLI, literature."""
