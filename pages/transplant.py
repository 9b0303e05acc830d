"""Transplant phase: published relapse and survival figures beside the integrative-care notes."""

from lib.app_frame import inside_frame
from lib.phase_view import render_phase

if inside_frame():
    render_phase("transplant")
