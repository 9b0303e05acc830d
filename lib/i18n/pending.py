"""Interface strings the code builds today with f-strings, as the msgids the wiring will use.

An f-string cannot be a msgid: the wiring writes these as ``_f(TEMPLATE, n=...)`` (or
``_(TEMPLATE).format(...)``) at their call site. Marked here with `N_` so extraction keeps them
in the template until then; remove an entry once its call site is wired.
"""

from lib.i18n.language import N_

#: lib/evidence/caveats.py, study_badges: f"Small n (smallest group {min(sizes)})"
SMALL_N_BADGE = N_("Small n (smallest group {n})")
#: lib/evidence/caveats.py, study_badges: f"At least one group has fewer than {SMALL_N} patients."
SMALL_N_HELP = N_("At least one group has fewer than {n} patients.")
