"""A loaded cohort's results, per disease x time origin x group, for everything that shows them.

`centre_results` estimates once (lib.cohort.estimates: scipy and statsmodels) and assembles what
the centre page, the phase pages and the deck draw: per disease and time origin, the patients
in all and in each group shown (the small-cell rule), their Kaplan-Meier and Aalen-Johansen
curves, median, landmark estimates, the counts for the tables under the charts' time axes, the
log-rank test; and the published figures beside the centre's estimates. Frozen records: the
charts only read them (lib.render.cohort_charts computes nothing).

The tables under the axes and the landmark rows count patients at risk, events and censorings
with one counter (`estimates.count_at_risk`), so they never disagree.

Held only by the session that loaded the cohort; nothing here keeps, writes or logs it.
"""

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from lib.cohort.estimates import (
    ENDPOINTS,
    CohortEndpoint,
    CohortEstimates,
    Curve,
    GroupEstimates,
    Landmark,
    LogRank,
    Median,
    RiskCounts,
    count_at_risk,
    estimate_groups,
    landmark_times,
)
from lib.cohort.literature import (
    BesideLiterature,
    beside_literature,
    literature_time_points,
    split_by_origin,
)
from lib.cohort.records import ALL_PATIENTS, POOLED_GROUPS, Cohort
from lib.i18n import current_language

if TYPE_CHECKING:
    from lib.dataset.records import Dataset


def risk_ticks(last_month: float) -> np.ndarray:
    """Months at which a chart's table counts: every 6, 12 or 24 months up to the last time."""
    step = 6 if last_month <= 36 else 12 if last_month <= 120 else 24
    return np.arange(0, math.floor(max(last_month, 0) / step) * step + step / 2, step)


@dataclass(frozen=True, eq=False)
class GroupResults:
    """One group of a disease x time origin (ALL_PATIENTS: all its patients).

    `risk` counts at the months of its stratum's table (`StratumResults.ticks`), so that every
    group's row stands under the same ticks; relapse and non-relapse mortality share one count.
    """

    disease: str
    phase: str
    group: str
    patients: int
    curves: Mapping[CohortEndpoint, Curve]
    median: Median
    landmarks: tuple[Landmark, ...]
    #: The longest follow-up (os) or time to the first event or censoring (cir, nrm).
    last: Mapping[CohortEndpoint, float]
    risk: Mapping[CohortEndpoint, RiskCounts]


@dataclass(frozen=True, eq=False)
class StratumResults:
    """One disease x time origin: all its patients, and each group shown, in display order."""

    disease: str
    phase: str
    everyone: GroupResults
    groups: tuple[GroupResults, ...]
    #: The log-rank test of overall survival across the groups; None without a group column.
    logrank: LogRank | None

    @property
    def patients(self) -> int:
        return self.everyone.patients

    @property
    def group_keys(self) -> tuple[str, ...]:
        return tuple(group.group for group in self.groups)

    def ticks(self, endpoint: CohortEndpoint) -> np.ndarray:
        """The months of the stratum's table under an endpoint's chart."""
        return self.everyone.risk[endpoint].months

    def last(self, endpoint: CohortEndpoint) -> float:
        return self.everyone.last[endpoint]


