"""AppTest of the Slides page: options, the one-click deck with a progress bar, downloads and thumbnails."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from analytics import db
from analytics.slides import pdf, render
from tests import slides_fixture

ROOT = Path(__file__).resolve().parent.parent

needs_chromium = pytest.mark.skipif(not Path(render.DEFAULT_CHROMIUM).exists(), reason="needs Debian chromium")


@pytest.fixture
def app_db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "app.duckdb"
    con = db.connect(path)
    slides_fixture.fill(con)
    slides_fixture.fill_bulletins(con)
    slides_fixture.fill_operations(con)
    con.close()
    monkeypatch.setenv("SHEKARA_DB", str(path))
    monkeypatch.setenv("SHEKARA_AUTH", "off")
    return path


def open_page(lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "slides.py"), default_timeout=180)
    at.session_state["lang"] = lang
    return at.run()


@pytest.mark.parametrize(("lang", "title", "button"), [("ru", "Слайды", "Сделать слайды"),
                                                       ("en", "Slides", "Make slides")])
def test_page_renders_its_options(app_db, lang, title, button):
    at = open_page(lang)
    assert not at.exception
    assert at.title[0].value == title
    assert at.button(key="slides_make").label == button
    assert at.date_input(key="slides_as_of").value == slides_fixture.AS_OF.replace(day=30)  # last registration
    assert len(at.multiselect(key="slides_directions").value) == 5
    assert at.radio(key="slides_lang").options == ["Русский", "English", "Русский + English"]


@needs_chromium
def test_english_deck_downloads_as_pptx(app_db):
    at = open_page("en")
    at.checkbox(key="slides_with_pdf").uncheck()
    at.radio(key="slides_lang").set_value("en")
    at.multiselect(key="slides_directions").set_value(["livestock"])
    at.button(key="slides_make").click().run()
    assert not at.exception and not at.error
    files = at.session_state["slides_files"]
    prs = Presentation(io.BytesIO(files.pptx))
    assert len(prs.slides) == len(files.slides) >= 8
    assert files.file_stem == "shekara_2024-03-30_en" and files.pdf is None
    labels = [button.proto.label for button in at.get("download_button")]
    assert labels == ["Download PPTX"]
    assert "slides" in at.success[0].value
    at.download_button[0].click().run()
    assert not at.exception
    user, action, details = downloads_of(app_db)[-1]
    assert (user, action, details["file"]) == ("system", "download", "shekara_2024-03-30_en.pptx")
    assert details["bytes"] == len(files.pptx)


def downloads_of(path: Path) -> list[tuple[str, str, dict]]:
    con = db.connect(path)
    try:
        rows = con.execute("SELECT username, action, details FROM audit_log WHERE action = 'download' "
                           "ORDER BY audit_id").fetchall()
    finally:
        con.close()
    return [(u, a, json.loads(d)) for u, a, d in rows]


@needs_chromium
@pytest.mark.skipif(pdf.soffice_path() is None, reason="needs LibreOffice")
def test_russian_deck_with_pdf_shows_one_thumbnail_per_page(app_db):
    at = open_page("ru")
    at.button(key="slides_make").click().run()
    assert not at.exception and not at.error and not at.warning
    files = at.session_state["slides_files"]
    assert files.pdf is not None and files.pdf.startswith(b"%PDF")
    assert len(files.thumbnails) == len(files.slides)
    assert [b.proto.label for b in at.get("download_button")] == ["Скачать PPTX", "Скачать PDF"]
    assert len(at.get("image")) == len(files.slides)


def test_no_direction_is_a_warning_not_a_crash(app_db):
    at = open_page("ru")
    at.multiselect(key="slides_directions").set_value([])
    at.button(key="slides_make").click().run()
    assert not at.exception
    assert at.warning[0].value == "Выберите хотя бы одно направление."


@pytest.mark.browser
def test_one_click_deck_downloads_in_chromium_offline(app_db, offline_page, tmp_path):
    from tests.conftest import start_app

    proc, url = start_app(app_db, {"SHEKARA_AUTH": "off"})
    try:
        page = offline_page
        page.goto(url + "/slides", wait_until="domcontentloaded")
        page.get_by_text("Также PDF").first.click(timeout=90_000)  # the PPTX alone: faster, same flow
        page.get_by_role("button", name="Сделать слайды").click()
        download_button = page.get_by_role("button", name="Скачать PPTX")
        download_button.wait_for(timeout=180_000)
        with page.expect_download(timeout=60_000) as info:
            download_button.click()
        saved = tmp_path / "downloaded.pptx"
        info.value.save_as(saved)
        assert info.value.suggested_filename == "shekara_2024-03-30_ru.pptx"
        prs = Presentation(str(saved))
        assert len(prs.slides) >= 8 and prs.slide_width * 9 == prs.slide_height * 16
        assert page.external_requests == []  # type: ignore[attr-defined]
    finally:
        proc.terminate()
        proc.wait(timeout=20)
