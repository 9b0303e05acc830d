"""Relapse phase: published relapse and survival figures beside the integrative-care notes."""

from lib.app.phase_page import render_phase

render_phase("relapse")
