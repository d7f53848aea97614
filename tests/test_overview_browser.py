"""The Overview in Chromium shows the same 28-day figures as ``python -m analytics compstat`` (offline)."""

from __future__ import annotations

import json

import pytest

from analytics import cli
from tests.conftest import start_app
from tests.test_page_overview import fill_database


@pytest.mark.browser
def test_overview_matches_cli(tmp_path, offline_page, capsys):
    path = tmp_path / "browser.duckdb"
    fill_database(path)
    # The CLI first: the running app holds the database file.
    assert cli.main(["compstat", "--db", str(path), "--as-of", "2024-03-31", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    expected = {(r["side"], r["window"]): r for r in rows if r["category"] == "livestock_theft"}
    assert (expected["KZ", "28d"]["current"], expected["KG", "28d"]["current"]) == (5, 9)

    proc, url = start_app(path, {"SHEKARA_AUTH": "off"})
    try:
        page = offline_page
        page.goto(url + "/", wait_until="domcontentloaded")
        for side in ("KZ", "KG"):
            tile = page.locator(f".st-key-tile_livestock_{side}")
            tile.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=90_000)
            cli_row = expected[side, "28d"]
            assert tile.locator('[data-testid="stMetricValue"]').first.inner_text().strip() == str(cli_row["current"])
            delta = tile.locator('[data-testid="stMetricDelta"]').first.inner_text()
            z_text = f"{cli_row['z']:+.1f}".replace(".", ",")
            assert f"{cli_row['pct_change']:+.0f} %" in delta and f"z {z_text}" in delta
        assert "31.03.2024" in page.get_by_text("По состоянию на").first.inner_text()
        assert page.external_requests == []  # type: ignore[attr-defined]
    finally:
        proc.kill()
        proc.wait(timeout=30)
