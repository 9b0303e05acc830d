"""The "Our centre" page: a team's own de-identified cohort beside the published figures.

The cohort lives in this session's st.session_state and nowhere else: never in st.cache_data or
st.cache_resource (shared by every user of the process), never on disk, never in a log or an
error message. Its charts are drawn on each run from the session's copy. "Remove our data"
drops it; a new session (another browser, a server restart, a failover) starts without it.
"""

import logging
from importlib import metadata

import streamlit as st

from lib import export
from lib.app import exports, widgets
from lib.app.centre_session import CentreSession, session_centre
from lib.app.keys import CENTRE_DECK_KEY, CENTRE_KEY
from lib.app.language import in_session_language
from lib.app.state import DataState, current_data
from lib.app.widgets import show_chart
from lib.cohort.demo import load_demo_cohort
from lib.cohort.estimates import MIN_EVENTS
from lib.cohort.export import estimates_json, landmark_frame
from lib.cohort.literature import CAVEAT
from lib.cohort.loading import load_cohort
from lib.cohort.problems import CohortProblem, CohortRejected, file_problem
from lib.cohort.reading import MAX_FILE_BYTES, workbook_sheets
from lib.cohort.records import ALL_PATIENTS, MIN_GROUP_PATIENTS
from lib.cohort.results import CentreResults, centre_results
from lib.cohort.template import template_csv
from lib.dataset.vocabulary import DISEASES, PHASE_LABELS, PHASES
from lib.evidence import text as fmt
from lib.evidence.escape import markdown
from lib.evidence.text import display_n
from lib.i18n import N_, SOURCE_LANGUAGE, _, _f, _nf, current_language
from lib.render import cohort_charts as cc

#: Only the kind of a failure is logged, never its message: it could quote a patient's cell.
_LOG = logging.getLogger(__name__)
REPORT_KEY = "centre-report"  # the last rejected file's problems (no values in them)
ROUND_KEY = "centre-upload-round"  # a new uploader after each load, so the last file is let go
UPLOAD_KEY = "centre-upload"
SHEET_KEY = "centre-sheet"
REMOVED_KEY = "centre-removed"
ORIGIN_KEY = "centre-origin"
GROUP_KEY = "centre-group"
UPLOAD_TYPES = ["csv", "xlsx", "xls", "ods"]
MAX_UPLOAD_MB = MAX_FILE_BYTES // 1024 // 1024
# Module-level text keeps the English (marked N_) and is translated where shown.
NOT_KEPT = N_(
    "Uploaded data is not kept across server restarts: if the cohort is gone after a restart "
    "or a switch to another server, upload the file again."
)
#: The small-cell rule, said where groups are shown and under "What happens to your file".
SMALL_CELL_RULE = N_(
    "Small-cell rule: a group with fewer than {n} patients in a disease and time origin is never "
    "drawn or listed on its own. Such groups are pooled as “Other groups (fewer than {n} patients "
    "each)”; when even the pooled patients are fewer than {n}, they count under All patients only."
)
WHAT_HAPPENS = (
    N_(
        "It is read into this browser session's memory on the server, and nothing else: never "
        "written to disk, logged, cached for other users or shared with another session."
    ),
    N_(
        "**Remove our data** clears the patients and every result at once; closing the tab ends "
        "the session, and the server then releases the upload too."
    ),
    NOT_KEPT,
    N_(
        "A file that looks identifying (names, record or ID-card numbers, phone numbers, e-mail "
        "addresses, calendar dates, free text) is refused as a whole; the report names the "
        "column and the rule, never the values. Group labels that look like a person's name "
        "and case codes shaped like record numbers are refused too."
    ),
    SMALL_CELL_RULE,
)
INTERNAL_ERROR = N_("could not be processed (an internal error; no content shown)")
#: Under the uploader in a language other than English: Streamlit draws the drop zone's words
#: (its "Upload" button, "10MB per file", the formats) in English whatever the language
#: (streamlit/streamlit#10380), so the page says in the reader's language what to do.
UPLOADER_HINT = N_(
    "Drag the file onto the box above, or click “Upload” to choose it. The box's own words are "
    "Streamlit's and stay in English."
)
#: Disease x time origin blocks drawn open on the page; the others are listed closed and drawn
#: when opened (two charts each: the first paint stays at most 8 curve charts).
OPEN_STRATA = 4


