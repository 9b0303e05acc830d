"""The anchor for in-app navigation: the bare page of benchmarks/anchor_app.py (a title and one
small Plotly chart) as two pages of one app with Streamlit's own sidebar navigation, so a page
switch in Phasewise (a sidebar click on a warm session, to the last chart painted) can be
compared with the bare app's own. The two titles differ, so the switch can be seen."""

import plotly.graph_objects as go
import streamlit as st


def bare_page(title: str) -> None:
    st.title(title)
    st.plotly_chart(
        go.Figure(go.Bar(x=["AML", "MDS", "ALL"], y=[42.0, 17.5, 30.1])),
        key="anchor",
        config={"displaylogo": False},
        theme=None,
    )


st.set_page_config(page_title="Anchor", layout="wide")
page = st.navigation(
    [
        st.Page(lambda: bare_page("First"), title="First", url_path="first", default=True),
        st.Page(lambda: bare_page("Second"), title="Second", url_path="second"),
    ]
)
page.run()
