"""The audit log: JSON details, filters by period / user / action, newest first, typed when empty."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from analytics import audit


@pytest.fixture
def log(con):
    entries = [
        (datetime(2024, 3, 1, 8, 0), "admin", "login_ok", {}),
        (datetime(2024, 3, 1, 9, 30), "kg_commander", "login_failed", {"reason": "wrong_password"}),
        (datetime(2024, 3, 2, 23, 59, 59), "kz_analyst", "upload", {"file": "kz_erdr.csv", "accepted": 8}),
        (datetime(2024, 3, 3, 0, 0), "kz_analyst", "undo", {"upload_id": 1}),
        (datetime(2024, 3, 5, 12, 0), "admin", "custom_thing", {"n": 1}),
    ]
    for when, user, action, details in entries:
        con.execute("INSERT INTO audit_log (logged_at, username, action, details) VALUES (?, ?, ?, ?)",
                    [when, user, action, json.dumps(details)])
    return con


def test_log_action_stores_json_details(con):
    audit.log_action(con, "kz_analyst", "upload", file="kz_erdr_2024-01.csv", accepted=8, when=date(2024, 1, 31))
    row = con.execute("SELECT username, action, details FROM audit_log").fetchone()
    assert row[:2] == ("kz_analyst", "upload")
    assert json.loads(row[2]) == {"file": "kz_erdr_2024-01.csv", "accepted": 8, "when": "2024-01-31"}


def test_query_log_is_newest_first(log):
    frame = audit.query_log(log)
    assert frame["action"].tolist() == ["custom_thing", "undo", "upload", "login_failed", "login_ok"]
    assert frame.columns.tolist() == audit.LOG_COLUMNS


def test_period_is_inclusive_of_whole_days(log):
    frame = audit.query_log(log, start=date(2024, 3, 1), end=date(2024, 3, 2))
    assert frame["action"].tolist() == ["upload", "login_failed", "login_ok"]
    assert audit.query_log(log, start=date(2024, 3, 3))["action"].tolist() == ["custom_thing", "undo"]
    assert audit.query_log(log, end=date(2024, 2, 29)).empty


def test_filters_by_user_and_action(log):
    assert audit.query_log(log, usernames=("kz_analyst",))["action"].tolist() == ["undo", "upload"]
    assert audit.query_log(log, actions=("login_ok", "login_failed"))["username"].tolist() == ["kg_commander",
                                                                                              "admin"]
    assert audit.query_log(log, usernames=("admin",), actions=("upload",)).empty
    assert len(audit.query_log(log, limit=2)) == 2


def test_empty_log_is_typed(con):
    frame = audit.query_log(con)
    assert frame.empty and frame.columns.tolist() == audit.LOG_COLUMNS
    assert str(frame["logged_at"].dtype).startswith("datetime64")
    assert audit.known_users(con) == []


def test_known_users_and_actions(log):
    assert audit.known_users(log) == ["admin", "kg_commander", "kz_analyst"]
    actions = audit.known_actions(log)
    assert actions[: len(audit.ACTIONS)] == list(audit.ACTIONS) and actions[-1] == "custom_thing"


def test_labels(log):
    assert audit.action_label("login_failed", "ru") == "Неудачный вход"
    assert audit.action_label("login_failed", "en") == "Failed login"
    assert audit.action_label("custom_thing", "en") == "custom_thing"
    shown = audit.label_actions(audit.query_log(log), "en")
    assert shown.columns.tolist() == ["audit_id", "logged_at", "username", "action", "action_label", "details"]
    assert shown["action_label"].tolist()[1:3] == ["Upload undone", "Upload"]