@in_session_language  # a button callback runs before the page script and its language
def remove_centre() -> None:
    """Drop the cohort, its results, its report and the uploader holding the file."""
    for key in (CENTRE_KEY, CENTRE_DECK_KEY, REPORT_KEY, ORIGIN_KEY, GROUP_KEY):
        st.session_state.pop(key, None)
    st.session_state[ROUND_KEY] = st.session_state.get(ROUND_KEY, 0) + 1
    st.session_state[REMOVED_KEY] = True


# --- the page ---------------------------------------------------------------------------------


def render_centre() -> None:
    state, diseases = widgets.page_data()
    st.title(_("Our centre beside the literature"))
    st.caption(
        _(
            "Your own de-identified cohort: overall survival, relapse and non-relapse mortality "
            "with 95% confidence intervals, next to the published figures. Local data, for "
            "internal review."
        )
    )
    centre = session_centre(state)
    left, right = st.columns([3, 2], gap="large")
    with right:
        _about_panel()
    with left:
        if centre is not None:
            _loaded_panel(centre)
        _upload_panel(state, centre is not None)
        _start_panel()
    _report()
    if centre is None:
        return
    try:
        _results(centre, diseases)
    except Exception as error:  # never a traceback: it could quote a label or a value
        _LOG.warning("centre page: results failed (%s)", type(error).__name__)
        st.error(
            _(
                "The results could not be processed (an internal error; no content shown). "
                "Remove the data and try again."
            )
        )


def _about_panel() -> None:
    with st.container(border=True, key="centre-about"):
        st.markdown(widgets.bold(_("What happens to your file")))
        st.markdown("\n".join(f"- {_f(line, n=MIN_GROUP_PATIENTS)}" for line in WHAT_HAPPENS))


def _start_panel() -> None:
    """The template in both languages and the synthetic demo cohort."""
    st.markdown(widgets.bold(_("Template and demo")))
    st.caption(
        _(
            "One row per patient: disease, phase (the time origin), months of follow-up, died, "
            "months to relapse; optional group, year, age band and a pseudonymous case code. "
            "The guide is at the top of the template."
        )
    )
    # The Chinese template keeps its Chinese label in both languages (a reader of Chinese finds
    # it in the English interface too); the reader's own language comes first.
    templates = [
        ("en", _("Template (English)"), "phasewise-cohort-template.csv"),
        ("zh", "模板（中文表头）", "phasewise-cohort-template-zh.csv"),
    ]
    if current_language() == "zh":
        templates.reverse()
    with st.container(horizontal=True, gap="small"):
        for language, label, file_name in templates:
            st.download_button(
                label,
                template_csv(language),
                file_name=file_name,
                mime="text/csv",
                icon=":material/download:",
                on_click="ignore",
                key=f"centre-template-{language}",
            )
        st.button(
            _("Try the demo cohort (synthetic)"),
            key="centre-demo",
            icon=":material/science:",
            on_click=_load_demo,
            help=_(
                "320 simulated patients shipped with the app (data/demo_cohort.csv), labelled "
                "synthetic wherever they appear."
            ),
        )


def _loaded_panel(centre: CentreResults) -> None:
    cohort = centre.cohort
    counts = fmt.enumeration(
        f"{disease} {fmt.count((cohort.disease == disease).sum())}"
        for disease in DISEASES
        if (cohort.disease == disease).any()
    )
    with st.container(border=True, key="centre-loaded"):
        if centre.synthetic:
            st.badge(_("Synthetic demo cohort: simulated patients, not real ones"), color="orange")
        st.markdown(_loaded_sentence(centre, markdown(counts)))
        for note in cohort.notes:
            st.caption(markdown(_f("Note: {note}", note=note)))
        st.button(
            _("Remove our data"),
            key="centre-remove",
            type="primary",
            icon=":material/delete:",
            on_click=remove_centre,
            help=_("Clears the patients and every result from this session now."),
        )


