"""The Upload page: AppTest in ru and en (history, undo, unknown articles) and a real upload in Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import db
from analytics.ingest import load_file
from tests.conftest import start_app

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages" / "upload.py")
UNKNOWN_ROW = "241131031000900;03.01.2024;;999 ч.1;;г. Тараз;;;;в производстве;0;;;;Статья не из справочника"


@pytest.fixture
def loaded_db(tmp_path, samples, monkeypatch) -> Path:
    path = tmp_path / "upload.duckdb"
    con = db.connect(path)
    load_file(con, samples / "kz_erdr_2024-01.csv")
    extra = tmp_path / "unknown.csv"
    header = (samples / "kz_erdr_2024-01.csv").read_bytes().decode("cp1251").splitlines()[0]
    extra.write_text(header + "\n" + UNKNOWN_ROW + "\n", encoding="utf-8")
    load_file(con, extra)
    con.close()
    monkeypatch.setenv("SHEKARA_DB", str(path))
    monkeypatch.setenv("SHEKARA_AUTH", "off")
    return path


def run_page(lang: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["lang"] = lang
    return at.run()


@pytest.mark.parametrize(("lang", "title", "history", "unknown"), [
    ("ru", "Загрузка данных", "История загрузок", "Статьи и наименования без правила категории"),
    ("en", "Data upload", "Upload history", "Articles and titles without a category rule"),
])
def test_page_shows_history_and_unknown_articles(loaded_db, lang, title, history, unknown):
    at = run_page(lang)
    assert not at.exception
    assert at.title[0].value == title
    assert [s.value for s in at.subheader] == [history, unknown]
    uploads = at.dataframe[0].value
    assert uploads["file_name"].tolist() == ["unknown.csv", "kz_erdr_2024-01.csv"]
    assert uploads["accepted"].tolist() == [1, 8]
    assert at.dataframe[1].value["article_raw"].tolist() == ["999 ч.1"]
    assert at.button(key="undo_button") is not None


def test_undo_from_the_page(loaded_db):
    at = run_page("ru")
    at.selectbox(key="undo_pick").select(1).run()
    at.button(key="undo_button").click().run()
    assert not at.exception
    assert any("Загрузка №1 отменена" in s.value for s in at.success)
    con = db.connect(loaded_db)
    try:
        assert con.execute("SELECT count(*) FROM incidents").fetchone()[0] == 1
        assert con.execute("SELECT status FROM uploads ORDER BY upload_id").fetchall() == [("undone",), ("loaded",)]
        assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'undo'").fetchone()[0] == 1
    finally:
        con.close()


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_empty_database(tmp_path, monkeypatch, lang):
    path = tmp_path / "empty.duckdb"
    db.connect(path).close()
    monkeypatch.setenv("SHEKARA_DB", str(path))
    monkeypatch.setenv("SHEKARA_AUTH", "off")
    at = run_page(lang)
    assert not at.exception
    assert any(c.value in ("Загрузок пока нет.", "No uploads yet.") for c in at.caption)


@pytest.mark.browser
def test_upload_a_sample_in_the_browser(tmp_path, offline_page, samples):
    path = tmp_path / "browser.duckdb"
    db.connect(path).close()
    proc, url = start_app(path, {"SHEKARA_AUTH": "off"})
    try:
        page = offline_page
        page.goto(url + "/upload", wait_until="domcontentloaded")
        page.get_by_text("Загрузка данных").first.wait_for(timeout=90_000)
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
            [str(samples / "kz_erdr_2024-01.csv"), str(samples / "kg_erp_chuy-talas_2024-01.csv")])
        # the detected mapping is shown before anything is loaded
        page.get_by_text("Windows-1251").first.wait_for(timeout=90_000)
        page.get_by_text("ЕРП (Кыргызстан)").first.wait_for(timeout=90_000)
        page.get_by_role("button", name="Загрузить").click()
        page.get_by_text("kz_erdr_2024-01.csv: принято 8, отклонено 0").wait_for(timeout=120_000)
        page.get_by_text("kg_erp_chuy-talas_2024-01.csv: принято 7, отклонено 0").wait_for(timeout=60_000)
        # Nothing of this page (tab icon included) goes out.
        assert page.external_requests == []  # type: ignore[attr-defined]
    finally:
        proc.kill()
        proc.wait(timeout=30)
    con = db.connect(path)
    try:
        assert con.execute("SELECT count(*) FROM incidents").fetchone()[0] == 15
        assert con.execute("SELECT count(*) FROM audit_log WHERE action = 'upload'").fetchone()[0] == 2
    finally:
        con.close()
