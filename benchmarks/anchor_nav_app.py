"""In-app navigation's reference: the bare page as two pages of one app with Streamlit's sidebar
navigation (titles differ, so the switch can be seen)."""

import plotly.graph_objects as go
import streamlit as st


def bare_page(title: str) -> None:
    st.title(title)
    figure = go.Figure(go.Bar(x=["AML", "MDS", "ALL"], y=[42.0, 17.5, 30.1]))
    st.plotly_chart(figure, key="anchor", config={"displaylogo": False}, theme=None)


st.set_page_config(page_title="Anchor", layout="wide")
st.navigation(
    [
        st.Page(lambda: bare_page("First"), title="First", url_path="first", default=True),
        st.Page(lambda: bare_page("Second"), title="Second", url_path="second"),
    ]
).run()
