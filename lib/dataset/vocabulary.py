"""The dataset's controlled vocabularies: phases, diseases, designs, endpoints, flags, statuses.

Each vocabulary is a Literal type (for validation) plus a dict of human labels and definitions
(for display). Pure data, no I/O.
"""

from typing import Literal, get_args

Phase = Literal["induction", "consolidation", "maintenance", "transplant", "relapse"]
PHASES: tuple[str, ...] = get_args(Phase)
PHASE_LABELS = {
    "induction": "Induction",
    "consolidation": "Consolidation",
    "maintenance": "Maintenance",
    "transplant": "Transplant",
    "relapse": "Relapse",
}
PHASE_SUMMARIES = {
    "induction": "First treatment to reach remission",
    "consolidation": "Post-remission courses to deepen remission",
    "maintenance": "Low-intensity therapy to keep remission, incl. after transplant",
    "transplant": "Allogeneic HSCT: donors, conditioning regimens, bridging",
    "relapse": "Molecular (MRD) or haematologic relapse and its treatment",
}
#: What each phase means as the time origin of a centre's cohort (the axis titles of its curves).
PHASE_ORIGINS = {
    "induction": "start of induction",
    "consolidation": "start of consolidation",
    "maintenance": "start of maintenance",
    "transplant": "transplant (day 0)",
    "relapse": "relapse",
}

#: What a study is on a phase page: the standard a new result is read against, a newer therapy,
#: or integrative (TCM) care. The page shows references first.
StudyRole = Literal["reference", "newer", "integrative"]
STUDY_ROLES: tuple[str, ...] = ("reference", "newer", "integrative")
STUDY_ROLE_LABELS = {
    "reference": "Standard-of-care reference",
    "newer": "Newer therapy",
    "integrative": "Integrative / TCM",
}
STUDY_ROLE_NOTES = {
    "reference": "A standard of care that guidelines cite: read the newer results of this phase "
    "against it.",
    "newer": "A newer therapy: read it against the standard-of-care references of this phase.",
    "integrative": "Integrative care: traditional Chinese medicine with Western treatment.",
}

Disease = Literal["AML", "MDS", "ALL"]
DISEASES: tuple[str, ...] = get_args(Disease)

Design = Literal[
    "rct",
    "prospective",
    "retrospective",
    "registry",
    "case_report",
    "expert_opinion",
    "not_reported",
]
DESIGN_LABELS = {
    "rct": "Randomised controlled trial",
    "prospective": "Prospective, non-randomised",
    "retrospective": "Retrospective",
    "registry": "Registry analysis",
    "case_report": "Single case",
    "expert_opinion": "Expert opinion",
    "not_reported": "Design not reported",
}

ArmRole = Literal["intervention", "control", "single"]

