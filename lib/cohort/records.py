"""A validated cohort: one entry per patient in read-only arrays, times in months.

Lives in memory only, in the session that loaded it; nothing here writes or logs it.
"""

import sys
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.evidence import text as fmt

#: The group key of the whole cohort in estimates. Internal: it starts with a control character,
#: which no label of a file can hold (validation refuses one), so a file's own group "ALL" or
#: "all" is just a group. Shown as `group_text(ALL_PATIENTS)`.
ALL_PATIENTS = "\x00all"
#: The group key of a stratum's small groups pooled together (see `pool_small_groups`).
POOLED_GROUPS = "\x00pooled"
#: The small-cell rule: a group of fewer patients than this (in one disease and time origin) is
#: never drawn or listed on its own. Its patients join the stratum's other small groups in
#: POOLED_GROUPS; when those are still fewer than this, they count under all patients only.
MIN_GROUP_PATIENTS = 5
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


def group_text(group: str) -> str:
    """A group key as a reader sees it, in the current language: the whole cohort and the pooled
    small groups by their names, a file's label as written."""
    from lib.i18n import _, _f

    if group == ALL_PATIENTS:
        return _("All patients")
    if group == POOLED_GROUPS:
        return _f("Other groups (fewer than {n} patients each)", n=MIN_GROUP_PATIENTS)
    return group


def pool_small_groups(
    disease: np.ndarray, phase: np.ndarray, group: np.ndarray
) -> tuple[np.ndarray, tuple[str, ...]]:
    """The small-cell rule applied: in each disease x phase, a label held by fewer than
    MIN_GROUP_PATIENTS patients becomes POOLED_GROUPS. Returns the new labels and a note saying
    what was pooled or left out (no label named: a count of groups and patients only)."""
    from lib.i18n import _f

    group = np.array(group, dtype=object, copy=True)
    pooled_groups = pooled_patients = hidden_patients = 0
    strata = set(zip(disease, phase, strict=True))
    for stratum_disease, stratum_phase in sorted(strata):
        members = (disease == stratum_disease) & (phase == stratum_phase)
        labels, counts = np.unique(group[members].astype(str), return_counts=True)
        small = [
            str(label)
            for label, count in zip(labels, counts, strict=True)
            if count < MIN_GROUP_PATIENTS
        ]
        if not small:
            continue
        mask = members & np.isin(group, small)
        group[mask] = POOLED_GROUPS
        pooled_groups += len(small)
        if mask.sum() >= MIN_GROUP_PATIENTS:
            pooled_patients += int(mask.sum())
        else:
            hidden_patients += int(mask.sum())
    if not pooled_groups:
        return group, ()
    note = _f(
        "small-cell rule: {groups} group(s) with fewer than {n} patients in a disease and time "
        "origin are not shown on their own; {pooled} of their patients are shown together as "
        "“{label}”, and {hidden} (too few even together) count only under all patients",
        groups=pooled_groups,
        n=MIN_GROUP_PATIENTS,
        pooled=pooled_patients,
        hidden=hidden_patients,
        label=group_text(POOLED_GROUPS),
    )
    return group, (note,)


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

    def shown_groups(self, members: np.ndarray) -> list[str]:
        """The group keys shown for the patients in `members` (a mask): each label with at
        least MIN_GROUP_PATIENTS patients, sorted, then the pooled small groups when they are
        that many. [] without a group column."""
        if self.group is None:
            return []
        labels, counts = np.unique(self.group[members].astype(str), return_counts=True)
        shown = [
            str(label)
            for label, count in zip(labels, counts, strict=True)
            if count >= MIN_GROUP_PATIENTS and label != POOLED_GROUPS
        ]
        pooled = int(counts[labels == POOLED_GROUPS].sum())
        return shown + ([POOLED_GROUPS] if pooled >= MIN_GROUP_PATIENTS else [])

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
