"""The layout every phase page shares: headline numbers, arm comparisons, effects and
single-arm figures on the left, the integrative-care notes beside them on the right.
"""

import pandas as pd
import streamlit as st

from lib import app_export, charts, queries, ui
from lib.vocabulary import DISEASES, PHASE_LABELS, PHASE_SUMMARIES

NOTES_HEIGHT = 1100
_UNIT_TITLES = {"%": "rates by arm", "months": "medians by arm (months)"}


def render_phase(phase: str) -> None:
    """Draw one phase page for the diseases selected in the sidebar."""
    state, diseases = ui.page_data()
    ds, table = state.dataset, state.table
    label = PHASE_LABELS[phase]
    title, toggle = st.columns([4, 1], vertical_alignment="bottom")
    title.title(label)
    toggle.toggle(
        "Print handout",
        key=ui.HANDOUT_KEY,
        bind="query-params",
        help="Shows every chart, table and source at once; then print (Ctrl+P).",
    )
    if ui.handout_mode():
        st.html(ui.PRINT_CSS)
    st.caption(f"{PHASE_SUMMARIES[phase]} · showing {', '.join(diseases)}")
    in_view = queries.filter_table(table, diseases, phase)
    studies = queries.phase_studies(ds, phase, diseases)

    evidence, notes = st.columns([2.1, 1], gap="large")
    notes_height = "content" if ui.handout_mode() else NOTES_HEIGHT
    with notes, st.container(height=notes_height, border=True, key="notes-panel"):
        documents = {d.id: f"{d.title} ({d.outlet})" for d in ds.documents}
        ui.note_panel(
            queries.phase_notes(ds, phase, diseases),
            ds.consensus if phase in ("induction", "consolidation") else (),
            documents,
        )
    with evidence:
        ui.headline_row(queries.headlines(in_view))
        if not studies:
            _empty_state(ds, phase, diseases)
        images = _ImageLinks(state, diseases)
        _arm_comparisons(in_view, studies, images)
        _effects(in_view, studies, images)
        _single_arm(in_view, studies, images)
        _key_facts(in_view)


def _empty_state(ds, phase: str, diseases: list[str]) -> None:
    counts = queries.studies_by_disease(ds, phase)
    others = [f"{d}: {counts[d]}" for d in DISEASES if d not in diseases and counts[d]]
    where = (
        "Studies in this phase for other diseases: " + ", ".join(others) + "."
        if others
        else "No disease has studies in this phase in the dataset."
    )
    st.info(
        f"No {', '.join(diseases)} studies in the {PHASE_LABELS[phase].lower()} phase in "
        f"these sources. {where} Registry figures and notes below still apply."
    )


class _ImageLinks:
    """Image downloads for a page's charts, from the slide that draws the same figure."""

    def __init__(self, state, diseases):
        self.state, self.diseases = state, diseases

    def __call__(self, kind: str, study_ids: tuple, option: str | None):
        slide = app_export.find_slide(self.state, self.diseases, kind, study_ids, option)
        return app_export.image_download(self.state, slide) if slide else None


def _arm_comparisons(table, studies, images: _ImageLinks) -> None:
    comparative = queries.comparative_studies(studies)
    if not comparative:
        return
    st.subheader("Arm comparisons")
    for study in comparative:
        values = queries.arm_outcomes(table, study.id)
        claims = queries.direction_claims(table, study.id)
        units = charts.arm_units(values)
        figures = [
            charts.arm_comparison(values, f"{study.short_label}: {_UNIT_TITLES[unit]}", unit)
            for unit in units
        ]
        rows = table[table["study_id"] == study.id]
        shown = values if len(values) else rows
        ui.figure_card(
            study.title,
            study.id,
            figures,
            _with_claims(shown, claims, rows),
            queries.study_badges(table, study),
            before_tabs=(lambda c=claims: ui.statements(c)) if len(claims) else None,
            images=[images("arm", (study.id,), unit) for unit in units],
        )


def _with_claims(values, claims, rows):
    """The numbers behind a card: charted values, direction-only claims and sample sizes."""
    sizes = rows[rows["kind"] == "sample_size"]
    others = rows[(rows["kind"] == "comparison") & ~rows["figure_id"].isin(claims["figure_id"])]
    return pd.concat([values, claims, others, sizes], ignore_index=True)


def _effects(table, studies, images: _ImageLinks) -> None:
    effects = queries.effect_rows(table, [s.id for s in studies])
    if effects.empty:
        return
    st.subheader("Effects")
    badge_list = [queries.CROSS_TRIAL] if effects["study_id"].nunique() > 1 else []
    comps = table[table["figure_id"].isin(effects["figure_id"])]
    for scale, title in (
        ("ratio", "Hazard and risk ratios"),
        ("difference", "Risk differences (computed from events/n)"),
    ):
        subset = effects[
            effects["measure"].str.contains("ratio" if scale == "ratio" else "difference")
        ]
        if subset.empty:
            continue
        ui.figure_card(
            title,
            f"forest-{scale}",
            [charts.forest(subset, title, scale=scale)],
            comps,
            badge_list,
            images=[images("forest", tuple(subset["study_id"].unique()), scale)],
        )


def _single_arm(table, studies, images: _ImageLinks) -> None:
    """One card per study for figures without a control arm, with that study's caveats."""
    values = queries.single_arm_values(table, studies)
    chartable = values[values["unit"] != "months"]
    if chartable.empty:
        return
    st.subheader("Single-arm, registry and case figures")
    st.caption("No control arm: read each bar on its own, not against bars of other studies.")
    for study in studies:
        rows = chartable[chartable["study_id"] == study.id]
        if rows.empty:
            continue
        title = f"{study.short_label}: figures without a control arm"
        sizes = table[(table["study_id"] == study.id) & (table["kind"] == "sample_size")]
        ui.figure_card(
            study.title,
            f"single-{study.id}",
            [charts.single_arm(rows, title)],
            pd.concat([rows, sizes], ignore_index=True),
            queries.study_badges(table, study),
            images=[images("single", (study.id,), None)],
        )


def _key_facts(table) -> None:
    facts = table[(table["kind"] == "key_fact") & ~table["headline"].astype(bool)]
    if facts.empty:
        return
    st.subheader("Registry and programme facts")
    ui.figure_card("Registry and programme facts", "key-facts", [], facts)
