"""AppTest of the Joint operations page (ru, en) on the sample operations file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import db
from tests.test_bulletins import insert_incident

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages" / "operations.py")


@pytest.fixture
def operations_db(tmp_path, samples, monkeypatch) -> Path:
    from analytics.ingest import load_file

    path = tmp_path / "operations.duckdb"
    con = db.connect(path)
    load_file(con, samples / "operations_2024.csv", today=date(2024, 12, 31))
    # incidents span 01.01–31.01.2024: the sidebar period, so only СО-2024-01 (15.01–28.01) is in it
    insert_incident(con, "KZ", "1", date(2024, 1, 1), "кража")
    insert_incident(con, "KG", "2", date(2024, 1, 31), "кража")
    con.close()
    monkeypatch.setenv("SHEKARA_DB", str(path))
    monkeypatch.setenv("SHEKARA_AUTH", "off")
    return path


def run_page(lang: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=90)
    at.session_state["lang"] = lang
    return at.run()


@pytest.mark.parametrize(("lang", "title", "detained", "all_time"), [
    ("ru", "Совместные операции", "Задержано лиц", "Все операции, без учёта периода"),
    ("en", "Joint operations", "Persons detained", "All operations, whatever the period"),
])
def test_page_renders_period_then_all(operations_db, lang, title, detained, all_time):
    at = run_page(lang)
    assert not at.exception
    assert at.title[0].value == title
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[detained] == "6"                       # СО-2024-01 only
    assert len(at.get("plotly_chart")) == 3               # totals, map, timeline
    at.checkbox(key="ops_all_time").check().run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[detained] == "17"                      # 6 + 11 + 0
    assert "—" in metrics.values()                        # weapons: reported by no operation
    board = at.dataframe[0].value
    assert len(board) == 3
    assert board.iloc[0, 0] == "СО-2024-01"
    districts = board.iloc[0, 6]
    assert districts == ("Кордайский район, Панфиловский район, Кара-Бууринский район" if lang == "ru"
                         else "Kordai district, Panfilov district, Kara-Buura district")
    assert len(at.get("download_button")) == 3


def test_direction_filter(operations_db):
    at = run_page("ru")
    at.checkbox(key="ops_all_time").check().run()
    at.selectbox(key="ops_direction").select("drugs").run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Задержано лиц"], metrics["Изъято наркотиков, г"]) == ("11", "1\u202f840,5")


def test_empty_database(tmp_path, monkeypatch):
    path = tmp_path / "empty.duckdb"
    db.connect(path).close()
    monkeypatch.setenv("SHEKARA_DB", str(path))
    monkeypatch.setenv("SHEKARA_AUTH", "off")
    at = run_page("en")
    assert not at.exception
    assert at.info[0].value == "No operations in the period."
