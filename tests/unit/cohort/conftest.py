"""Shared helpers for the cohort tests: a minimal valid file and in-memory loading."""

import pytest

HEADER = "disease,phase,months_followup,died,months_to_relapse"


def csv_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join((header, *rows)) + "\n").encode("utf-8")


@pytest.fixture
def valid_rows() -> tuple[str, ...]:
    return ("AML,transplant,12.5,1,6", "MDS,transplant,30,0,", "ALL,transplant,8,1,")
