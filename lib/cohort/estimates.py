"""A cohort's overall survival, relapse and non-relapse mortality, with 95% CIs, per stratum.

Every estimate and interval comes from a maintained library: scipy (Kaplan-Meier with log-log
CIs), statsmodels (Aalen-Johansen cumulative incidence and its SE, median and its CI, log-rank).
"""

import warnings
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np
from scipy import stats
from statsmodels.duration.survfunc import CumIncidenceRight, SurvfuncRight, survdiff

from lib.cohort.records import ALL_PATIENTS, Cohort
from lib.dataset.vocabulary import DISEASES, PHASES
from lib.evidence.text import number, plain, share
from lib.i18n import _, _f, _nf

CohortEndpoint = Literal["os", "cir", "nrm"]
ENDPOINTS: tuple[CohortEndpoint, ...] = ("os", "cir", "nrm")
DEFAULT_LANDMARKS = (12.0, 24.0, 36.0)
CONFIDENCE = 0.95
_Z = float(stats.norm.ppf(0.5 + CONFIDENCE / 2))
#: Fewer events than this make an estimate unstable (EBMT benchmarking, Snowden et al. 2020).
MIN_EVENTS = 10
#: Below this share of patients with a known status at a landmark, the estimate is flagged
#: (CIBMTR includes a centre only with >= 90% of its 1-year follow-up complete).
MIN_COMPLETENESS = 0.90
#: A log-rank p-value is given only when every group has at least this many patients.
MIN_GROUP_SIZE_FOR_TEST = 10


def methods() -> tuple[str, ...]:
    """What the page states about the statistics, in the order it shows them, in the current
    language."""
    return (
        _(
            "Overall survival: Kaplan-Meier estimate (scipy.stats.ecdf); pointwise 95% "
            "confidence intervals on the log(-log) scale with Greenwood's variance (the "
            "'exponential Greenwood' interval, as SAS and R's conf.type='log-log')."
        ),
        _(
            "Median overall survival: statsmodels SurvfuncRight.quantile; 95% CI by the "
            "Brookmeyer-Crowley method on the log(-log) scale (statsmodels quantile_ci, as SAS "
            "PROC LIFETEST)."
        ),
        _(
            "Relapse (CIR) and non-relapse mortality (NRM): Aalen-Johansen cumulative "
            "incidence, relapse and death without relapse as competing risks (statsmodels "
            "CumIncidenceRight), never 1 - Kaplan-Meier; standard errors by the delta method "
            "(Dinse & Larson 1986, Marubini & Valsecchi 1995); pointwise 95% CIs on the "
            "log(-log) scale, as tidycmprsk and SAS."
        ),
        _f(
            "Log-rank test of overall survival between groups (statsmodels survdiff), only when "
            "every group has at least {n} patients; no test for cumulative incidence (no "
            "maintained Python library here computes Gray's test).",
            n=MIN_GROUP_SIZE_FOR_TEST,
        ),
        _f(
            "Warnings: fewer than {events} events (EBMT calls such estimates unstable); "
            "follow-up completeness below {completeness} at a landmark, completeness being the "
            "share of patients whose status at the landmark is known: followed to it, or with "
            "the event (or its competing event) before it. Clark's completeness index needs "
            "calendar dates, which a de-identified file does not hold.",
            events=MIN_EVENTS,
            completeness=share(MIN_COMPLETENESS),
        ),
        _f(
            "At risk at t: patients still followed and event-free just before t; events: up to "
            "and including t. Times in months; days are converted at {days} days per month.",
            days=30.4375,
        ),
    )


@dataclass(frozen=True)
class Landmark:
    """One endpoint of one stratum at one time. Estimates and CIs in percent; None: not estimable.

    `completeness` is a share (0-1); `warnings` are sentences for the reader, `warning_kinds`
    their keys in the same order (WARNING_KINDS), so no one reads a kind back from the words.
    """

    disease: str
    phase: str
    group: str
    endpoint: CohortEndpoint
    months: float
    patients: int
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    at_risk: int
    events: int
    censored: int
    completeness: float
    warnings: tuple[str, ...] = ()
    warning_kinds: tuple[str, ...] = ()


#: The kinds of a landmark's warnings: beyond the follow-up, too few events, incomplete status.
WARNING_KINDS = ("not_estimable", "few_events", "incomplete")


