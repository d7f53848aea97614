"""The Hotspots page: AppTest in ru and en, and a real browser with the network blocked."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from analytics import db
from tests.conftest import start_app
from tests.test_hotspots import BORDER_POINT, cluster_points, insert_incidents, side_of, uniform_points

ROOT = Path(__file__).resolve().parent.parent


def fill(path: Path) -> None:
    """Background over the Chuy valley, a cross-border cluster, and a livestock series across the line."""
    con = db.connect(path)
    lat, lon = uniform_points(300, (42.8, 43.25, 74.3, 75.0), seed=1)
    c_lat, c_lon = cluster_points(60, BORDER_POINT, 1.0, seed=2)
    rows = []
    for i, (a, b) in enumerate(zip(np.r_[lat, c_lat], np.r_[lon, c_lon], strict=True)):
        rows.append({"side": side_of(a, b), "lat": a, "lon": b, "source_id": f"S{i}",
                     "registered_on": date(2024, 1, 1) + timedelta(days=i % 180),
                     "category": "livestock_theft" if i % 2 else "other_theft"})
    rows += [{"side": "KZ", "lat": 43.0436, "lon": 74.6492, "source_id": "SER-KZ", "registered_on": date(2024, 5, 2),
              "category": "livestock_theft", "district": "KORDAI"},
             {"side": "KG", "lat": 43.0296, "lon": 74.6492, "source_id": "SER-KG", "registered_on": date(2024, 5, 4),
              "category": "livestock_theft"}]
    insert_incidents(con, rows)
    con.close()


@pytest.fixture
def app_db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "app.duckdb"
    fill(path)
    monkeypatch.setenv("SHEKARA_DB", str(path))
    monkeypatch.setenv("SHEKARA_AUTH", "off")
    return path


def open_page(lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "hotspots.py"), default_timeout=120)
    at.session_state["lang"] = lang
    # The whole first half of 2024, so every incident is in the filter.
    at.session_state["flt_period"] = (date(2024, 1, 1), date(2024, 12, 31))
    return at.run()


@pytest.mark.parametrize(("lang", "title", "layer_label", "border_header"), [
    ("ru", "Очаги и граница", "Очаги (Gi*)", "Приграничная полоса"),
    ("en", "Hotspots and border", "Hot spots (Gi*)", "Border corridor"),
])
def test_page_renders_map_cells_and_border_in_both_languages(app_db, lang, title, layer_label, border_header):
    at = open_page(lang)
    assert not at.exception, at.exception
    assert at.title[0].value == title
    layer = at.radio(key="hs_layer")
    assert layer.value == "gi" and layer_label in layer.options
    assert border_header in [h.value for h in at.subheader]
    # The hottest cell is preselected and its incidents listed: as many rows as the cell counts.
    choice = at.selectbox(key="hs_cell")
    n = int(choice.options[choice.index].split(":")[1].split()[0])
    assert n > 5
    assert len(at.dataframe[0].value) == n
    captions = " ".join(c.value for c in at.caption)
    assert "Gi*" in captions and ("FDR" in captions)


@pytest.mark.parametrize("layer", ["count", "kde", "emerging"])
def test_every_layer_renders(app_db, layer):
    at = open_page("ru")
    at.radio(key="hs_layer").set_value(layer).run()
    assert not at.exception, at.exception


def test_page_with_an_empty_database(tmp_path, monkeypatch):
    path = tmp_path / "empty.duckdb"
    db.connect(path).close()
    monkeypatch.setenv("SHEKARA_DB", str(path))
    monkeypatch.setenv("SHEKARA_AUTH", "off")
    at = AppTest.from_file(str(ROOT / "pages" / "hotspots.py"), default_timeout=120).run()
    assert not at.exception, at.exception
    assert any("Нет данных" in i.value for i in at.info)


@pytest.mark.browser
def test_map_draws_with_the_network_blocked(app_db, offline_page):
    proc, url = start_app(app_db, {"SHEKARA_AUTH": "off"})
    try:
        page = offline_page
        page.goto(url + "/hotspots", wait_until="domcontentloaded")
        page.get_by_role("heading", name="Очаги и граница").wait_for(timeout=90_000)
        page.wait_for_selector(".js-plotly-plot", timeout=90_000)
        # MapLibre draws into a canvas inside the Plotly map container.
        canvas = page.locator(".js-plotly-plot .maplibregl-canvas, .js-plotly-plot canvas").first
        canvas.wait_for(state="visible", timeout=60_000)
        box = canvas.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 300
        page.wait_for_timeout(2000)
        drawn = page.evaluate(
            """() => {
                const c = document.querySelector('.js-plotly-plot canvas');
                const gl = c.getContext('webgl2', {preserveDrawingBuffer: true}) || c.getContext('webgl');
                return {w: c.width, h: c.height, ok: !!gl};
            }"""
        )
        assert drawn["w"] > 300 and drawn["ok"]
        assert page.locator(".js-plotly-plot").count() >= 2  # map and the border-band chart
        assert page.external_requests == []
    finally:
        proc.terminate()
        proc.wait(timeout=20)