Endpoint = Literal[
    "cir",
    "relapse_crude",
    "os",
    "median_os",
    "lfs",
    "dfs",
    "rfs",
    "efs",
    "grfs",
    "nrm",
    "cr",
    "cr_cri",
    "reported_cr",
    "orr",
    "agvhd_2_4",
    "agvhd_3",
    "cgvhd_mod_severe",
    "gvhd_any",
    "bridged_to_transplant",
    "early_death",
    "alive_at_follow_up",
    "survival_time",
    "death_from_disease",
]
ENDPOINTS: dict[str, tuple[str, str]] = {
    # id: (label, one-line definition)
    "cir": (
        "Cumulative incidence of relapse",
        "Probability of relapse by the time point, with death without relapse as a competing risk.",
    ),
    "relapse_crude": (
        "Relapse (crude proportion)",
        "Patients who relapsed divided by patients analysed at data cut-off; not time-adjusted.",
    ),
    "os": ("Overall survival", "Probability of being alive at the time point."),
    "median_os": ("Median overall survival", "Time by which half of the patients had died."),
    "lfs": (
        "Leukaemia-free survival",
        "Probability of being alive without relapse at the time point.",
    ),
    "dfs": (
        "Disease-free survival",
        "Probability of being alive without relapse or progression at the time point.",
    ),
    "rfs": (
        "Relapse-free survival",
        "Probability of being alive without haematologic relapse at the time point.",
    ),
    "efs": (
        "Event-free survival",
        "Probability of being alive without an event the trial defines (e.g. induction failure, "
        "relapse or death) at the time point.",
    ),
    "grfs": (
        "GVHD-free, relapse-free survival",
        "Alive without relapse, grade III-IV acute GVHD or chronic GVHD needing systemic therapy.",
    ),
    "nrm": (
        "Non-relapse mortality",
        "Probability of death from any cause other than relapse, relapse as a competing risk.",
    ),
    "cr": (
        "Complete remission (CR)",
        "Share of patients in complete remission with full count recovery (CRi not counted).",
    ),
    "cr_cri": (
        "Complete remission (CR/CRi)",
        "Share of patients in complete remission, with or without full count recovery.",
    ),
    "reported_cr": (
        "'CR rate' as reported",
        "A response rate the source calls 'CR'; its definition is not given (see flags).",
    ),
    "orr": ("Overall response rate", "Share of patients with any response (complete or partial)."),
    "agvhd_2_4": (
        "Acute GVHD grade II-IV",
        "Incidence of grade II to IV acute graft-versus-host disease.",
    ),
    "agvhd_3": (
        "Acute GVHD grade III (as printed)",
        "Incidence of grade III acute GVHD as printed; the original band may be III-IV.",
    ),
    "cgvhd_mod_severe": (
        "Chronic GVHD, moderate to severe",
        "Incidence of moderate or severe chronic graft-versus-host disease.",
    ),
    "gvhd_any": ("GVHD (any)", "Patients with any acute or chronic graft-versus-host disease."),
    "bridged_to_transplant": (
        "Bridged to allo-HSCT",
        "Patients who went on to allogeneic stem-cell transplantation after the therapy.",
    ),
    "early_death": ("Early death", "Deaths soon after the therapy; the window is not defined."),
    "alive_at_follow_up": ("Alive at last follow-up", "Patients alive at data cut-off."),
    "survival_time": (
        "Survival time (single patient)",
        "Time a single patient has lived since treatment began.",
    ),
    "death_from_disease": (
        "Deaths from the leukaemia",
        "Share attributed to the primary disease as cause of death.",
    ),
}
#: Endpoints where a lower value is the better outcome (for reading direction of effects).
LOWER_IS_BETTER = frozenset(
    {
        "cir",
        "relapse_crude",
        "nrm",
        "agvhd_2_4",
        "agvhd_3",
        "cgvhd_mod_severe",
        "gvhd_any",
        "early_death",
        "death_from_disease",
    }
)

Unit = Literal["percent", "months", "patients"]
UNIT_LABELS = {"percent": "%", "months": "months", "patients": "patients"}

Origin = Literal["document", "publication"]
ORIGIN_LABELS = {
    "document": "Source document",
    "publication": "Publication (checked against it)",
}