@dataclass(frozen=True)
class Median:
    """Median overall survival in months; `months` or `ci_high` None: not reached."""

    disease: str
    phase: str
    group: str
    patients: int
    deaths: int
    months: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class LogRank:
    """Log-rank test of overall survival across the groups of a stratum, or why there is none."""

    disease: str
    phase: str
    groups: tuple[str, ...]
    chi_square: float | None
    p_value: float | None
    reason: str | None = None


@dataclass(frozen=True, eq=False)
class Curve:
    """A step curve for charts. Percent; NaN in a CI where it is undefined.

    `months[0]` is 0. `censored_months` are the times of censored patients (for censor marks).
    """

    disease: str
    phase: str
    group: str
    endpoint: CohortEndpoint
    months: np.ndarray
    estimate: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    censored_months: np.ndarray


@dataclass(frozen=True)
class CohortEstimates:
    patients: int
    landmarks: tuple[Landmark, ...]
    medians: tuple[Median, ...]
    logrank: tuple[LogRank, ...]
    curves: tuple[Curve, ...]
    synthetic: bool
    #: In the language current when the estimates were made.
    methods: tuple[str, ...] = field(default_factory=methods)

    @classmethod
    def of(
        cls, cohort: Cohort, groups: Sequence["GroupEstimates"], tests: Sequence[LogRank]
    ) -> "CohortEstimates":
        """The estimates of every group (`estimate_groups`) in one record, in their order."""
        return cls(
            patients=len(cohort),
            landmarks=tuple(landmark for group in groups for landmark in group.landmarks),
            medians=tuple(group.median for group in groups),
            logrank=tuple(tests),
            curves=tuple(curve for group in groups for curve in group.curves),
            synthetic=cohort.synthetic,
        )


def landmark_times(extra: Iterable[float] = ()) -> tuple[float, ...]:
    """The default landmarks (12, 24, 36 months) and any extra times, sorted, each once."""
    return tuple(sorted({*DEFAULT_LANDMARKS, *(float(month) for month in extra)}))


def estimate_cohort(
    cohort: Cohort, times: Sequence[float] = DEFAULT_LANDMARKS, *, curves: bool = True
) -> CohortEstimates:
    """Landmarks at `times` (months), medians, log-rank tests and (optionally) curves.

    One stratum per disease x phase present, each for all its patients (group ALL_PATIENTS)
    and, when the file has groups, for each group shown (Cohort.shown_groups: the small-cell
    rule).
    """
    return CohortEstimates.of(cohort, *estimate_groups(cohort, times, curves=curves))


@dataclass(frozen=True, eq=False)
class GroupEstimates:
    """One disease x time origin x group (ALL_PATIENTS: all its patients): its patients in the
    estimators' forms and what was estimated from them."""

    disease: str
    phase: str
    group: str
    sample: "Sample"
    landmarks: tuple[Landmark, ...]
    median: Median
    curves: tuple[Curve, ...]  # os, cir, nrm; () when not asked for


def estimate_groups(
    cohort: Cohort, times: Sequence[float] = DEFAULT_LANDMARKS, *, curves: bool = True
) -> tuple[tuple[GroupEstimates, ...], tuple[LogRank, ...]]:
    """`estimate_cohort`'s estimates per disease x time origin x group, in display order (all
    patients first, then each group shown), and the log-rank tests (with a group column)."""
    months = tuple(sorted({float(month) for month in times}))
    groups: list[GroupEstimates] = []
    tests: list[LogRank] = []
    with _quiet_numerics():
        for disease, phase, group, members in _strata(cohort):
            sample = Sample.of(cohort, members)
            stratum = (disease, phase, group)
            groups.append(
                GroupEstimates(
                    disease,
                    phase,
                    group,
                    sample,
                    landmarks=(
                        *_os_landmarks(stratum, sample, months),
                        *_incidence_landmarks(stratum, sample, months),
                    ),
                    median=_median(stratum, sample),
                    curves=tuple(_curves(stratum, sample)) if curves else (),
                )
            )
        if cohort.has_groups:
            for disease, phase in _disease_phases(cohort):
                tests.append(_logrank(cohort, disease, phase))
    return tuple(groups), tuple(tests)


@contextmanager
def _quiet_numerics():
    # The libraries warn where an interval is undefined (S = 1 before the first event, F = 0);
    # those intervals are reported as None, so the warnings would only fill the server's log.
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


# --- strata ------------------------------------------------------------------------------------


def _disease_phases(cohort: Cohort):
    present = set(zip(cohort.disease, cohort.phase, strict=True))
    return [(d, p) for d in DISEASES for p in PHASES if (d, p) in present]


