"""A validated cohort: one entry per patient in read-only arrays, times in months.

Lives in memory only, in the session that loaded it; nothing here writes or logs it.
"""

import sys
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.evidence import text as fmt

#: A group label reserved for the whole cohort in estimates (a file may not use it).
ALL_PATIENTS = "all"
#: Case codes of the shipped synthetic rows (demo cohort, template examples) start with these.
SYNTHETIC_CODE_PREFIXES = ("SYNTHETIC-", "EXAMPLE-")


#: The Cohort fields that hold one entry per patient.
_PER_PATIENT = (
    "disease",
    "phase",
    "months_followup",
    "died",
    "months_to_relapse",
    "group",
    "year",
    "age_band",
    "case_code",
)


def _read_only(values: np.ndarray) -> np.ndarray:
    # A copy, so that no one holding the original array can change the cohort through it.
    values = np.array(values, copy=True)
    values.flags.writeable = False
    return values


@dataclass(frozen=True, eq=False)
class Cohort:
    """Patients of a de-identified cohort file, validated.

    `months_to_relapse` is NaN for a patient without relapse; `group`, `year`, `age_band` and
    `case_code` are None when the file has no such column (a NaN year or "" band or code: that
    patient's cell was empty). `synthetic` marks the shipped demo cohort and template examples.
    """

    disease: np.ndarray
    phase: np.ndarray
    months_followup: np.ndarray
    died: np.ndarray
    months_to_relapse: np.ndarray
    group: np.ndarray | None = None
    year: np.ndarray | None = None
    age_band: np.ndarray | None = None
    case_code: np.ndarray | None = None
    notes: tuple[str, ...] = ()
    synthetic: bool = False

    def __post_init__(self):
        for name in _PER_PATIENT:
            values = getattr(self, name)
            if values is not None:
                object.__setattr__(self, name, _read_only(values))
        sizes = {
            len(getattr(self, name)) for name in _PER_PATIENT if getattr(self, name) is not None
        }
        if len(sizes) != 1:
            raise ValueError("every column of a cohort must have one entry per patient")

    def __len__(self) -> int:
        return len(self.disease)

    def __repr__(self) -> str:
        # Never the patients themselves: a repr ends up in logs and tracebacks.
        patients = "1 patient" if len(self) == 1 else f"{fmt.count(len(self))} patients"
        return f"Cohort({patients}, synthetic={self.synthetic})"

    @property
    def relapsed(self) -> np.ndarray:
        return ~np.isnan(self.months_to_relapse)

    @property
    def has_groups(self) -> bool:
        return self.group is not None

    def to_frame(self) -> pd.DataFrame:
        """The cohort as a new DataFrame (a copy: changing it does not change the cohort)."""
        return pd.DataFrame(
            {
                name: np.array(getattr(self, name))
                for name in _PER_PATIENT
                if getattr(self, name) is not None
            }
        )

    def memory_bytes(self) -> int:
        """Bytes held by the cohort: its arrays, and each distinct string object once."""
        total = 0
        strings: dict[int, int] = {}
        for name in _PER_PATIENT:
            values = getattr(self, name)
            if values is None:
                continue
            total += values.nbytes
            if values.dtype == object:
                strings.update((id(value), sys.getsizeof(value)) for value in values)
        return total + sum(strings.values())
