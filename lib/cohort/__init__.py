"""A centre's own de-identified cohort: read, refuse if identifying, validate, estimate, compare.

Pure (no streamlit). The cohort stays in memory: nothing here writes it to disk or logs it.
`python -m lib.cohort FILE` prints its landmark estimates (see cli.py).
"""

from lib.cohort.estimates import CohortEstimates, estimate_cohort, landmark_times
from lib.cohort.literature import beside_literature, literature_time_points
from lib.cohort.loading import load_cohort, load_cohort_file
from lib.cohort.problems import CohortProblem, CohortRejected
from lib.cohort.records import Cohort

__all__ = [
    "Cohort",
    "CohortEstimates",
    "CohortProblem",
    "CohortRejected",
    "beside_literature",
    "estimate_cohort",
    "landmark_times",
    "literature_time_points",
    "load_cohort",
    "load_cohort_file",
]
