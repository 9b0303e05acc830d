"""The bare page (anchor_app.py) at a deep link, /deep, as Phasewise's pages are, so Streamlit's
deep-link probe counts on both sides. Navigation hidden: no sidebar."""

import streamlit as st

st.navigation(
    [
        st.Page("anchor_app.py", title="Anchor", default=True),
        st.Page("anchor_app.py", title="Anchor (deep link)", url_path="deep"),
    ],
    position="hidden",
).run()
