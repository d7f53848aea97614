"""AppTest of the Trends page (ru, en): charts, coverage banner, CSV downloads, weekly and per-100k views."""

from __future__ import annotations

import math
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.test_page_overview import overview_db as trends_db  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parent.parent


def run_page(lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "trends.py"), default_timeout=120)
    at.session_state["lang"] = lang
    return at.run()


def charts_of(at: AppTest) -> list:
    return at.get("plotly_chart")


def test_trends_in_russian(trends_db):  # noqa: F811
    at = run_page("ru")
    assert not at.exception
    assert at.title[0].value == "Динамика"
    assert [tab.label for tab in at.tabs] == ["Динамика", "Год к году", "Сезонность", "KZ и KG по категориям",
                                              "Наличие данных"]
    assert len(charts_of(at)) == 5
    assert any("Таласская обл.: нет данных за февраль 2024" in w.value for w in at.warning)
    assert len(at.get("download_button")) == 5
    # the table behind the lines: KG February 2024 is missing (Talas), shown as a grey "нет данных" cell
    table = at.dataframe[0].value
    february = table[table["period"] == "2024-02-01"].iloc[0]
    assert math.isnan(february["KG"]) and february["KZ"] == 1.0


def test_trends_in_english_weekly_per_100k(trends_db):  # noqa: F811
    at = run_page("en")
    assert not at.exception
    assert at.title[0].value == "Trends"
    at.radio(key="trend_freq").set_value("week")
    at.radio(key="trend_measure").set_value("per_100k")
    at.selectbox(key="trend_split").set_value("district")
    at.run()
    assert not at.exception
    assert any("Talas oblast: no data for February 2024" in w.value for w in at.warning)
    assert len(charts_of(at)) == 5


def test_trends_empty_database(tmp_path, monkeypatch):
    from analytics import db

    path = tmp_path / "empty.duckdb"
    db.connect(path).close()
    monkeypatch.setenv("SHEKARA_DB", str(path))
    monkeypatch.setenv("SHEKARA_AUTH", "off")
    at = run_page("ru")
    assert not at.exception
    assert at.info and "Нет данных" in at.info[0].value
