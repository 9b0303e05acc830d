"""Pure selections from the figure table: the rows a phase, a study or a chart is about.

(table, filters) -> DataFrames. Chart values carry their plotting scale and CI method.

Keys stay English whatever the language (`plot_unit`, an effect's `measure` and `method`: code
reads them); the text shown (`ci_method`, `measure_label`, `method_label`) is made in the
session's language when called.
"""

import functools
from collections import namedtuple
from collections.abc import Iterable

import pandas as pd

from lib.dataset.records import Dataset, Study
from lib.dataset.vocabulary import DISEASES, LOWER_IS_BETTER, STUDY_ROLES, UNIT_LABELS
from lib.evidence import stats
from lib.evidence.text import (
    count_pairs,
    display_p,
    is_missing,
    p_beside_values,
    rates_at,
    truncated,
)
from lib.i18n import N_, _, _f

SMALL_N = 20

#: An effect's measure (the `measure` column, a key the charts read), translated for display.
HAZARD_RATIO = N_("Hazard ratio")
RISK_DIFFERENCE = N_("Risk difference (percentage points)")
RISK_RATIO = N_("Risk ratio")
AS_PUBLISHED = N_("as published")
COMPUTED = "computed"  # from events/n: the row's `interval_method` names how
#: The forest plot's scale by measure key: ratios (null 1) or differences (null 0).
SCALES = {HAZARD_RATIO: "ratio", RISK_RATIO: "ratio", RISK_DIFFERENCE: "difference"}
#: The interval methods of lib.evidence.stats, as shown.
_METHOD_NAMES = {
    stats.WILSON: N_("Wilson score interval"),
    stats.NEWCOMBE: N_("Newcombe hybrid score interval"),
    stats.KATZ: N_("Katz log interval"),
    stats.KATZ_CORRECTED: N_("Katz log interval, 0.5 added to each cell"),
}


def records(frame: pd.DataFrame) -> list:
    """The rows as named tuples, like `DataFrame.itertuples()` (Index first): pandas builds
    itertuples column by column, which is slow on this wide table; this converts it once."""
    row = _row_type(tuple(frame.columns))
    values = frame.to_numpy(dtype=object).tolist()
    return [row(index, *cells) for index, cells in zip(frame.index, values, strict=True)]


@functools.lru_cache(maxsize=64)
def _row_type(columns: tuple[str, ...]) -> type:
    return namedtuple("Row", ["Index", *columns], rename=True)


def filter_table(
    table: pd.DataFrame, diseases: Iterable[str] = DISEASES, phase: str | None = None
) -> pd.DataFrame:
    """Rows whose diseases overlap the selection, optionally for one phase."""
    wanted = set(diseases)
    mask = table["diseases"].map(lambda value: not wanted.isdisjoint(value))
    if phase is not None:
        mask &= table["phase"] == phase
    return table[mask].reset_index(drop=True)


def phase_studies(ds: Dataset, phase: str, diseases: Iterable[str]) -> list[Study]:
    """Studies with figures in one phase (their own, or figures placed there) that concern at
    least one selected disease: standard-of-care references first, then newer therapies, then
    integrative care (so a new result is read against the standard); within a role, randomised
    trials first, then dataset order."""
    wanted = set(diseases)
    found = [s for s in ds.studies if phase in study_phases(ds, s) and wanted & set(s.diseases)]
    return sorted(found, key=lambda s: (STUDY_ROLES.index(s.role), s.design != "rct"))


def study_phases(ds: Dataset, study: Study) -> set[str]:
    """The phases a study's figures appear in: its own, and any a figure is placed in."""
    placed = {f.phase for f in (*ds.outcomes, *ds.comparisons) if f.study == study.id and f.phase}
    return {study.phase, *placed}


def studies_by_disease(ds: Dataset, phase: str) -> dict[str, int]:
    """How many studies of the phase concern each disease (for empty states)."""
    studies = phase_studies(ds, phase, DISEASES)
    return {d: sum(1 for s in studies if d in s.diseases) for d in DISEASES}