def _strata(cohort: Cohort):
    """(disease, phase, group, member mask) for each stratum, in display order."""
    for disease, phase in _disease_phases(cohort):
        members = (cohort.disease == disease) & (cohort.phase == phase)
        yield disease, phase, ALL_PATIENTS, members
        for group in cohort.shown_groups(members):  # small groups pooled or left out
            yield disease, phase, group, members & (cohort.group == group)


@dataclass(frozen=True, eq=False)
class Sample:
    """One stratum's patients in the forms the estimators and the risk counts take."""

    follow_up: np.ndarray
    died: np.ndarray
    #: Time of the first event (relapse or death) or censoring, and its cause: 1 relapse,
    #: 2 death without relapse, 0 censored.
    first_event: np.ndarray
    cause: np.ndarray

    @classmethod
    def of(cls, cohort: Cohort, members: np.ndarray) -> "Sample":
        follow_up = cohort.months_followup[members]
        died = cohort.died[members]
        relapse = cohort.months_to_relapse[members]
        relapsed = ~np.isnan(relapse)
        # A relapse on the day of death counts as the relapse: it was the first event.
        cause = np.where(relapsed, 1, np.where(died, 2, 0))
        return cls(follow_up, died, np.where(relapsed, relapse, follow_up), cause)

    def __len__(self) -> int:
        return len(self.follow_up)

    def last(self, endpoint: CohortEndpoint) -> float:
        """The longest follow-up (overall survival) or time to the first event or censoring
        (relapse, non-relapse mortality); 0 without patients."""
        times = self.follow_up if endpoint == "os" else self.first_event
        return float(times.max()) if len(times) else 0.0


#: The kind of event each endpoint's estimate is of (a key of RiskCounts.events).
ENDPOINT_EVENT: dict[CohortEndpoint, str] = {"os": "deaths", "cir": "relapses", "nrm": "nrm_deaths"}


@dataclass(frozen=True, eq=False)
class RiskCounts:
    """The one count of patients at risk, of events and of censorings, behind both the landmark
    rows and the tables under the charts' time axes.

    At each of `months`: `at_risk`, patients still followed and event-free just before it;
    `events` by kind up to and including it (overall survival: "deaths"; relapse and
    non-relapse mortality, the first event: "relapses" and "nrm_deaths"); `censored`, patients
    censored before it (their status at that time unknown).
    """

    months: np.ndarray
    at_risk: np.ndarray
    events: Mapping[str, np.ndarray]
    censored: np.ndarray

    def __post_init__(self):  # read-only: the results are shared by every chart drawn
        for name in ("months", "at_risk", "censored"):
            object.__setattr__(self, name, _read_only(getattr(self, name)))
        events = {kind: _read_only(counts) for kind, counts in self.events.items()}
        object.__setattr__(self, "events", MappingProxyType(events))


def count_at_risk(sample: Sample, endpoint: CohortEndpoint, months) -> RiskCounts:
    """Patients at risk, events and censorings of `sample` at each of `months` for `endpoint`
    (relapse and non-relapse mortality share one count: the first event)."""
    months = np.asarray(months, dtype=float)
    if endpoint == "os":
        time, censored = sample.follow_up, ~sample.died
        kinds = {"deaths": sample.died}
    else:
        time, censored = sample.first_event, sample.cause == 0
        kinds = {"relapses": sample.cause == 1, "nrm_deaths": sample.cause == 2}
    return RiskCounts(
        months=months,
        at_risk=len(time) - _count_upto(time, months, inclusive=False),
        events={
            kind: _count_upto(time[mask], months, inclusive=True) for kind, mask in kinds.items()
        },
        censored=_count_upto(time[censored], months, inclusive=False),
    )


def _read_only(values: np.ndarray) -> np.ndarray:
    values = np.array(values, copy=True)
    values.flags.writeable = False
    return values


def _count_upto(times: np.ndarray, months: np.ndarray, inclusive: bool) -> np.ndarray:
    """How many of `times` fall before (or, inclusive, at or before) each of `months`."""
    return np.searchsorted(np.sort(times), months, side="right" if inclusive else "left")


# --- overall survival ---------------------------------------------------------------------------


def _kaplan_meier(sample: Sample):
    """scipy's Kaplan-Meier survival function and its log-log (exponential Greenwood) CI."""
    data = stats.CensoredData.right_censored(sample.follow_up, ~sample.died)
    survival = stats.ecdf(data).sf
    return survival, survival.confidence_interval(CONFIDENCE, method="log-log")