def _loaded_sentence(centre: CentreResults, counts: str) -> str:
    """'**Your cohort is loaded in this session:** 320 patients (AML 200, MDS 120), 3 groups'."""
    cohort, synthetic = centre.cohort, centre.synthetic
    patients = _nf("{n} patient", "{n} patients", len(cohort), n=fmt.count(len(cohort)))
    if cohort.has_groups:
        groups = _nf("{n} group", "{n} groups", len(centre.shown_groups()))
        if synthetic:
            return _f(
                "**A synthetic cohort is loaded in this session:** {patients} ({counts}), {groups}",
                patients=patients,
                counts=counts,
                groups=groups,
            )
        return _f(
            "**Your cohort is loaded in this session:** {patients} ({counts}), {groups}",
            patients=patients,
            counts=counts,
            groups=groups,
        )
    if synthetic:
        return _f(
            "**A synthetic cohort is loaded in this session:** {patients} ({counts})",
            patients=patients,
            counts=counts,
        )
    return _f(
        "**Your cohort is loaded in this session:** {patients} ({counts})",
        patients=patients,
        counts=counts,
    )


def _upload_panel(state: DataState, loaded: bool) -> None:
    if st.session_state.pop(REMOVED_KEY, False):
        st.success(
            _("Removed: nothing of the cohort is kept in this session."),
            icon=":material/check_circle:",
        )
    round_ = st.session_state.get(ROUND_KEY, 0)
    upload = st.file_uploader(
        _("Upload another cohort file (it replaces the one loaded)")
        if loaded
        else _("Upload your cohort file"),
        type=UPLOAD_TYPES,
        key=f"{UPLOAD_KEY}-{round_}",
        max_upload_size=MAX_UPLOAD_MB,
        help=_f(
            "CSV (UTF-8 or GB18030) or an Excel workbook (.xlsx), up to {mb} MB and 200,000 "
            "patients. Use the template for the columns.",
            mb=MAX_UPLOAD_MB,
        ),
    )
    if current_language() != SOURCE_LANGUAGE:
        st.caption(_(UPLOADER_HINT))
    if not loaded:
        st.caption(_(NOT_KEPT))
    if upload is None:
        return
    data = upload.getvalue()
    sheets = workbook_sheets(data, filename=upload.name)
    sheet = None
    if len(sheets) > 1:
        sheet = st.selectbox(
            _("The workbook has several sheets: which one holds the patients?"),
            sheets,
            index=None,
            placeholder=_("Choose a sheet"),
            key=f"{SHEET_KEY}-{round_}",
        )
        if sheet is None:
            return
    with st.spinner(_("Checking and estimating…")):
        _load(state, lambda: load_cohort(data, filename=upload.name, sheet=sheet), "upload")
    st.rerun()


@in_session_language  # a button callback runs before the page script and its language
def _load_demo() -> None:
    _load(current_data(), load_demo_cohort, "demo")


def _load(state: DataState, read, origin: str) -> None:
    """Read, validate and estimate; keep the result or the report in this session only. A
    new uploader follows, so the file just read is no longer held by the widget."""
    st.session_state[ROUND_KEY] = st.session_state.get(ROUND_KEY, 0) + 1
    st.session_state.pop(REMOVED_KEY, None)
    try:
        cohort = read()
        results = centre_results(cohort, state.dataset)
    except CohortRejected as rejection:
        st.session_state[REPORT_KEY] = (
            rejection.problems,
            rejection.privacy,
            rejection.problem_count,
            rejection.row_count,
        )
        return
    except Exception as error:  # an unexpected failure: say so without any content
        _LOG.warning("centre page: a cohort file failed (%s)", type(error).__name__)
        st.session_state[REPORT_KEY] = ((file_problem(_(INTERNAL_ERROR)),), False, 1, 0)
        return
    label = "demo cohort (synthetic)" if origin == "demo" else "uploaded file"
    st.session_state[CENTRE_KEY] = CentreSession(results, state.signature, label)
    st.session_state.pop(REPORT_KEY, None)
    for key in (ORIGIN_KEY, GROUP_KEY):
        st.session_state.pop(key, None)