def rows_by_study(table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each study's rows, split once (filtering per study would grow with studies x rows)."""
    return {study_id: rows for study_id, rows in table.groupby("study_id", sort=False)}


def comparative_studies(studies: list[Study]) -> list[Study]:
    return [s for s in studies if s.is_comparative]


def chart_values(table: pd.DataFrame) -> pd.DataFrame:
    """Outcome rows with a plotting value on one scale: percentages, or counts shown as % of n.

    Counts with a denominator become percentages marked `computed`; CIs come from the
    publication where it gives them, else from events/n (Wilson), else none. Rows without a
    usable number (truncated, direction-only, counts without n, months) keep `plot_value` NaN.
    """
    frame = table[table["kind"] == "outcome"].reset_index(drop=True)
    value, n, unit = frame["value"], frame["n"].astype("float64"), frame["unit"]
    counted = (unit == "patients") & value.notna() & (n > 0)
    frame["plot_value"] = value.where(unit.isin(["percent", "months"]))
    frame.loc[counted, "plot_value"] = 100 * value[counted] / n[counted]
    frame["plot_unit"] = unit.map(lambda u: UNIT_LABELS.get(u, u)).where(~counted, "%")
    frame["computed"] = counted
    events = frame["events"].astype("float64").where(frame["events"].notna(), value.where(counted))
    published = frame["ci_low"].notna()
    # A survival-curve estimate is not events/n: no Wilson interval is computed from it.
    curve = frame["flags"].map(lambda kinds: "curve_estimate" in kinds)
    computable = ~published & ~curve & events.notna() & (n > 0) & unit.isin(["percent", "patients"])
    frame["ci_method"] = ""
    frame.loc[published, "ci_method"] = _("95% CI as published")
    frame.loc[computable, "ci_method"] = _("95% CI computed from events/n (Wilson)")
    intervals = [
        stats.wilson_interval(int(e), int(total))
        for e, total in zip(events[computable], n[computable], strict=True)
    ]
    if intervals:
        frame.loc[computable, "ci_low"] = [100 * i.low for i in intervals]
        frame.loc[computable, "ci_high"] = [100 * i.high for i in intervals]
    return frame


def arm_outcomes(table: pd.DataFrame, study_id: str) -> pd.DataFrame:
    """A comparative study's per-arm values (intervention and control arms) with p as printed."""
    rows = table[table["study_id"] == study_id]
    values = chart_values(rows)
    values = values[values["arm_role"].isin(["intervention", "control"])].reset_index(drop=True)
    comparisons = {r.figure_id: r for r in records(rows[rows["kind"] == "comparison"])}
    linked = [[comparisons[i] for i in ids if i in comparisons] for ids in values["linked_figures"]]
    values["p_as_printed"] = [_printed_p(comps) for comps in linked]
    values["p_shown"] = [_shown_p(comps) for comps in linked]
    # Both arms of a comparison share its time point, even where each arm's own label differs.
    values["group_time"] = [
        comps[0].time_point if comps else time
        for comps, time in zip(linked, values["time_point"], strict=True)
    ]
    return values


def _printed_p(comparisons: list) -> str | None:
    """The printed p of the first comparison listing an outcome that prints one (for the
    record: the Table tab)."""
    for comp in comparisons:
        if isinstance(comp.p_as_printed, str):
            return truncated(comp.p_as_printed) if "truncated" in comp.flags else comp.p_as_printed
    return None


def _shown_p(comparisons: list) -> str | None:
    """The same p as a reader sees it (`lib.evidence.text.display_p`: split digits joined,
    truncation marked, a decimal comma read as the number), saying what it tests where that is
    not the values it is shown over (`p_beside_values`): charts and sentences."""
    for comp in comparisons:
        if isinstance(comp.p_reads, str):  # words, not a p-value: as read in the page's language
            return comp.p_reads
        if isinstance(comp.p_as_printed, str):
            shown = display_p(comp.p_as_printed, comp.flags, comp.p_value, comp.p_relation)
            return p_beside_values(shown, comp.p_tests)
    return None


def direction_claims(table: pd.DataFrame, study_id: str) -> pd.DataFrame:
    """A study's comparisons stated without per-arm values (direction, p, HR), as statements."""
    comps = table[(table["kind"] == "comparison") & (table["study_id"] == study_id)]
    return comps[comps["linked_figures"].map(len) == 0].reset_index(drop=True)


def compared_arm_sizes(claim, sizes: pd.DataFrame) -> tuple[int, int] | None:
    """The sizes of the two arms a comparison compares (intervention first), from the study's
    sample-size rows; None where either arm has none on record."""
    by_arm = dict(zip(sizes["arm_id"], sizes["value"], strict=True))
    pair = (by_arm.get(claim.arm_id), by_arm.get(claim.comparator_arm_id))
    if any(n is None or pd.isna(n) for n in pair):
        return None
    return int(pair[0]), int(pair[1])


def single_arm_values(table: pd.DataFrame, studies: list[Study]) -> pd.DataFrame:
    """Outcomes not paired with a control: single-arm, registry and case figures of the phase."""
    ids = {s.id for s in studies}
    values = chart_values(table[table["study_id"].isin(ids)])
    return values[values["arm_role"] == "single"].reset_index(drop=True)


def effect_rows(table: pd.DataFrame, study_ids: Iterable[str]) -> pd.DataFrame:
    """Forest-plot rows: published hazard ratios and risk differences/ratios from events/n."""
    ids = set(study_ids)
    comps = table[(table["kind"] == "comparison") & table["study_id"].isin(ids)]
    outcomes = table[table["kind"] == "outcome"].set_index("figure_id")
    rows = []
    for _index, comp in comps.iterrows():
        base = {
            "study": comp["study"],
            "study_id": comp["study_id"],
            "endpoint_label": comp["endpoint_label"],
            "endpoint": comp["endpoint"],
            "time_point": comp["time_point"],
            "time_point_months": comp["time_point_months"],
            "figure_id": comp["figure_id"],
            "p_as_printed": comp["p_as_printed"],
            "p_shown": display_p(
                comp["p_as_printed"], comp["flags"], comp["p_value"], comp["p_relation"]
            ),
            "origin": comp["origin"],
            "lower_is_better": comp["endpoint"] in LOWER_IS_BETTER,
            "time_of_rates": False,
        }
        if pd.notna(comp["hr"]):
            rows.append(
                {
                    **base,
                    **_hazard_ratio_time(comp, outcomes),
                    "measure": HAZARD_RATIO,
                    "estimate": comp["hr"],
                    "low": comp["hr_ci_low"],
                    "high": comp["hr_ci_high"],
                    "scale": SCALES[HAZARD_RATIO],
                    "method": AS_PUBLISHED,
                    "interval_method": "",
                    "n_text": "",
                    "as_printed": comp["as_printed"],
                    "measure_label": _(HAZARD_RATIO),
                    "method_label": _(AS_PUBLISHED),
                }
            )
        pair = _event_pair(comp, outcomes)
        if pair is not None:
            (e_a, n_a), (e_b, n_b) = pair
            rd = stats.risk_difference(e_a, n_a, e_b, n_b)
            rr = stats.risk_ratio(e_a, n_a, e_b, n_b)
            n_text = count_pairs(((e_a, n_a), (e_b, n_b)))
            rows.append(
                {
                    **base,
                    "measure": RISK_DIFFERENCE,
                    "estimate": 100 * rd.value,
                    "low": 100 * rd.low,
                    "high": 100 * rd.high,
                    "scale": SCALES[RISK_DIFFERENCE],
                    "method": COMPUTED,
                    "interval_method": rd.method,
                    "n_text": n_text,
                    "as_printed": "",
                    "measure_label": _(RISK_DIFFERENCE),
                    "method_label": _computed_method(rd.method),
                }
            )
            rows.append(
                {
                    **base,
                    "measure": RISK_RATIO,
                    "estimate": rr.value,
                    "low": rr.low,
                    "high": rr.high,
                    "scale": SCALES[RISK_RATIO],
                    "method": COMPUTED,
                    "interval_method": rr.method,
                    "n_text": n_text,
                    "as_printed": "",
                    "measure_label": _(RISK_RATIO),
                    "method_label": _computed_method(rr.method),
                }
            )
    columns = [
        "study",
        "study_id",
        "endpoint_label",
        "endpoint",
        "time_point",
        "time_point_months",
        "time_of_rates",
        "figure_id",
        "p_as_printed",
        "p_shown",
        "origin",
        "lower_is_better",
        "measure",
        "estimate",
        "low",
        "high",
        "scale",
        "method",
        "interval_method",
        "n_text",
        "as_printed",
        "measure_label",
        "method_label",
    ]
    return pd.DataFrame(rows, columns=columns)


def _hazard_ratio_time(comp: pd.Series, outcomes: pd.DataFrame) -> dict:
    """The time point beside a published hazard ratio (the row's changes). A comparison's time
    point is that of the rates it compares (HOVON97: disease-free survival at 12 months, 64% vs
    42%); its hazard ratio comes from a survival model over the period its publication
    analysed, which the time point does not give. Beside the ratio it reads "rates at 12
    months" (`time_of_rates`), so that no one reads the ratio as measured at 12 months. A ratio
    given with medians, or over a period of its own ("whole follow-up", "median follow-up 51
    months"), keeps its time point."""
    linked = [f for f in comp["linked_figures"] if f in outcomes.index]
    if linked:
        rates = (outcomes.loc[linked, "unit"] == "percent").all()
    else:  # the rates stay in the passage (sorafenib's relapse at 1 year, 7.0% vs 24.5%)
        rates = not is_missing(comp["time_point_months"])
    if not rates:
        return {}
    return {"time_point": rates_at(comp["time_point"]), "time_of_rates": True}


def _computed_method(name: str) -> str:
    """'computed from events/n (Newcombe hybrid score interval)', in the session's language."""
    shown = _(_METHOD_NAMES[name]) if name in _METHOD_NAMES else name
    return _f("computed from events/n ({method})", method=shown)


def _event_pair(comp: pd.Series, outcomes: pd.DataFrame):
    """(events, n) for both arms when the comparison's outcomes print both; else None."""
    by_role = {}
    for figure_id in comp["linked_figures"]:
        row = outcomes.loc[figure_id]
        if pd.notna(row["events"]) and pd.notna(row["n"]):
            by_role[row["arm_role"]] = (int(row["events"]), int(row["n"]))
    if {"intervention", "control"} <= by_role.keys():
        return by_role["intervention"], by_role["control"]
    return None


def chart_scale(values: pd.DataFrame) -> pd.Series:
    """The axis each row belongs on: counts are shown as % of n (or not at all), so on "%"."""
    return values["plot_unit"].where(values["unit"] != "patients", "%")


def arm_units(values: pd.DataFrame) -> list[str]:
    """The value axes an arm chart of these rows needs, "%" first (e.g. ["%", "months"])."""
    units = chart_scale(values)[values["plot_value"].notna()].unique().tolist()
    return sorted(units, key=lambda unit: (unit != "%", unit))


def ordered_diseases(diseases: Iterable[str]) -> list[str]:
    """The selection in the vocabulary's order, without repeats."""
    chosen = set(diseases)
    return [d for d in DISEASES if d in chosen]
