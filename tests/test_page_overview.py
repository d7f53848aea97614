"""AppTest of the Overview page on a hand-made database (as of Sunday 2024-03-31).

Livestock theft, 28 days = 2024-03-04..03-31 vs 2024-02-05..03-03:
  KZ 5 vs 2 → "+150 % · z +1,6" (z = 2(√5 − √2) = 1.64, muted)
  KG 9 vs 1 → "+800 % · z +4,0" (z = 2(3 − 1), notable)
  YTD KZ: 5 + 2 + 1 (January) = 8 vs 4 in 2023-01-01..03-31 → "+100 % · z +1,7" (2(√8 − 2) = 1.66)
  YTD KG: 10 vs 0 → no percentage: "0 → 10 · z +6,3" (2√10 = 6.32)
Extremism KZ: 4 in the 28 days, 3 online → "онлайн: 75 %". Talas has no data for February 2024.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.proto.Metric_pb2 import Metric
from streamlit.testing.v1 import AppTest

from analytics import db

ROOT = Path(__file__).resolve().parent.parent


def fill_database(path: Path) -> None:
    """The page fixture (also used by the browser test)."""
    con = db.connect(path)
    serial = iter(range(1, 10_000))

    def add(side: str, day: date, category: str, district: str, oblast: str, online: bool = False) -> None:
        con.execute("INSERT INTO incidents (side, source_id, registered_on, category, oblast, district, online, "
                    "upload_id) VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
                    [side, str(next(serial)), day, category, oblast, district, online])

    for offset in range(5):
        add("KZ", date(2024, 3, 31) - timedelta(days=offset * 6), "livestock_theft", "KORDAI", "ZHA")
    for day in (date(2024, 2, 5), date(2024, 3, 3), date(2024, 1, 10)):
        add("KZ", day, "livestock_theft", "KORDAI", "ZHA")
    for day in (date(2023, 1, 1), date(2023, 2, 2), date(2023, 3, 3), date(2023, 3, 31)):
        add("KZ", day, "livestock_theft", "KORDAI", "ZHA")
    for offset in range(9):
        add("KG", date(2024, 3, 4) + timedelta(days=offset * 3), "livestock_theft", "TOKMOK", "CHU")
    add("KG", date(2024, 2, 20), "livestock_theft", "TOKMOK", "CHU")
    for online in (True, True, True, False):
        add("KZ", date(2024, 3, 20), "extremism_terrorism", "TARAZ", "ZHA", online=online)
    for side, oblast in (("KZ", "ZHA"), ("KG", "CHU"), ("KG", "TAL")):
        month = date(2023, 1, 1)
        while month <= date(2024, 3, 1):
            if not (oblast == "TAL" and month == date(2024, 2, 1)):
                con.execute("INSERT INTO coverage VALUES (?, ?, ?, 1)", [side, oblast, month])
            month = (month + timedelta(days=32)).replace(day=1)
    con.close()


@pytest.fixture
def overview_db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "overview.duckdb"
    fill_database(path)
    monkeypatch.setenv("SHEKARA_DB", str(path))
    monkeypatch.setenv("SHEKARA_AUTH", "off")
    return path


def run_page(lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "overview.py"), default_timeout=120)
    at.session_state["lang"] = lang
    return at.run()


def metric_of(at: AppTest, direction_index: int, side_index: int, window_index: int):
    # tiles in order extremism, stolen_property, livestock, smuggling_drugs, minors; KZ then KG; 28d then YTD
    return at.metric[direction_index * 4 + side_index * 2 + window_index]


def test_overview_in_russian(overview_db):
    at = run_page("ru")
    assert not at.exception
    assert at.title[0].value == "Обзор"
    assert len(at.metric) == 5 * 2 * 2
    kz = metric_of(at, 2, 0, 0)
    assert (kz.label, kz.value, kz.delta) == ("28 дней", "5", "+150 % · z +1,6")
    assert "было 2, стало 5" in kz.proto.help
    assert kz.proto.color == Metric.MetricColor.GRAY  # |z| < 2: muted, whatever the percentage
    kg = metric_of(at, 2, 1, 0)
    assert (kg.value, kg.delta) == ("9", "+800 % · z +4,0")
    assert kg.proto.color == Metric.MetricColor.RED  # notable rise
    assert (metric_of(at, 2, 0, 1).value, metric_of(at, 2, 0, 1).delta) == ("8", "+100 % · z +1,7")
    assert metric_of(at, 2, 1, 1).delta == "0 → 10 · z +6,3"
    captions = " ".join(c.value for c in at.caption)
    assert "онлайн: 75 %" in captions
    assert "неполные данные" in captions  # KG compares months where Talas is missing
    assert "По состоянию на 31.03.2024" in captions
    assert any("Таласская обл.: нет данных за февраль 2024" in w.value for w in at.warning)
    districts = at.dataframe[0].value
    assert districts.iloc[0]["Район"] == "г. Токмок" and districts.iloc[0]["Сейчас"] == 9
    assert len(at.get("download_button")) >= 3


def test_overview_in_english(overview_db):
    at = run_page("en")
    assert not at.exception
    assert at.title[0].value == "Overview"
    kz = metric_of(at, 2, 0, 0)
    assert (kz.label, kz.value, kz.delta) == ("28 days", "5", "+150% · z +1.6")
    assert any("Talas oblast: no data for February 2024" in w.value for w in at.warning)
    assert "online: 75%" in " ".join(c.value for c in at.caption)


def test_overview_empty_database(tmp_path, monkeypatch):
    path = tmp_path / "empty.duckdb"
    db.connect(path).close()
    monkeypatch.setenv("SHEKARA_DB", str(path))
    monkeypatch.setenv("SHEKARA_AUTH", "off")
    at = run_page("ru")
    assert not at.exception
    assert at.info and "Нет данных" in at.info[0].value