def _report() -> None:
    """The last file's problems, each located (row, column), as text; nothing was loaded."""
    report = st.session_state.get(REPORT_KEY)
    if not report:
        return
    problems, privacy, problem_count, row_count = report
    problems: tuple[CohortProblem, ...]
    if privacy:
        st.error(
            _(
                "**Refused: the file looks like it identifies patients.** Nothing was loaded. "
                "Remove the column(s) named below (or replace dates by months from the time "
                "origin) and upload again. The offending values are not shown."
            ),
            icon=":material/shield:",
        )
    else:
        rows = _nf("{n} row", "{n} rows", row_count, n=fmt.count(row_count))
        st.error(
            _nf(
                "**The file was not loaded: {n} problem in {rows}.** Nothing was loaded; fix "
                "it and upload again. Rows are numbered as a spreadsheet numbers them (the "
                "header is the first row with column names).",
                "**The file was not loaded: {n} problems in {rows}.** Nothing was loaded; fix "
                "them all and upload again. Rows are numbered as a spreadsheet numbers them (the "
                "header is the first row with column names); a row with the same problem as the "
                "rows above it may be summed up in one line.",
                problem_count,
                n=fmt.count(problem_count),
                rows=rows,
            ),
            icon=":material/block:",
        )
    st.code("\n".join(str(problem) for problem in problems), language=None, wrap_lines=True)


# --- results ------------------------------------------------------------------------------------


def _results(centre: CentreResults, diseases: list[str]) -> None:
    cohort = centre.cohort
    shown = centre.shown(diseases)
    if not shown:
        present = fmt.enumeration(d for d in DISEASES if (cohort.disease == d).any())
        st.info(
            _f(
                "The cohort has no {diseases} patients (it has {present}). Change the disease "
                "filter in the sidebar.",
                diseases=fmt.enumeration(diseases),
                present=present,
            )
        )
        return
    if centre.synthetic:
        st.warning(
            _("Synthetic demo data: simulated patients, not a real centre's outcomes."),
            icon=":material/science:",
        )
    st.header(_("Survival, relapse and non-relapse mortality"))
    st.caption(
        _(
            "Shaded: pointwise 95% confidence interval. Ticks on a curve: censored patients. "
            "Under each chart: patients still at risk, and events and censorings so far."
        )
    )
    for index, (disease, phase, patients) in enumerate(shown):
        if index < OPEN_STRATA:
            _stratum(centre, disease, phase, patients)
            continue
        # Beyond the first few, each disease x time origin waits, closed, until it is opened:
        # every chart drawn at once is time to painted (issue 19), and only an open one is drawn.
        title = _f(
            "{disease} · time origin: {phase} · {n}",
            disease=disease,
            phase=_phase_name(phase),
            n=display_n(patients),
        )
        more = st.expander(title, key=f"centre-{disease}-{phase}-more", on_change="rerun")
        if more.open:
            with more:
                _stratum(centre, disease, phase, patients)
    landmarks = [lm for lm in centre.estimates.landmarks if lm.disease in diseases]
    _landmarks(centre, landmarks, diseases)
    _warnings(landmarks)
    _beside_literature(centre, diseases)
    _methods(centre)


def _phase_name(phase: str) -> str:
    """A phase as shown: its label in the current language (an unknown value as it is)."""
    return _(PHASE_LABELS[phase]) if phase in PHASE_LABELS else phase


