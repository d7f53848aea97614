"""The audit log: who did what, when. Every login, upload, undo, export, slide deck and user change."""

from __future__ import annotations

import json
from typing import Any

import duckdb


def log_action(con: duckdb.DuckDBPyConnection, username: str | None, action: str, **details: Any) -> None:
    """Append one entry to ``audit_log``. ``details`` is stored as JSON (values made JSON-safe with str)."""
    con.execute(
        "INSERT INTO audit_log (username, action, details) VALUES (?, ?, ?)",
        [username, action, json.dumps(details, ensure_ascii=False, default=str)],
    )