@dataclass(frozen=True, eq=False)
class CentreResults:
    """A loaded cohort with everything the page, the phase pages and the deck draw from it.

    Held only by the session that loaded it (the app keeps it in st.session_state)."""

    cohort: Cohort
    estimates: CohortEstimates
    #: Published figures measured from the same time origin as the centre's estimate beside
    #: them: the only ones ever drawn on one axis with it.
    beside: tuple[BesideLiterature, ...]
    #: Published figures that match disease, endpoint and time but count time from another
    #: origin (e.g. from relapse, beside a transplant cohort): listed, never drawn.
    other_origin: tuple[BesideLiterature, ...] = ()
    #: Per disease x time origin present, in display order (DISEASES, then PHASES).
    strata: tuple[StratumResults, ...] = ()
    #: What was built from these results for this session's page (see `drawn`): a rerun (a tab,
    #: a choice beside the literature, a fragment) reuses it instead of building it again.
    figures: dict = field(default_factory=dict, repr=False, compare=False)

    def drawn(self, key: tuple, build: Callable[[], Any]) -> Any:
        """What `build()` makes (a figure), built once per key and language for this session
        (the cache lives in these results, so in the session only, and goes with them)."""
        key = (*key, current_language())
        if key not in self.figures:
            self.figures[key] = build()
        return self.figures[key]

    @property
    def synthetic(self) -> bool:
        return self.cohort.synthetic

    def stratum(self, disease: str, phase: str) -> StratumResults:
        """The results of one disease x time origin present in the cohort (KeyError if absent)."""
        for stratum in self.strata:
            if (stratum.disease, stratum.phase) == (disease, phase):
                return stratum
        raise KeyError((disease, phase))

    def shown(self, diseases: Iterable[str]) -> list[tuple[str, str, int]]:
        """(disease, time origin, patients) present for the given diseases, in page order."""
        wanted = set(diseases)
        return [(s.disease, s.phase, s.patients) for s in self.strata if s.disease in wanted]

    def shown_groups(self) -> list[str]:
        """Every group shown in some disease and time origin (the small-cell rule applied),
        sorted, the pooled small groups last."""
        keys = {key for stratum in self.strata for key in stratum.group_keys}
        return sorted(keys, key=lambda group: (group == POOLED_GROUPS, group))

    def __repr__(self) -> str:  # never the patients: a repr can reach a log or a traceback
        return f"CentreResults({self.cohort!r})"


def centre_results(cohort: Cohort, dataset: "Dataset") -> CentreResults:
    """Estimates at 12, 24, 36 months and at every published time point of the dataset's
    comparable figures, per disease x time origin x group, and the rows beside those figures."""
    times = landmark_times(literature_time_points(dataset))
    groups, tests = estimate_groups(cohort, times)
    estimates = CohortEstimates.of(cohort, groups, tests)
    same, other = split_by_origin(beside_literature(dataset, estimates))
    return CentreResults(
        cohort, estimates, tuple(same), tuple(other), strata=stratum_results(groups, tests)
    )


def stratum_results(
    groups: Iterable[GroupEstimates], tests: Iterable[LogRank]
) -> tuple[StratumResults, ...]:
    """The estimates of each group (`estimates.estimate_groups`, with curves) arranged per
    disease x time origin, each group with its counts under its stratum's table ticks."""
    by_stratum: dict[tuple[str, str], list[GroupResults]] = {}
    ticks: dict[tuple[str, str], dict[CohortEndpoint, np.ndarray]] = {}
    for estimated in groups:  # all patients first, then the stratum's groups
        if not estimated.curves:
            raise ValueError("the results are drawn: estimate the cohort with its curves")
        stratum, sample = (estimated.disease, estimated.phase), estimated.sample
        last = {endpoint: sample.last(endpoint) for endpoint in ENDPOINTS}
        if estimated.group == ALL_PATIENTS:
            ticks[stratum] = {endpoint: risk_ticks(last[endpoint]) for endpoint in ENDPOINTS}
        at = ticks[stratum]
        counts = {"os": count_at_risk(sample, "os", at["os"])}
        counts["cir"] = counts["nrm"] = count_at_risk(sample, "cir", at["cir"])
        by_stratum.setdefault(stratum, []).append(
            GroupResults(
                *stratum,
                estimated.group,
                patients=len(sample),
                curves=MappingProxyType({curve.endpoint: curve for curve in estimated.curves}),
                median=estimated.median,
                landmarks=estimated.landmarks,
                last=MappingProxyType(last),
                risk=MappingProxyType(counts),
            )
        )
    logrank = {(test.disease, test.phase): test for test in tests}
    return tuple(
        StratumResults(*stratum, everyone, tuple(others), logrank.get(stratum))
        for stratum, (everyone, *others) in by_stratum.items()
    )


__all__ = [
    "CentreResults",
    "GroupResults",
    "StratumResults",
    "centre_results",
    "risk_ticks",
    "stratum_results",
]
