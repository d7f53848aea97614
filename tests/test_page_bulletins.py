"""AppTest of the Bulletins page (ru, en) on the sample exchange, incl. confirming a match and searching."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import bulletins, db
from analytics.access import Viewer
from tests.test_bulletins import SAMPLE_BULLETINS, SAMPLE_FINDS, insert_bulletins, insert_finds, insert_incident

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages" / "bulletins.py")


@pytest.fixture
def bulletins_db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "bulletins.duckdb"
    con = db.connect(path)
    insert_bulletins(con, SAMPLE_BULLETINS)
    insert_finds(con, SAMPLE_FINDS)
    # incidents span January 2024, so the sidebar period (and the as-of date) is 01.01–31.01.2024
    insert_incident(con, "KZ", "1", date(2024, 1, 1), "кража")
    insert_incident(con, "KG", "2", date(2024, 1, 31), "кража")
    # the loader proposes matches of what it loads (the page never does); rows written here need the full pass
    bulletins.propose_matches(con)
    con.close()
    monkeypatch.setenv("SHEKARA_DB", str(path))
    monkeypatch.setenv("SHEKARA_AUTH", "off")
    return path


def run_page(lang: str, viewer: Viewer | None = None) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=90)
    at.session_state["lang"] = lang
    if viewer is not None:
        at.session_state["viewer"] = viewer
    return at.run()


@pytest.mark.parametrize(("lang", "title", "sent", "review"), [
    ("ru", "Ориентировки", "Направлено", "Совпадения на проверку (3)"),
    ("en", "Wanted bulletins", "Sent", "Matches to review (3)"),
])
def test_page_renders(bulletins_db, lang, title, sent, review):
    at = run_page(lang)
    assert not at.exception
    assert at.title[0].value == title
    metrics = {(m.label, m.value) for m in at.metric}
    # KZ→KG: 3 sent (ЖО-0001/0003/0007), 1 found; KG→KZ: 4 sent, 1 found (returned), 1 withdrawn
    assert (sent, "3") in metrics and (sent, "4") in metrics
    assert [tab.label for tab in at.tabs][0] == review
    assert len(at.get("plotly_chart")) == 2
    assert "ЖО-2024-0003" in " ".join(md.value for md in at.markdown)
    assert any(b.label in ("Подтвердить", "Confirm") for b in at.button)
    assert len(at.get("download_button")) >= 3


def test_confirm_is_recorded_and_audited(bulletins_db):
    at = run_page("ru")
    first = next(md.value for md in at.markdown if "↔" in md.value)
    bulletin_no = first.split("**")[1]
    at.button(key="confirm_0").click().run()
    assert not at.exception
    assert [tab.label for tab in at.tabs][0] == "Совпадения на проверку (2)"
    con = db.connect(bulletins_db)
    try:
        assert con.execute("SELECT status, decided_by FROM matches WHERE bulletin_no = ?",
                           [bulletin_no]).fetchone() == ("confirmed", "system")
        assert con.execute("SELECT action, details->>'bulletin_no' FROM audit_log WHERE action LIKE 'match_%'"
                           ).fetchall() == [("match_confirmed", bulletin_no)]
    finally:
        con.close()


def test_search_any_script(bulletins_db):
    at = run_page("en")
    at.text_input(key="bulletin_search").input("08 kg 123 abc").run()
    assert not at.exception
    table = next(df.value for df in at.dataframe if "Record" in df.value.columns)
    assert table[["Record", "Number"]].values.tolist() == [["bulletin", "ЧУЙ-2024-015"], ["find", "F2"]]
    at.text_input(key="bulletin_search").input("zzzz-nothing").run()
    assert "Nothing found." in [info.value for info in at.info]


def test_commander_cannot_decide(bulletins_db, monkeypatch):
    monkeypatch.setenv("SHEKARA_AUTH", "on")
    at = run_page("ru", Viewer("kz_chief", "commander", "KZ"))
    assert not at.exception
    assert all(b.disabled for b in at.button if b.label in ("Подтвердить", "Отклонить"))


def test_empty_database(tmp_path, monkeypatch):
    path = tmp_path / "empty.duckdb"
    db.connect(path).close()
    monkeypatch.setenv("SHEKARA_DB", str(path))
    monkeypatch.setenv("SHEKARA_AUTH", "off")
    at = run_page("en")
    assert not at.exception
    assert "No new matches." in [info.value for info in at.info]
