"""Streamlit glue in one place: cached connection, language, viewer, sidebar filters, downloads.

Pages import this module; no other analytics module imports streamlit.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import duckdb
import pandas as pd
import streamlit as st

from analytics import auth, db, reference
from analytics.access import SYSTEM, Viewer
from analytics.audit import log_action
from analytics.config import load_settings
from analytics.exports import to_safe_csv_bytes
from analytics.filters import Filters
from analytics.i18n import category_label, t

LANG_KEY = "lang"
VIEWER_KEY = "viewer"
LAST_SEEN_KEY = "last_seen"
EXPIRED_KEY = "session_expired"
FILTERS_KEY = "filters"


@st.cache_resource(show_spinner=False)
def _connection(db_path: str) -> duckdb.DuckDBPyConnection:
    return db.connect(db_path)


def connection() -> duckdb.DuckDBPyConnection:
    """A cursor of the process-wide connection (one cursor per script run / thread).

    Only for a logged-in session (or SHEKARA_AUTH=off): a page reached without the login gate gets
    no data. (On a server's very first request Streamlit may run a file of ``pages/`` on its own.)
    """
    viewer()
    return gate_connection()


def gate_connection() -> duckdb.DuckDBPyConnection:
    """A cursor for the login gate itself (before anyone is logged in). Pages use :func:`connection`."""
    ensure_entrypoint()
    return _connection(str(load_settings().db_path)).cursor()


def ensure_entrypoint() -> None:
    """Make ``dashboard.py`` (login gate, navigation, language) run first, whatever URL opened the app.

    Because a ``pages/`` folder exists, Streamlit starts each server in its old multipage mode, where
    the first request naming a page runs that file on its own. Leaving the mode and rerunning sends
    the request through ``dashboard.py``, whose ``st.navigation`` then opens the page asked for.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def lang() -> str:
    ensure_entrypoint()
    return str(st.session_state.get(LANG_KEY, "ru"))


def viewer() -> Viewer:
    """The logged-in user; the system viewer when authentication is switched off (SHEKARA_AUTH=off).

    With authentication on and nobody logged in (a page reached without the login gate) the page
    stops here: no data without an account.
    """
    ensure_entrypoint()
    if not load_settings().auth_enabled:
        return SYSTEM
    current = st.session_state.get(VIEWER_KEY)
    if isinstance(current, Viewer):
        return current
    st.error(auth.TEXT[lang()]["login_required"])
    st.stop()


def session_account() -> auth.Account | None:
    """The logged-in account after the idle-timeout check; None when nobody is logged in.

    Re-read from the database on every run, so a disabled account or a changed role applies at once.
    """
    current = st.session_state.get(VIEWER_KEY)
    if not isinstance(current, Viewer):
        return None
    account = auth.get_account(gate_connection(), current.username)
    timeout = load_settings().session_timeout_min
    if auth.session_expired(st.session_state.get(LAST_SEEN_KEY), timeout):
        log_out("session_timeout")
        st.session_state[EXPIRED_KEY] = True
        return None
    if account is None or not account.active:
        log_out("account_disabled")
        return None
    st.session_state[VIEWER_KEY] = account.viewer
    st.session_state[LAST_SEEN_KEY] = datetime.now()
    return account


def log_in(username: str, password: str) -> None:
    """Check the password (counted, locked after 5 failures, audited) and start the session."""
    st.session_state[VIEWER_KEY] = auth.authenticate(gate_connection(), username, password)
    st.session_state[LAST_SEEN_KEY] = datetime.now()
    st.session_state.pop(EXPIRED_KEY, None)


def log_out(reason: str = "logout") -> None:
    """End the session (button, idle timeout or disabled account) and record it."""
    current = st.session_state.pop(VIEWER_KEY, None)
    st.session_state.pop(LAST_SEEN_KEY, None)
    if isinstance(current, Viewer):
        log_action(gate_connection(), current.username, "session_timeout" if reason == "session_timeout" else "logout",
                   reason=reason)


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """Cache key part that changes after every load/undo, so cached query results never go stale."""
    return db.data_version(con)


def language_switch() -> None:
    st.sidebar.radio(
        t("language", lang()), options=["ru", "en"], key=LANG_KEY, horizontal=True,
        format_func=lambda code: {"ru": "Русский", "en": "English"}[code],
    )


def sidebar_filters(con: duckdb.DuckDBPyConnection) -> Filters:
    """Draw the global filters in the sidebar and return the selection (kept across pages)."""
    language = lang()
    first, last = reference.date_bounds(con)
    last = last or date.today()
    first = first or last - timedelta(days=365)
    default_start = max(first, date(last.year - 1, last.month, 1))
    sb = st.sidebar
    period = sb.date_input(t("period", language), value=(default_start, last), min_value=first,
                           max_value=last, format="DD.MM.YYYY", key="flt_period")
    start, end = (period if isinstance(period, tuple) and len(period) == 2 else (default_start, last))
    side_choice = sb.radio(t("side", language), ["both", "KZ", "KG"], horizontal=True, key="flt_side",
                           format_func=lambda s: t(s if s == "both" else f"{s}_short", language))
    sides = () if side_choice == "both" else (side_choice,)
    oblast_ref = reference.oblasts(con)
    if sides:
        oblast_ref = oblast_ref[oblast_ref["side"].isin(sides)]
    oblast_names = reference.label(oblast_ref, "oblast", language)
    oblasts = tuple(sb.multiselect(t("oblast", language), list(oblast_names), key="flt_oblast", placeholder=t("all", language),
                                   format_func=lambda key: oblast_names.get(key, key)))
    district_ref = reference.districts(con, oblasts or tuple(oblast_names))
    district_names = reference.label(district_ref, "district", language)
    districts = tuple(sb.multiselect(t("district", language), list(district_names), key="flt_district", placeholder=t("all", language),
                                     format_func=lambda key: district_names.get(key, key)))
    category_keys = reference.categories(con)["category"].tolist()
    categories = tuple(sb.multiselect(t("category", language), category_keys, key="flt_category", placeholder=t("all", language),
                                      format_func=lambda c: category_label(c, language)))
    sb.caption(t("flags", language))
    flags = {name: (True if sb.checkbox(t(name, language), key=f"flt_{name}") else None)
             for name in ("online", "minor_involved", "foreign_national")}
    selection = Filters(start=start, end=end, sides=sides, oblasts=oblasts, districts=districts,
                        categories=categories, online=flags["online"], minor_involved=flags["minor_involved"],
                        foreign_national=flags["foreign_national"])
    st.session_state[FILTERS_KEY] = selection
    return selection


def download_csv(frame: pd.DataFrame, file_name: str, key: str | None = None) -> None:
    """A download button for the data behind a chart: UTF-8 BOM, formula-safe, audited when clicked."""
    st.download_button(t("download_csv", lang()), data=to_safe_csv_bytes(frame), file_name=file_name,
                       mime="text/csv", key=key or f"dl_{file_name}", on_click=_log_download,
                       args=(file_name, len(frame)))


def download_file(label: str, data: bytes, file_name: str, mime: str, key: str) -> None:
    """A download button for a finished file (slides, PDF): audited when clicked, like the CSV downloads."""
    st.download_button(label, data=data, file_name=file_name, mime=mime, key=key, on_click=_log_file_download,
                       args=(file_name, len(data)))


def _log_download(file_name: str, rows: int) -> None:
    log_action(gate_connection(), viewer().username, "download", file=file_name, rows=rows)


def _log_file_download(file_name: str, size: int) -> None:
    log_action(gate_connection(), viewer().username, "download", file=file_name, bytes=size)
