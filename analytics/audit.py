"""The audit log: who did what, when. Every login, upload, undo, export, slide deck and user change.

Writers call :func:`log_action`; the Audit page (admins) reads with :func:`query_log`.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

import duckdb
import pandas as pd

from analytics.db import load_sql

# Actions written by the app. Modules may log others; the Audit page lists whatever is stored.
ACTIONS = (
    "login_ok", "login_failed", "account_locked", "logout", "session_timeout",
    "password_change", "password_change_failed",
    "user_add", "user_disable", "user_enable", "user_reset", "user_role", "sharing_change",
    "upload", "undo", "export", "download", "slides", "match_confirmed", "match_rejected",
)

TEXT = {
    "ru": {
        "login_ok": "Вход", "login_failed": "Неудачный вход", "account_locked": "Блокировка учётной записи",
        "logout": "Выход", "session_timeout": "Сеанс истёк", "password_change": "Смена пароля",
        "password_change_failed": "Неудачная смена пароля", "user_add": "Создан пользователь",
        "user_disable": "Пользователь отключён", "user_enable": "Пользователь включён",
        "user_reset": "Сброс пароля", "user_role": "Смена роли", "sharing_change": "Изменение правил обмена",
        "upload": "Загрузка данных", "undo": "Отмена загрузки", "export": "Выгрузка (CLI)",
        "download": "Скачивание", "slides": "Слайды", "match_confirmed": "Совпадение подтверждено",
        "match_rejected": "Совпадение отклонено",
        "page_admins_only": "Журнал действий доступен только администраторам.",
        "page_user": "Пользователь", "page_action": "Действие", "page_entries": "Записей: {n}",
        "page_empty": "Нет записей за выбранный период и фильтры.",
    },
    "en": {
        "login_ok": "Login", "login_failed": "Failed login", "account_locked": "Account locked",
        "logout": "Logout", "session_timeout": "Session expired", "password_change": "Password change",
        "password_change_failed": "Failed password change", "user_add": "User created",
        "user_disable": "User disabled", "user_enable": "User enabled", "user_reset": "Password reset",
        "user_role": "Role change", "sharing_change": "Sharing policy change", "upload": "Upload",
        "undo": "Upload undone", "export": "Export (CLI)", "download": "Download", "slides": "Slides",
        "match_confirmed": "Match confirmed", "match_rejected": "Match rejected",
        "page_admins_only": "The audit log is for administrators only.",
        "page_user": "User", "page_action": "Action", "page_entries": "Entries: {n}",
        "page_empty": "No entries for the selected period and filters.",
    },
}

LOG_COLUMNS = ["audit_id", "logged_at", "username", "action", "details"]


def log_action(con: duckdb.DuckDBPyConnection, username: str | None, action: str, **details: Any) -> None:
    """Append one entry to ``audit_log``. ``details`` is stored as JSON (values made JSON-safe with str)."""
    con.execute(
        "INSERT INTO audit_log (username, action, details) VALUES (?, ?, ?)",
        [username, action, json.dumps(details, ensure_ascii=False, default=str)],
    )


def query_log(con: duckdb.DuckDBPyConnection, start: date | None = None, end: date | None = None,
              usernames: tuple[str, ...] = (), actions: tuple[str, ...] = (), limit: int | None = None
              ) -> pd.DataFrame:
    """Audit entries, newest first, filtered by period (inclusive days), user and action.

    Parameters
    ----------
    start, end : first and last day (either may be None: open-ended).
    usernames, actions : keep only these (empty: all).
    limit : at most this many rows (None: all).

    Returns
    -------
    DataFrame with columns audit_id, logged_at, username, action, details (details as JSON text).
    """
    first = datetime.combine(start, time.min) if start is not None else None
    after = datetime.combine(end + timedelta(days=1), time.min) if end is not None else None
    names = list(usernames) or None
    kinds = list(actions) or None
    params = [first, after, names, names, kinds, kinds, limit]
    frame = con.execute(load_sql("audit/log"), params).df()
    return frame.astype({"audit_id": "int64", "username": "string", "action": "string", "details": "string"})


def first_day(con: duckdb.DuckDBPyConnection) -> date | None:
    """Day of the oldest entry (the start of the page's date range), None when the log is empty."""
    row = con.execute("SELECT CAST(min(logged_at) AS DATE) FROM audit_log").fetchone()
    return row[0] if row else None


def known_users(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every user name that appears in the log (for the filter), sorted."""
    rows = con.execute("SELECT DISTINCT username FROM audit_log WHERE username IS NOT NULL ORDER BY 1").fetchall()
    return [row[0] for row in rows]


def known_actions(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The app's actions plus any other action stored in the log, in :data:`ACTIONS` order."""
    stored = {row[0] for row in con.execute("SELECT DISTINCT action FROM audit_log").fetchall()}
    return list(ACTIONS) + sorted(stored - set(ACTIONS))


def label_actions(frame: pd.DataFrame, lang: str = "ru") -> pd.DataFrame:
    """The log as shown on the page: the action in words next to its code."""
    shown = frame.copy()
    shown.insert(list(shown.columns).index("action") + 1, "action_label",
                 shown["action"].map(lambda a: action_label(str(a), lang)).astype("string"))
    return shown


def action_label(action: str, lang: str = "ru") -> str:
    """Human label of an action; the code itself when unknown."""
    return TEXT.get(lang, TEXT["ru"]).get(action, action)
