"""Page: slides (being built)."""

import streamlit as st

st.info("Раздел в разработке / Section under construction")
