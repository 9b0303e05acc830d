"""What a clinician reads before the numbers: headline figures and caveat badges. Pure.

Labels and explanations come out in the session's language (`lib.i18n`), made when called.
"""

from dataclasses import dataclass

import pandas as pd

from lib.dataset.records import Study
from lib.dataset.rules import headline_refusal
from lib.dataset.vocabulary import (
    DESIGN_LABELS,
    FLAG_LABELS,
    STUDY_ROLE_LABELS,
    STUDY_ROLE_NOTES,
    VERIFICATION_LABELS,
)
from lib.evidence.selection import SMALL_N
from lib.evidence.text import (
    bracketed,
    display_count,
    display_n,
    display_p,
    display_value,
    labelled,
    p_beside_values,
    publication_effect,
    read_words,
)
from lib.i18n import _, _f


@dataclass(frozen=True)
class Headline:
    """A key number of a phase for a metric card, with its source line and caveats."""

    figure_id: str
    label: str
    context: str  # design and population: "Registry analysis: adults with AML who relapsed ..."
    value: str
    detail: str
    source: str
    flags: tuple[str, ...]
    origin: str


def headline_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The figures the data proposes as headlines that the headline rule accepts (see
    lib.dataset.rules.headline_refusal), randomised evidence first."""
    proposed = table[table["headline"].fillna(False).astype(bool)]
    accepted = [
        headline_refusal(
            row.kind,
            row.endpoint,
            row.flags,
            row.arms_defined_by,
            _n_known(table, row),
            not pd.isna(row.time_point_months) or row.endpoint == "median_os",
        )
        is None
        for row in proposed.itertuples()
    ]
    chosen = proposed[pd.Series(accepted, index=proposed.index, dtype=bool)]
    return chosen.sort_values("design", key=lambda d: d != "rct", kind="stable")


def _n_known(table: pd.DataFrame, row) -> bool:
    if row.kind == "comparison":
        linked = table[table["figure_id"].isin(row.linked_figures)]
        return len(linked) == 2 and bool(linked["n"].notna().all())
    return not pd.isna(row.n)


def headlines(table: pd.DataFrame) -> list[Headline]:
    """The phase's headline figures, formatted for metric cards."""
    items = []
    for _index, row in headline_rows(table).iterrows():
        if row["kind"] == "comparison":
            pair = table[table["figure_id"].isin(row["linked_figures"])]
            by_role = {r["arm_role"]: r for _index, r in pair.iterrows()}
            value = " vs ".join(
                _display(by_role[role]) for role in ("intervention", "control") if role in by_role
            )
            ns = " vs ".join(
                display_count(by_role[role]["n"])
                for role in ("intervention", "control")
                if role in by_role and pd.notna(by_role[role]["n"])
            )
            # "vs" between arms reads the same in Chinese clinical text
            label = labelled(row["endpoint_label"], f"{row['arm']} vs {row['comparator_arm']}")
            detail = " · ".join(
                filter(
                    None,
                    [
                        row["time_point"],
                        f"n={ns}" if ns else display_n(None),
                        _headline_p(table, row),
                    ],
                )
            )
        else:
            value = _display(row)
            label = (
                row["endpoint_label"]
                if row["kind"] == "key_fact"
                else labelled(row["endpoint_label"], row["arm"])
            )
            n = display_n(row["n"])
            detail = " · ".join(
                filter(None, [row["time_point"], n if row["kind"] != "key_fact" else row["study"]])
            )
        items.append(
            Headline(
                figure_id=row["figure_id"],
                label=label,
                context=headline_context(row),
                value=value,
                detail=detail,
                source=source_line(row),
                origin=row["origin"],
                flags=tuple(_(FLAG_LABELS[f]) for f in row["flags"]),
            )
        )
    return items


def headline_context(row: pd.Series) -> str:
    """Who was studied and how, for a headline card: 'Registry analysis: adults with AML who
    relapsed after allo-HSCT in first complete remission (EBMT registry)'. Validation makes sure
    every headline figure's study has both (lib.dataset.rules.headline_populations)."""
    design = _(DESIGN_LABELS[row["design"]]) if isinstance(row["design"], str) else ""
    population = row["population_label"] if isinstance(row["population_label"], str) else ""
    if design and population:
        return labelled(design, population)
    return design or population


def _display(row: pd.Series) -> str:
    return read_words(row, "reads") or display_value(
        row["value"], row["as_printed"], row["unit"], row["flags"], row["n"]
    )


