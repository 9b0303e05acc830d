"""Presentation mode: one figure per slide, large type, arrow keys; the URL names the slide."""

import streamlit as st

from lib.app.present_page import render_present

st.set_page_config(initial_sidebar_state="collapsed")
render_present()
