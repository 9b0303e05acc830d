"""The browser anchor (benchmarks/anchor_app.py, the same page) served at a deep link, /deep, as
Phasewise's pages are (/induction...): Streamlit's frontend then first probes /deep/_stcore/health
before connecting, as it does for every page of the app. Navigation hidden: no sidebar."""

import streamlit as st

page = st.navigation(
    [
        st.Page("anchor_app.py", title="Anchor", default=True),
        st.Page("anchor_app.py", title="Anchor (deep link)", url_path="deep"),
    ],
    position="hidden",
)
page.run()