def _headline_p(table: pd.DataFrame, row: pd.Series) -> str:
    """The headline's p. Where the document gives words, not a p-value ('all statistically
    different'), the words as read with the publication's hazard ratio and p beside them, from
    the publication's comparison of the same endpoint and time point."""
    words = read_words(row, "p_reads")
    if not words:
        shown = display_p(row["p_as_printed"], row["flags"], row["p_value"], row["p_relation"])
        return p_beside_values(shown, row["p_tests"])
    twins = table[
        (table["kind"] == "comparison")
        & (table["origin"] == "publication")
        & (table["study_id"] == row["study_id"])
        & (table["endpoint"] == row["endpoint"])
        & (table["time_point_months"] == row["time_point_months"])
        & table["hr"].notna()
    ]
    if twins.empty:
        return words
    twin = twins.iloc[0]
    return bracketed(
        words,
        publication_effect(
            twin["hr"],
            twin["hr_ci_low"],
            twin["hr_ci_high"],
            twin["p_as_printed"],
            twin["as_printed"],
        ),
    )


def source_line(row: pd.Series) -> str:
    """A one-line source for a figure: study, document or publication, verification."""
    where = (
        _f("Publication: {citation}", citation=_short_citation(row["citation"]))
        if row["origin"] == "publication"
        else _f("Document: {title}", title=row["document_title"])
    )
    return f"{where} · {_(VERIFICATION_LABELS[row['verification_status']])}"


def _short_citation(citation: str) -> str:
    return citation if len(citation) <= 90 else citation[:87].rsplit(" ", 1)[0] + "…"


# --- badges --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Badge:
    label: str
    tone: str  # "info" | "warning"
    help: str


def study_badges(table: pd.DataFrame, study: Study) -> list[Badge]:
    """The caveats a clinician needs before reading a study's figures."""
    rows = table[table["study_id"] == study.id]
    badges = [
        Badge(
            _(STUDY_ROLE_LABELS[study.role]),
            "info",
            _(STUDY_ROLE_NOTES[study.role]),
        ),
        Badge(
            _(DESIGN_LABELS[study.design]),
            "info" if study.design == "rct" else "warning",
            study.design_note or _("Design as reported in the source."),
        ),
    ]
    # A design the source does not report is not known to be non-randomised: its design badge
    # ("Design not reported") says all there is to say.
    if study.design not in ("rct", "not_reported") and study.is_comparative:
        badges.append(
            Badge(
                _("Not randomised"),
                "warning",
                _("Arms were not allocated at random; differences may reflect selection."),
            )
        )
    if study.arms_defined_by == "outcome":
        badges.append(
            Badge(
                _("Groups formed by outcome"),
                "warning",
                _(
                    "The groups are defined by what happened to the patients (e.g. whether they "
                    "reached transplant), not by the treatment they were given: biased by design; "
                    "those who lived long enough to reach the next step look better."
                ),
            )
        )
    sizes = [int(n) for n in rows.loc[rows["kind"] == "sample_size", "value"].dropna()]
    if sizes and min(sizes) < SMALL_N:
        badges.append(
            Badge(
                _f("Small n (smallest group {n})", n=min(sizes)),
                "warning",
                _f("At least one group has fewer than {n} patients.", n=SMALL_N),
            )
        )
    if not sizes and study.design != "case_report":
        badges.append(Badge(display_n(None), "warning", _("The source gives no sample size.")))
    flags = {kind for kinds in rows["flags"] for kind in kinds}
    statuses = set(rows["verification_status"])
    for kind in (
        "truncated",
        "discrepant",
        "setting_uncertain",
        "endpoint_unclear",
        "non_randomised_comparison",
        "curve_estimate",
        "same_claim",
        "analysed_vs_randomised",
        "minor_discrepancy",
    ):
        if kind in flags:
            badges.append(Badge(_(FLAG_LABELS[kind]), "warning", _flag_help(rows, kind)))
    if "discrepant_minor" in statuses and not flags & {"discrepant", "minor_discrepancy"}:
        minor = FLAG_LABELS["minor_discrepancy"]  # the English, translated below
        badges.append(
            Badge(
                _(minor),
                "warning",
                _("At least one figure differs slightly from the publication."),
            )
        )
    if "not_verified_discrepant_with_published" in statuses and "discrepant" not in flags:
        discrepant = FLAG_LABELS["discrepant"]  # the English, translated below
        badges.append(
            Badge(
                _(discrepant),
                "warning",
                _("At least one figure differs from the publication."),
            )
        )
    return badges


def _flag_help(rows: pd.DataFrame, kind: str) -> str:
    """The note of the first figure flagged `kind`, which says why."""
    for notes in rows["flag_notes"]:
        for flagged, note in notes:
            if flagged == kind:
                return note
    return _(FLAG_LABELS[kind])


def cross_trial() -> Badge:
    """The caveat of an exhibit whose rows come from several studies (made when called, in the
    session's language)."""
    return Badge(
        _("Cross-trial view"),
        "warning",
        _(
            "Rows come from different studies with different patients, endpoints and "
            "follow-up; compare within a row, not between rows."
        ),
    )