def _upper_first(text: str) -> str:
    """The first letter in upper case, the rest untouched ('log-rank p = 0.04' -> 'Log-rank ...';
    Chinese unchanged)."""
    return text[:1].upper() + text[1:]


@st.fragment
@in_session_language  # a fragment rerun runs without the page script's language around it
def _stratum(centre: CentreResults, disease: str, phase: str, patients: int) -> None:
    """One disease x time origin: all patients, and by group when the file has groups (only the
    open tab is drawn)."""
    cohort, stratum = centre.cohort, centre.stratum(disease, phase)
    key = f"centre-{disease}-{phase}"
    with st.container(border=True, key=key):
        st.subheader(
            _f(
                "{disease} · time origin: {phase} · {n}",
                disease=disease,
                phase=_phase_name(phase),
                n=display_n(patients),
            )
        )
        st.caption(cc.median_text(stratum.everyone.median))
        groups = list(stratum.group_keys)
        if len(groups) > 1:
            tabs = st.tabs([_("All patients"), _("By group")], key=f"{key}-tabs", on_change="rerun")
            if tabs[0].open:
                with tabs[0]:
                    _all_patients(centre, disease, phase, key)
            if tabs[1].open:
                with tabs[1]:
                    _by_group(centre, disease, phase, key, groups)
        else:
            if groups:
                st.caption(
                    markdown(
                        _f("One group in this stratum: {group}", group=cc.group_name(groups[0]))
                    )
                )
            if cohort.has_groups:
                st.caption(_f(SMALL_CELL_RULE, n=MIN_GROUP_PATIENTS))
            _all_patients(centre, disease, phase, key)


def _all_patients(centre: CentreResults, disease: str, phase: str, key: str) -> None:
    survival, incidence = st.columns(2, gap="medium")
    with survival:
        show_chart(
            centre.drawn(
                ("os", disease, phase),
                lambda: cc.survival_figure(centre, disease, phase),
            ),
            key=f"{key}-os",
        )
    with incidence:
        show_chart(
            centre.drawn(
                ("cir-nrm", disease, phase),
                lambda: cc.incidence_figure(centre, disease, phase),
            ),
            key=f"{key}-cir-nrm",
        )


def _by_group(centre: CentreResults, disease: str, phase: str, key: str, groups: list[str]) -> None:
    stratum = centre.stratum(disease, phase)
    st.caption(markdown(_upper_first(cc.logrank_text(stratum.logrank))))
    first, second = st.columns(2, gap="medium")
    for column, endpoint in ((first, "os"), (second, "cir"), (first, "nrm")):
        with column:
            show_chart(
                centre.drawn(
                    ("groups", disease, phase, endpoint),
                    lambda endpoint=endpoint: cc.group_figure(centre, disease, phase, endpoint),
                ),
                key=f"{key}-{endpoint}-groups",
            )
    with second:
        medians = [group.median for group in stratum.groups]
        st.markdown(widgets.bold(_("Median overall survival by group")))
        st.markdown(
            "\n".join(
                f"- {markdown(cc.group_name(m.group))}: {markdown(cc.median_text(m))} "
                f"({display_n(m.patients)})"
                for m in medians
            )
        )


