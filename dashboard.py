"""Shekara entry point: navigation, language switch, global sidebar filters.

Run with ``make run`` (binds to 127.0.0.1:8501, demo data on first start).
"""

from __future__ import annotations

import streamlit as st

from analytics import ui
from analytics.i18n import t

st.set_page_config(page_title="Шекара / Shekara", page_icon="🛡️", layout="wide")


def build_pages(language: str) -> list[st.Page]:
    return [
        st.Page("pages/overview.py", title=t("overview", language), icon="📊", default=True, url_path="overview"),
        st.Page("pages/trends.py", title=t("trends", language), icon="📈", url_path="trends"),
        st.Page("pages/hotspots.py", title=t("hotspots", language), icon="🗺️", url_path="hotspots"),
        st.Page("pages/bulletins.py", title=t("bulletins", language), icon="🔎", url_path="bulletins"),
        st.Page("pages/operations.py", title=t("operations", language), icon="🤝", url_path="operations"),
        st.Page("pages/upload.py", title=t("upload", language), icon="📥", url_path="upload"),
        st.Page("pages/slides.py", title=t("slides", language), icon="🖼️", url_path="slides"),
        st.Page("pages/present.py", title=t("present", language), icon="🎦", url_path="present"),
        st.Page("pages/audit.py", title=t("audit", language), icon="📜", url_path="audit"),
    ]


ui.language_switch()
navigation = st.navigation(build_pages(ui.lang()))
navigation.run()
