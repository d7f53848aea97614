"""AppTest of the presentation mode: one slide per screen, the deck's own content, button/arrow navigation."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import db
from tests import slides_fixture

ROOT = Path(__file__).resolve().parent.parent


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
    at = AppTest.from_file(str(ROOT / "pages" / "present.py"), default_timeout=120)
    at.session_state["lang"] = lang
    return at.run()


def slide_title(at: AppTest) -> str:
    return next(m.value for m in at.markdown if 'class="shekara-title"' in m.value)


@pytest.mark.parametrize(("lang", "first", "kpi"), [
    ("ru", "Совместное совещание", "Ключевые показатели: Казахстан | Кыргызстан"),
    ("en", "Joint meeting", "Key indicators: Kazakhstan | Kyrgyzstan"),
])
def test_slides_turn_forward_and_back(app_db, lang, first, kpi):
    at = open_page(lang)
    assert not at.exception
    assert first in slide_title(at)
    assert at.button(key="present_prev").disabled
    at.button(key="present_next").click().run()
    at.button(key="present_next").click().run()
    assert not at.exception
    assert kpi in slide_title(at)
    assert len(at.table) == 1  # the KPI numbers as a table, like the native table of the PPTX
    at.button(key="present_prev").click().run()
    assert "Повестка" in slide_title(at) if lang == "ru" else "Agenda" in slide_title(at)


def test_last_slide_is_next_steps_and_next_is_disabled(app_db):
    at = open_page("en")
    total = int(at.get("progress")[0].proto.text.split("/")[1])
    for _ in range(total - 1):
        at.button(key="present_next").click().run()
    assert not at.exception
    assert "Decisions and next steps" in slide_title(at)
    assert at.button(key="present_next").disabled
    assert at.get("progress")[0].proto.text == f"{total} / {total}"


def test_arrow_keys_are_bound_to_the_buttons(app_db):
    at = open_page("ru")
    assert at.button(key="present_prev").proto.shortcut == "left"
    assert at.button(key="present_next").proto.shortcut == "right"


def test_bilingual_show_puts_english_under_russian(app_db):
    at = open_page("ru")
    at.radio(key="present_lang").set_value("ru+en").run()
    at.button(key="present_next").click().run()
    texts = [m.value for m in at.markdown]
    assert any('class="shekara-sub">Agenda<' in t for t in texts)
    assert any('shekara-bullet-2">Livestock theft<' in t for t in texts)


@pytest.mark.browser
def test_arrow_keys_turn_slides_in_chromium_offline(app_db, offline_page):
    from tests.conftest import start_app

    proc, url = start_app(app_db, {"SHEKARA_AUTH": "off"})
    try:
        page = offline_page
        page.goto(url + "/present", wait_until="domcontentloaded")
        title = page.locator(".shekara-title")
        title.first.wait_for(timeout=120_000)
        assert "Совместное совещание" in title.first.inner_text()
        title.first.click()  # focus the page, not an input
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => document.querySelector('.shekara-title')?.innerText === 'Повестка'",
                               timeout=180_000)
        page.keyboard.press("ArrowLeft")
        page.wait_for_function(
            "() => document.querySelector('.shekara-title')?.innerText.startsWith('Совместное')", timeout=180_000)
        assert page.external_requests == []  # type: ignore[attr-defined]
    finally:
        proc.terminate()
        proc.wait(timeout=20)
