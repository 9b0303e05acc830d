"""Moved to tests/fixtures/synthetic.py; this name stays only while tests/app/test_pages.py
imports it from here. Delete it once that test imports tests.fixtures.synthetic."""

from tests.fixtures.synthetic import cached, generate  # noqa: F401