def _landmarks(centre: CentreResults, landmarks: list, diseases: list[str]) -> None:
    st.header(_("Landmark estimates"))
    st.caption(
        _(
            "At 12, 24 and 36 months and at every time point of a published figure: the "
            "estimate and its 95% CI in percent, patients at risk, events and censored so far, "
            "and the share of patients whose status at that time is known (completeness)."
        )
    )
    frame = landmark_frame(landmarks)
    shown = frame.assign(
        endpoint=frame["endpoint"].map(cc.ENDPOINT_SHORT),
        phase=frame["phase"].map(_phase_name),
        group=frame["group"].map(cc.group_name),
    )
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        key="centre-landmarks",
        column_config={
            "disease": _("Disease"),
            "phase": _("Time origin"),
            "group": _("Group"),
            "endpoint": st.column_config.TextColumn(
                _("Endpoint"),
                help=_("OS overall survival; CIR relapse; NRM non-relapse mortality"),
            ),
            "months": st.column_config.NumberColumn(
                _("Months"), format=fmt.table_number_format(None)
            ),
            "estimate": st.column_config.NumberColumn(
                _("Estimate %"), format=fmt.table_number_format(1)
            ),
            "ci_low": st.column_config.NumberColumn(
                _("95% CI low"), format=fmt.table_number_format(1)
            ),
            "ci_high": st.column_config.NumberColumn(
                _("95% CI high"), format=fmt.table_number_format(1)
            ),
            "at_risk": _("At risk"),
            "events": _("Events"),
            "censored": _("Censored"),
            "patients": _("Patients"),
            "completeness": st.column_config.NumberColumn(
                _("Completeness %"), format=fmt.table_number_format(0)
            ),
            "warnings": st.column_config.TextColumn(_("Warnings"), width="large"),
        },
    )
    # File names: ids in English, the words in the reader's language.
    name = _("phasewise-centre-synthetic-demo") if centre.synthetic else _("phasewise-centre")
    with st.container(horizontal=True, gap="small"):
        st.download_button(
            _("Landmark table (CSV)"),
            exports.deferred(lambda: export.to_csv_text(frame).encode("utf-8-sig")),
            file_name=_f("{name}-landmarks.csv", name=name),
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
            key="centre-landmarks-csv",
            help=_("Cells a spreadsheet would run as formulas are written as text."),
        )
        st.download_button(
            _("All estimates (JSON)"),
            exports.deferred(lambda: estimates_json(centre.estimates).encode("utf-8")),
            file_name=_f("{name}-estimates.json", name=name),
            mime="application/json",
            icon=":material/download:",
            on_click="ignore",
            key="centre-estimates-json",
        )


def _warnings(landmarks: list) -> None:
    summary = cc.warning_summary(landmarks)
    if not (summary.few_events or summary.incomplete):
        return
    few = _f(
        "{n} of {total} estimates rest on fewer than {events} events (unstable)",
        n=len(summary.few_events),
        total=summary.total,
        events=MIN_EVENTS,
    )
    incomplete = _nf(
        "{n} has follow-up below 90% complete at its time point",
        "{n} have follow-up below 90% complete at their time point",
        len(summary.incomplete),
    )
    if summary.few_events and summary.incomplete:
        text = _f(
            "{few}; {incomplete}. They are marked in the Warnings column.",
            few=few,
            incomplete=incomplete,
        )
    else:
        text = _f(
            "{warning}. They are marked in the Warnings column.",
            warning=few if summary.few_events else incomplete,
        )
    st.warning(text, icon=":material/warning:")
    with st.expander(_("Which estimates")):
        st.markdown("\n".join(f"- {markdown(line)}" for line in summary.few_events))
        st.markdown("\n".join(f"- {markdown(line)}" for line in summary.incomplete))


