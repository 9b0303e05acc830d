"""Widget and session keys shared by more than one module (the URL parameters among them)."""

DISEASE_KEY = "disease"  # the sidebar filter, bound to ?disease=
HANDOUT_KEY = "handout"  # the print handout switch, bound to ?handout=
SLIDE_KEY = "slide"  # the presentation's slide number in the URL
SLIDE_TARGET_KEY = "slide-target"  # a slide chosen by a button, pending until the page runs
#: This session's own cohort and its estimates (st.session_state only: never a shared cache).
CENTRE_KEY = "centre-cohort"
CENTRE_DECK_KEY = "centre-in-deck"  # the sidebar switch that adds the centre's slides to the deck
LANG_KEY = "lang"  # the interface language (English / 中文), bound to ?lang=
