"""Presentation mode: one figure per slide, large type, arrow keys; the URL names the slide."""

import streamlit as st

from lib.app_frame import inside_frame
from lib.present_view import render_present

if inside_frame():
    st.set_page_config(initial_sidebar_state="collapsed")
    render_present()