def _beside_literature(centre: CentreResults, diseases: list[str]) -> None:
    st.header(_("Beside the literature"))
    st.warning(
        _f(
            "**{caveat}** Each published figure comes from other patients, selected, treated "
            "and followed differently (often in a trial): a gap is a question for the team, "
            "not a verdict on quality.",
            caveat=_(CAVEAT),
        ),
        icon=":material/balance:",
    )
    origins = [p for p in PHASES if any(p == ph for _, ph, _ in centre.shown(diseases))]
    choose, group_column = st.columns(2)
    with choose:
        phase = st.selectbox(
            _("Our cohort's time origin"),
            origins,
            index=origins.index("transplant") if "transplant" in origins else 0,
            format_func=_phase_name,
            key=ORIGIN_KEY,
            help=_(
                "Published figures are matched on disease, endpoint and time point; a study "
                "of another phase is marked with its phase, since its time origin may differ."
            ),
        )
    groups = [ALL_PATIENTS, *centre.shown_groups()]
    with group_column:
        group = st.selectbox(
            _("Our patients"),
            groups,
            format_func=cc.group_name,
            key=GROUP_KEY,
        )
    rows = [
        row
        for row in centre.beside
        if row.disease in diseases and row.phase == phase and row.group == group
    ]
    at_origin = {d for d, ph, _ in centre.shown(diseases) if ph == phase}
    present = [d for d in DISEASES if d in at_origin]
    for disease in present:
        mine = [row for row in rows if row.disease == disease]
        if not mine:
            st.info(
                _f(
                    "{disease}: no published figure in the dataset has the same disease, endpoint "
                    "(overall survival, relapse, non-relapse mortality), time point and time "
                    "origin as this cohort, so there is nothing to set beside it.",
                    disease=disease,
                )
            )
            continue
        show_chart(
            centre.drawn(
                ("literature", disease, phase, group),
                lambda mine=mine, disease=disease: cc.literature_figure(
                    mine, disease, centre.synthetic
                ),
            ),
            key=f"centre-literature-{disease}",
        )
        with st.expander(_f("{disease}: the rows as a table, with sources", disease=disease)):
            st.dataframe(
                cc.literature_frame(mine),
                hide_index=True,
                width="stretch",
                key=f"centre-literature-table-{disease}",
                column_config=_literature_columns(),
            )
    _other_origins(centre, diseases, phase, group)


def _other_origins(centre: CentreResults, diseases: list[str], phase: str, group: str) -> None:
    """The published figures left out because they count time from another origin."""
    left_out = {
        (row.disease, row.study_label, row.endpoint, row.time_label, row.published_origin)
        for row in centre.other_origin
        if row.disease in diseases and row.phase == phase and row.group == group
    }
    if not left_out:
        return
    lines = [
        _f(
            "{disease} · {study}: {endpoint}, {time}, measured from {origin}",
            disease=disease,
            study=study,
            endpoint=cc.lower_first(cc.endpoint_text(endpoint)),
            time=time,
            origin=_phase_name(origin),
        )
        for disease, study, endpoint, time, origin in sorted(left_out)
    ]
    st.caption(
        _nf(
            "Left out: {n} published figure at a matching time point but measured from "
            "another time origin than this cohort's ({phase}). Survival counted from another "
            "starting point is a different quantity, so it is never drawn on the same axis:",
            "Left out: {n} published figures at a matching time point but measured from "
            "another time origin than this cohort's ({phase}). Survival counted from another "
            "starting point is a different quantity, so it is never drawn on the same axis:",
            len(left_out),
            n=fmt.count(len(left_out)),
            phase=_phase_name(phase),
        )
    )
    st.markdown("\n".join(f"- {markdown(line)}" for line in lines))


def _literature_columns() -> dict:
    """The beside-the-literature table's column headings in the current language."""
    return {
        "disease": _("Disease"),
        "endpoint": _("Endpoint"),
        "months": st.column_config.NumberColumn(_("Months"), format=fmt.table_number_format(None)),
        "centre": _("Our centre (95% CI)"),
        "centre_n": _("Our patients (n)"),
        "centre_at_risk": _("Our patients at risk"),
        "published": _("Published"),
        "published_as_printed": _("As printed"),
        "published_n": _("Published n"),
        "study": _("Study"),
        "arm": _("Arm"),
        "study_phase": _("Study's phase"),
        "source": _("Source"),
        "origin": _("Origin"),
        "verification": _("Verification"),
        "record": _("Record"),
    }


def _methods(centre: CentreResults) -> None:
    st.header(_("Methods"))
    st.markdown("\n".join(f"- {markdown(line)}" for line in centre.estimates.methods))
    versions = fmt.enumeration(
        f"{package} {metadata.version(package)}" for package in ("scipy", "statsmodels", "numpy")
    )
    st.caption(
        markdown(_f("Libraries: {versions}. Estimates and CIs in percent.", versions=versions))
    )
