"""The browser anchor: a bare Streamlit page with one small Plotly chart, served exactly like the
app (`streamlit run` from the repository root, same .streamlit/config.toml), so time to painted of
every Phasewise page can be given as a ratio to it, measured in the same run."""

import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="Anchor", layout="wide")
st.title("Anchor")
st.plotly_chart(
    go.Figure(go.Bar(x=["AML", "MDS", "ALL"], y=[42.0, 17.5, 30.1])),
    key="anchor",
    config={"displaylogo": False},
    theme=None,
)
