"""Our centre: a team's own de-identified cohort (this session only) beside the literature."""

from lib.app.centre_page import render_centre

render_centre()
