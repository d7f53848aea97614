"""AppTest of the Audit page: admins only, filters by period / user / action, audited CSV download."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import db
from analytics.access import Viewer

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages" / "audit.py")


@pytest.fixture
def audit_db(tmp_path: Path, monkeypatch) -> Path:
    path = tmp_path / "audit.duckdb"
    con = db.connect(path)
    today = datetime.combine(date.today(), datetime.min.time())
    for hour, user, action in [(8, "admin", "login_ok"), (9, "kg_commander", "login_failed"),
                               (10, "kz_analyst", "upload")]:
        con.execute("INSERT INTO audit_log (logged_at, username, action, details) VALUES (?, ?, ?, '{}')",
                    [today.replace(hour=hour), user, action])
    con.execute("INSERT INTO audit_log (logged_at, username, action, details) VALUES "
                "(TIMESTAMP '2001-01-01 00:00', 'old', 'upload', '{}')")
    con.close()
    monkeypatch.setenv("SHEKARA_DB", str(path))
    monkeypatch.setenv("SHEKARA_AUTH", "off")
    return path


def actions_of(path: Path) -> list[tuple[str, str, dict]]:
    con = db.connect(path)
    try:
        rows = con.execute("SELECT username, action, details FROM audit_log ORDER BY audit_id").fetchall()
    finally:
        con.close()
    return [(u, a, json.loads(d)) for u, a, d in rows]


@pytest.mark.parametrize(("lang", "title", "count"), [("ru", "Журнал действий", "Записей: 3"),
                                                      ("en", "Audit log", "Entries: 3")])
def test_audit_page_lists_the_last_30_days(audit_db, lang, title, count):
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    assert at.title[0].value == title
    assert at.caption[0].value == count
    shown = at.dataframe[0].value
    assert shown["action"].tolist() == ["upload", "login_failed", "login_ok"]  # 2001 is outside the period
    assert shown["action_label"].tolist()[0] == {"ru": "Загрузка данных", "en": "Upload"}[lang]
    assert len(at.download_button) == 1


def test_filters_by_user_and_action(audit_db):
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    at.multiselect(key="audit_actions").select("login_ok").select("login_failed").run()
    assert at.dataframe[0].value["username"].tolist() == ["kg_commander", "admin"]
    at.multiselect(key="audit_users").select("admin").run()
    assert at.dataframe[0].value["username"].tolist() == ["admin"]
    at.multiselect(key="audit_users").unselect("admin").select("kz_analyst").run()
    assert not at.dataframe and at.caption[0].value == "Записей: 0"
    at.date_input(key="audit_period").set_value((date(2001, 1, 1), date(2001, 12, 31)))
    at.multiselect(key="audit_actions").unselect("login_ok").unselect("login_failed")
    at.multiselect(key="audit_users").unselect("kz_analyst").run()
    assert at.dataframe[0].value["username"].tolist() == ["old"]


def test_download_is_audited(audit_db):
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    at.download_button[0].click().run()
    assert not at.exception
    user, action, details = actions_of(audit_db)[-1]
    assert (user, action, details["rows"]) == ("system", "download", 3)
    assert details["file"].startswith("audit_") and details["file"].endswith(".csv")


def test_non_admin_sees_no_log(audit_db, monkeypatch):
    monkeypatch.setenv("SHEKARA_AUTH", "on")
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["viewer"] = Viewer("kz_analyst", "analyst", "BOTH")
    at.run()
    assert at.error[0].value == "Журнал действий доступен только администраторам."
    assert not at.dataframe and not at.download_button


def test_page_without_login_gets_nothing(audit_db, monkeypatch):
    """A page file run on its own (no dashboard gate) with authentication on stops before any data."""
    monkeypatch.setenv("SHEKARA_AUTH", "on")
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert [e.value for e in at.error] == ["Нужно войти в систему."]
    assert not at.dataframe and not at.multiselect