def _os_landmarks(stratum, sample: Sample, months: tuple[float, ...]) -> list[Landmark]:
    survival, interval = _kaplan_meier(sample)
    times = np.asarray(months)
    estimate = survival.evaluate(times)
    low, high = interval.low.evaluate(times), interval.high.evaluate(times)
    last = sample.last("os")
    reached_zero = bool(survival.evaluate(last) == 0)
    counts = count_at_risk(sample, "os", months)
    rows = []
    for index, month in enumerate(months):
        estimable = month <= last or reached_zero
        rows.append(
            _landmark(
                stratum,
                "os",
                index,
                counts,
                patients=len(sample),
                estimate=estimate[index] if estimable else None,
                ci=(low[index], high[index]) if estimable else None,
                last=last,
            )
        )
    return rows


def _median(stratum, sample: Sample) -> Median:
    disease, phase, group = stratum
    survival = SurvfuncRight(sample.follow_up, sample.died.astype(float))
    median = survival.quantile(0.5)
    low, high = survival.quantile_ci(0.5, alpha=1 - CONFIDENCE, method="cloglog")
    return Median(
        disease,
        phase,
        group,
        patients=len(sample),
        deaths=int(sample.died.sum()),
        months=_finite(median),
        ci_low=_finite(low),
        ci_high=_finite(high),
    )


def _logrank(cohort: Cohort, disease: str, phase: str) -> LogRank:
    members = (cohort.disease == disease) & (cohort.phase == phase)
    # Only the groups shown: patients of a group too small to show are not tested apart.
    members &= np.isin(cohort.group, cohort.shown_groups(members))
    groups, sizes = np.unique(cohort.group[members].astype(str), return_counts=True)
    names = tuple(str(group) for group in groups)

    def none(reason: str) -> LogRank:
        return LogRank(disease, phase, names, None, None, reason)

    if len(groups) < 2:
        return none(_("one group only"))
    if sizes.min() < MIN_GROUP_SIZE_FOR_TEST:
        return none(
            _f(
                "a group has fewer than {n} patients ({smallest})",
                n=MIN_GROUP_SIZE_FOR_TEST,
                smallest=int(sizes.min()),
            )
        )
    died = cohort.died[members]
    if not died.any():
        return none(_("no deaths"))
    chi_square, p_value = survdiff(
        cohort.months_followup[members], died.astype(float), cohort.group[members].astype(str)
    )
    return LogRank(disease, phase, names, float(chi_square), float(p_value))


# --- relapse and non-relapse mortality ----------------------------------------------------------


def _cumulative_incidence(sample: Sample):
    """statsmodels' Aalen-Johansen estimate: event times, and (estimate, SE) per cause 1 and 2.

    statsmodels makes one curve per cause up to the largest cause present, so a cause with no
    event in this sample (no relapse, or no death without relapse) gets a curve of zeros here.
    """
    result = CumIncidenceRight(sample.first_event, sample.cause.astype(float))
    zeros = np.zeros(len(result.times))
    by_cause = {}
    for cause in (1, 2):
        if cause <= len(result.cinc):
            by_cause[cause] = (
                np.asarray(result.cinc[cause - 1]),
                np.asarray(result.cinc_se[cause - 1]),
            )
        else:
            by_cause[cause] = (zeros, zeros)
    return np.asarray(result.times), by_cause


