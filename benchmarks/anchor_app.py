"""The bare page: a title and one small Plotly chart, served as the app is (same config), so a
page's time to painted can be given as a ratio to it, measured in the same run."""

import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="Anchor", layout="wide")
st.title("Anchor")
figure = go.Figure(go.Bar(x=["AML", "MDS", "ALL"], y=[42.0, 17.5, 30.1]))
st.plotly_chart(figure, key="anchor", config={"displaylogo": False}, theme=None)
