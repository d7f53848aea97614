"""Shekara entry point: login gate, navigation, language switch, global sidebar filters.

Run with ``make run`` (binds to 127.0.0.1:8501, demo data on first start).
"""

from __future__ import annotations

import streamlit as st

from analytics import auth, ui
from analytics.access import SYSTEM, Viewer
from analytics.config import ROOT, load_settings
from analytics.errors import ShekaraError
from analytics.i18n import pick, t

st.set_page_config(page_title="Шекара / Shekara", page_icon=str(ROOT / "data" / "brand" / "favicon.png"), layout="wide")


def build_pages(language: str, viewer: Viewer, must_change: bool = False) -> list[st.Page]:
    account = st.Page("pages/account.py", title=t("account", language), icon=":material/person:", url_path="account")
    if must_change:
        return [account]
    pages = [
        st.Page("pages/overview.py", title=t("overview", language), icon=":material/dashboard:", default=True, url_path="overview"),
        st.Page("pages/trends.py", title=t("trends", language), icon=":material/show_chart:", url_path="trends"),
        st.Page("pages/hotspots.py", title=t("hotspots", language), icon=":material/map:", url_path="hotspots"),
        st.Page("pages/bulletins.py", title=t("bulletins", language), icon=":material/search:", url_path="bulletins"),
        st.Page("pages/operations.py", title=t("operations", language), icon=":material/handshake:", url_path="operations"),
        st.Page("pages/upload.py", title=t("upload", language), icon=":material/upload_file:", url_path="upload"),
        st.Page("pages/slides.py", title=t("slides", language), icon=":material/slideshow:", url_path="slides"),
        st.Page("pages/present.py", title=t("present", language), icon=":material/present_to_all:", url_path="present"),
    ]
    if auth.can_view_audit(viewer):
        pages.append(st.Page("pages/audit.py", title=t("audit", language), icon=":material/history:", url_path="audit"))
    return [*pages, account]


def login_form(language: str) -> None:
    """The only thing shown to someone who is not logged in."""
    st.title(pick(auth.TEXT, "login_title", language))
    if st.session_state.get(ui.EXPIRED_KEY):
        st.info(pick(auth.TEXT, "session_expired", language))
    if not auth.has_accounts(ui.gate_connection()):
        st.warning(pick(auth.TEXT, "no_accounts", language))
    with st.form("login", clear_on_submit=True):
        username = st.text_input(pick(auth.TEXT, "username", language), key="login_user")
        password = st.text_input(pick(auth.TEXT, "password", language), type="password", key="login_password")
        submitted = st.form_submit_button(pick(auth.TEXT, "sign_in", language))
    if submitted:
        try:
            ui.log_in(username, password)
        except ShekaraError as exc:
            st.error(exc.text(language))
        else:
            st.rerun()


def account_box(account: auth.Account, language: str) -> None:
    st.sidebar.caption(f"{pick(auth.TEXT, 'logged_in_as', language)} **{account.username}** · "
                       f"{pick(auth.TEXT, account.role, language)} · {pick(auth.TEXT, account.side, language)}")
    if st.sidebar.button(pick(auth.TEXT, "logout", language), key="logout"):
        ui.log_out()
        st.rerun()


ui.language_switch()
settings = load_settings()
if settings.production:
    try:
        auth.check_production_ready(ui.gate_connection())
    except ShekaraError as exc:
        st.error(exc.text(ui.lang()))
        st.stop()
must_change = False
if settings.auth_enabled:
    current = ui.session_account()
    if current is None:
        # st.navigation is called on the login screen too, so no page list shows before sign-in.
        # Every page's address leads to the login form, so a bookmarked page opens after sign-in.
        title = pick(auth.TEXT, "login_title", ui.lang())
        st.navigation([st.Page(lambda: login_form(ui.lang()), title=title, url_path=page.url_path,
                               default=number == 0)
                       for number, page in enumerate(build_pages(ui.lang(), SYSTEM))], position="hidden").run()
        st.stop()
    account_box(current, ui.lang())
    must_change = current.must_change
navigation = st.navigation(build_pages(ui.lang(), ui.viewer(), must_change))
navigation.run()