def log_log_interval(estimate: np.ndarray, se: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise 95% CI of a cumulative incidence F from its standard error, on the log(-log) scale.

    low, high = F ** exp(-/+ z * SE / (F * log F)). This transformation is applied by hand to the
    library's SE because statsmodels' CumIncidenceRight gives the SE but no interval, and the one
    library that gives this interval (scikit-survival) needs memory quadratic in the number of
    distinct times. It is the formula of tidycmprsk, SAS and scikit-survival's
    `cumulative_incidence_competing_risks(conf_type="log-log")`, against which the tests compare
    it. NaN where undefined (F = 0 or 1, or no finite SE).
    """
    estimate = np.asarray(estimate, dtype=float)
    se = np.asarray(se, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_f = np.log(estimate)
        theta = _Z * se / (estimate * log_f)
        low, high = estimate ** np.exp(-theta), estimate ** np.exp(theta)
    undefined = ~np.isfinite(theta) | (estimate <= 0) | (estimate >= 1)
    low[undefined] = np.nan
    high[undefined] = np.nan
    return low, high


def _incidence_landmarks(stratum, sample: Sample, months: tuple[float, ...]) -> list[Landmark]:
    times, by_cause = _cumulative_incidence(sample)
    last = sample.last("cir")
    everyone_had_an_event = bool((sample.cause > 0).all())
    counts = count_at_risk(sample, "cir", months)
    # Index of the last estimate at or before each landmark; -1: before the first time.
    at = np.searchsorted(times, np.asarray(months), side="right") - 1
    rows = []
    for endpoint, cause in (("cir", 1), ("nrm", 2)):
        estimate, se = by_cause[cause]
        low, high = log_log_interval(estimate, se)
        for position, (index, month) in enumerate(zip(at, months, strict=True)):
            estimable = month <= last or everyone_had_an_event
            value = estimate[index] if index >= 0 else 0.0
            rows.append(
                _landmark(
                    stratum,
                    endpoint,
                    position,
                    counts,
                    patients=len(sample),
                    estimate=value if estimable else None,
                    ci=(low[index], high[index]) if estimable and index >= 0 else None,
                    last=last,
                )
            )
    return rows


# --- shared -------------------------------------------------------------------------------------


def _landmark(
    stratum,
    endpoint: CohortEndpoint,
    index: int,
    counts: RiskCounts,
    *,
    patients: int,
    estimate,
    ci,
    last: float,
) -> Landmark:
    """The landmark at `counts.months[index]`, its at-risk, event and censored numbers from
    `counts` (the same count as the tables under the charts)."""
    disease, phase, group = stratum
    month = float(counts.months[index])
    events = int(counts.events[ENDPOINT_EVENT[endpoint]][index])
    at_risk = int(counts.at_risk[index])
    censored = int(counts.censored[index])
    # Status at the landmark is known if followed to it, or if the event or its competitor
    # happened before it: unknown only for the patients censored before it.
    completeness = (patients - censored) / patients
    low, high = ci if ci is not None else (None, None)
    notes, kinds = [], []
    if estimate is None:
        kinds.append("not_estimable")
        notes.append(
            _f(
                "not estimable beyond the longest follow-up ({months} months)",
                months=number(last, 1),
            )
        )
    if events < MIN_EVENTS:
        kinds.append("few_events")
        notes.append(
            _nf(
                "{n} event by {months} months: fewer than {least}, unstable",
                "{n} events by {months} months: fewer than {least}, unstable",
                events,
                months=plain(month),
                least=MIN_EVENTS,
            )
        )
    if completeness < MIN_COMPLETENESS:
        kinds.append("incomplete")
        notes.append(
            _f(
                "follow-up {completeness} complete at {months} months (below {least})",
                completeness=share(completeness),
                months=plain(month),
                least=share(MIN_COMPLETENESS),
            )
        )
    return Landmark(
        disease=disease,
        phase=phase,
        group=group,
        endpoint=endpoint,
        months=month,
        patients=patients,
        estimate=_percent(estimate),
        ci_low=_percent(low),
        ci_high=_percent(high),
        at_risk=at_risk,
        events=events,
        censored=censored,
        completeness=completeness,
        warnings=tuple(notes),
        warning_kinds=tuple(kinds),
    )


def _finite(value) -> float | None:
    return float(value) if value is not None and np.isfinite(value) else None


def _percent(value) -> float | None:
    value = _finite(value)
    return None if value is None else 100 * value


def _curves(stratum, sample: Sample) -> list[Curve]:
    disease, phase, group = stratum
    survival, interval = _kaplan_meier(sample)
    curves = [
        Curve(
            disease,
            phase,
            group,
            "os",
            *_from_origin(
                survival.quantiles,
                survival.probabilities,
                interval.low.probabilities,
                interval.high.probabilities,
                start=1.0,
            ),
            censored_months=np.unique(sample.follow_up[~sample.died]),
        )
    ]
    times, by_cause = _cumulative_incidence(sample)
    for endpoint, cause in (("cir", 1), ("nrm", 2)):
        estimate, se = by_cause[cause]
        low, high = log_log_interval(estimate, se)
        changes = np.flatnonzero(np.diff(estimate, prepend=0.0) != 0)
        curves.append(
            Curve(
                disease,
                phase,
                group,
                endpoint,
                *_from_origin(times[changes], estimate[changes], low[changes], high[changes], 0.0),
                censored_months=np.unique(sample.first_event[sample.cause == 0]),
            )
        )
    return curves


def _from_origin(times, estimate, low, high, start: float):
    """The curve's arrays in percent, starting at month 0 with the value `start`."""
    return (
        np.r_[0.0, times],
        100 * np.r_[start, estimate],
        100 * np.r_[np.nan, low],
        100 * np.r_[np.nan, high],
    )
