"""The AppTest floor: the smallest page with one small Plotly chart, run through AppTest the same
way as the app's pages, so the harness can report AppTest's own overhead."""

import plotly.graph_objects as go
import streamlit as st

st.title("Floor")
st.plotly_chart(go.Figure(go.Bar(x=["A", "B", "C"], y=[1, 3, 2])), key="floor", theme=None)
