"""The cohort estimates against published reference values: the Freireich 6-MP leukaemia trial.

Data: remission durations (weeks) of 42 children with acute leukaemia, 21 on 6-mercaptopurine
and 21 on placebo (Freireich et al., Blood 1963;21:699; listed by Gehan, Biometrika 1965;52:203).
Published values:
- Kaplan-Meier estimates and Greenwood standard errors of the 6-MP group, as printed to three and
  four decimals in Klein & Moeschberger, Survival Analysis (2nd ed., Springer 2003), section 4.2
  (the product-limit table for the 21 children given 6-MP);
- median remission 23 weeks (6-MP) and 8 weeks (placebo), and the log-rank statistic 16.79 (1 df)
  for 6-MP vs placebo, in Kleinbaum & Klein, Survival Analysis: A Self-Learning Text (3rd ed.,
  Springer 2012), chapter 2.
The time unit is weeks here; the estimators do not care about the unit.
"""

import numpy as np
import pytest
from scipy import stats

from lib.cohort.estimates import estimate_cohort
from lib.cohort.records import ALL_PATIENTS, Cohort

SIX_MP_WEEKS = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
SIX_MP_RELAPSED = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
PLACEBO_WEEKS = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]
#: Week: (S(t), Greenwood SE) for 6-MP, as printed.
PUBLISHED_6MP = {
    6: (0.857, 0.0764),
    7: (0.807, 0.0869),
    10: (0.753, 0.0963),
    13: (0.690, 0.1068),
    16: (0.627, 0.1141),
    22: (0.538, 0.1282),
    23: (0.448, 0.1346),
}
PUBLISHED_LOGRANK_CHI_SQUARE = 16.79


def trial(with_placebo: bool) -> Cohort:
    # Relapse is the "death" event here: the KM curve is remission duration.
    weeks = SIX_MP_WEEKS + (PLACEBO_WEEKS if with_placebo else [])
    events = SIX_MP_RELAPSED + ([1] * 21 if with_placebo else [])
    groups = ["6-MP"] * 21 + (["placebo"] * 21 if with_placebo else [])
    n = len(weeks)
    return Cohort(
        disease=np.array(["ALL"] * n, dtype=object),
        phase=np.array(["maintenance"] * n, dtype=object),
        months_followup=np.array(weeks, dtype=float),
        died=np.array(events, dtype=bool),
        months_to_relapse=np.full(n, np.nan),
        group=np.array(groups, dtype=object),
    )


def test_kaplan_meier_matches_the_published_product_limit_table():
    estimates = estimate_cohort(trial(False), tuple(PUBLISHED_6MP), curves=False)
    os = {
        lm.months: lm
        for lm in estimates.landmarks
        if lm.endpoint == "os" and lm.group == ALL_PATIENTS
    }
    z = stats.norm.ppf(0.975)
    for week, (survival, se) in PUBLISHED_6MP.items():
        landmark = os[week]
        assert landmark.estimate / 100 == pytest.approx(survival, abs=5e-4)
        # The log-log interval from the printed S and SE (Kalbfleisch-Prentice), written out
        # here as an independent check of scipy's; the tolerance covers the printed rounding.
        theta = z * se / (survival * np.log(survival))
        assert landmark.ci_low / 100 == pytest.approx(survival ** np.exp(-theta), abs=2e-3)
        assert landmark.ci_high / 100 == pytest.approx(survival ** np.exp(theta), abs=2e-3)


def test_counts_at_the_published_times():
    estimates = estimate_cohort(trial(False), (10.0, 23.0), curves=False)
    os = {
        lm.months: lm
        for lm in estimates.landmarks
        if lm.endpoint == "os" and lm.group == ALL_PATIENTS
    }
    # Week 10: 15 still in remission and followed just before it; 5 relapses up to and
    # including week 10 (3 at week 6, 1 at 7, 1 at 10); 2 censored before it (weeks 6 and 9).
    assert (os[10].at_risk, os[10].events, os[10].censored) == (15, 5, 2)
    assert (os[23].at_risk, os[23].events, os[23].censored) == (6, 9, 7)


def test_medians_match_the_published_values():
    estimates = estimate_cohort(trial(True), curves=False)
    medians = {median.group: median for median in estimates.medians}
    assert medians["6-MP"].months == 23
    assert medians["placebo"].months == 8
    for median in medians.values():
        if median.ci_low is not None:
            assert median.ci_low <= median.months
        assert median.ci_high is None or median.ci_high >= median.months


def test_logrank_matches_the_published_statistic():
    (test,) = estimate_cohort(trial(True), curves=False).logrank
    assert test.groups == ("6-MP", "placebo")
    assert test.chi_square == pytest.approx(PUBLISHED_LOGRANK_CHI_SQUARE, abs=5e-3)
    assert test.p_value == pytest.approx(stats.chi2.sf(PUBLISHED_LOGRANK_CHI_SQUARE, 1), rel=2e-3)
