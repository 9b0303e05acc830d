"""The anchor for in-app navigation: the bare page (benchmarks/anchor_app.py) twice, as two pages
of one app with Streamlit's own sidebar navigation, so a page switch in Phasewise (a sidebar
click on a warm session, to the last chart painted) can be compared with the bare app's own."""

import streamlit as st

page = st.navigation(
    [
        st.Page("anchor_app.py", title="First", default=True),
        st.Page("anchor_app.py", title="Second", url_path="second"),
    ]
)
page.run()