FlagKind = Literal[
    "truncated",
    "approximate",
    "lower_bound",
    "anecdotal",
    "discrepant",
    "reassembled",
    "computed",
    "direction_only",
    "no_denominator",
    "no_time_point",
    "term_corrected",
    "garbled",
    "implausible",
    "non_randomised_comparison",
    "endpoint_unclear",
    "setting_uncertain",
    "promotional",
    "no_citation",
    "curve_estimate",
    "same_claim",
    "analysed_vs_randomised",
    "minor_discrepancy",
    "arms_do_not_add_up",
    "non_inferiority",
]
FLAG_LABELS = {
    "truncated": "Truncated in source",
    "approximate": "Approximate",
    "lower_bound": "Lower bound only",
    "anecdotal": "Anecdotal",
    "discrepant": "Differs from publication",
    "reassembled": "Digits reassembled",
    "computed": "Computed, not printed",
    "direction_only": "Direction only, no numbers",
    "no_denominator": "Denominator not stated",
    "no_time_point": "No time point",
    "term_corrected": "Term corrected",
    "garbled": "Garbled sentence",
    "implausible": "Doubtful figure",
    "non_randomised_comparison": "Non-randomised comparison",
    "endpoint_unclear": "Endpoint unclear",
    "setting_uncertain": "Setting uncertain",
    "promotional": "Promotional source",
    "no_citation": "No citation given",
    "curve_estimate": "Survival-curve estimate",
    "same_claim": "Same claim as another figure",
    "analysed_vs_randomised": "Analysed vs randomised n",
    "minor_discrepancy": "Minor difference from publication",
    "arms_do_not_add_up": "Arm sizes do not add up to the total",
    "non_inferiority": "p tests non-inferiority",
}
#: Flags that keep a figure off the headline cards (see lib.evidence.caveats.headline_refusal).
NO_HEADLINE_FLAGS = frozenset(
    {
        "setting_uncertain",
        "promotional",
        "garbled",
        "implausible",
        "truncated",
        "same_claim",
        "non_inferiority",
    }
)
#: Endpoints a headline may show: relapse and survival (the dashboard's subject).
#: The endpoints' standard abbreviations, where a label must be short (a forest plot's rows on a
#: projector slide); clinical Chinese uses the same Latin abbreviations, so they are not
#: translated. Others keep their label. (A median's row names "median" in its time point.)
ENDPOINT_ABBREVIATIONS: dict[str, str] = {
    "cir": "CIR",
    "os": "OS",
    "median_os": "OS",
    "lfs": "LFS",
    "dfs": "DFS",
    "rfs": "RFS",
    "efs": "EFS",
    "grfs": "GRFS",
    "nrm": "NRM",
    "cr": "CR",
    "cr_cri": "CR/CRi",
    "orr": "ORR",
}
HEADLINE_ENDPOINTS = frozenset(
    {"cir", "relapse_crude", "os", "median_os", "lfs", "dfs", "rfs", "efs", "nrm"}
)
ArmsDefinedBy = Literal["allocation", "outcome"]

VerificationStatus = Literal[
    "verified",
    "verified_with_nuance",
    "partially_verified",
    "consistent_not_directly_verified",
    "discrepant_minor",
    "not_verified_discrepant_with_published",
    "not_verified_candidate_source",
    "not_verified_source_not_found",
    "not_verified_not_in_abstract",
    "not_verifiable_truncated",
    "not_verifiable",
    "not_verified_no_source_given",
    "self_source_only",
    "not_checked",
]
VERIFICATION_LABELS = {
    "verified": "Verified against publication",
    "verified_with_nuance": "Verified, with a nuance",
    "partially_verified": "Partly verified",
    "consistent_not_directly_verified": "Consistent, not directly verified",
    "discrepant_minor": "Minor discrepancy with publication",
    "not_verified_discrepant_with_published": "Not verified; publication differs",
    "not_verified_candidate_source": "Not verified; candidate source only",
    "not_verified_source_not_found": "Not verified; source not found",
    "not_verified_not_in_abstract": "Not verified; not in abstract",
    "not_verifiable_truncated": "Cannot verify: truncated",
    "not_verifiable": "Cannot verify: unpublished",
    "not_verified_no_source_given": "Not verified; no source given",
    "self_source_only": "Same news item only",
    "not_checked": "Not checked",
}

CitationStatus = Literal[
    "verified",
    "partly_verified",
    "probable",
    "candidate",
    "unconfirmed",
    "not_found",
    "self_source",
]
CITATION_STATUS_LABELS = {
    "verified": "Citation verified",
    "partly_verified": "Citation partly verified",
    "probable": "Probable match",
    "candidate": "Candidate source",
    "unconfirmed": "Unconfirmed",
    "not_found": "Publication not found",
    "self_source": "Same item as the document",
}

Confidence = Literal["high", "medium", "low"]
