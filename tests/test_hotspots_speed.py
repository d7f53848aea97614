"""Session-2 speed-ups of the Hotspots page give what the previous code gave: map figures built from plain
dicts equal Plotly's validated build, the per-process cell tables equal H3, the resolution read from the
cells equals the one from the incidents' coordinates."""

from __future__ import annotations

import json
from datetime import date

import h3
import numpy as np
import pandas as pd
import pytest

from analytics.filters import Filters
from analytics.hotspots import analyse_hotspots, celltable, gistar, load_layer_points
from analytics.hotspots import charts as fast
from analytics.hotspots.data import (
    cell_centres,
    cell_counts,
    choose_resolution,
    crossings,
    reference_points,
    resolution_of_cells,
    settlements,
)
from analytics.hotspots.emerging import emerging_hotspots
from analytics.hotspots.kde import kernel_density
from analytics.hotspots.view import layer_figure
from tests import hotspots_old_charts as old
from tests.test_hotspots import insert_incidents, side_of
from tests.test_hotspots_fast import fill


def as_json(fig) -> dict:
    return json.loads(fig.to_json())


@pytest.fixture
def filled(con):
    fill(con)
    return con


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_dict_built_maps_equal_the_validated_figures(filled, lang) -> None:
    result = analyse_hotspots(filled, Filters(), res=7, points=False)
    points = load_layer_points(filled, Filters())
    emerging = emerging_hotspots(points, 7)
    lat, lon = cell_centres(emerging["h3"].to_numpy(np.uint64))
    emerging = emerging.assign(lat=lat, lon=lon)
    cross, seats = crossings(filled), settlements(filled)
    assert not seats.empty and not cross.empty
    for layer, cells in (("gi", result.cells), ("count", result.cells), ("emerging", emerging)):
        expected = as_json(old.old_hotspot_map(cells, lang, layer=layer, crossings=cross, settlements=seats))
        assert as_json(fast.hotspot_map(cells, lang, layer=layer, crossings=cross, settlements=seats)) == expected
        assert as_json(fast.hotspot_map(cells, lang, layer=layer)) == as_json(old.old_hotspot_map(cells, lang, layer))
        if layer != "emerging":
            assert as_json(layer_figure(filled, result, layer, lang)[0]) == expected
    assert as_json(layer_figure(filled, result, "emerging", lang, points)[0]) == as_json(
        old.old_hotspot_map(emerging, lang, layer="emerging", crossings=cross, settlements=seats))
    grid = kernel_density(points["lat"].to_numpy(), points["lon"].to_numpy())
    expected = as_json(old.old_kde_map(grid, lang, crossings=cross, settlements=seats))
    assert as_json(fast.kde_map(grid, lang, crossings=cross, settlements=seats)) == expected
    assert as_json(layer_figure(filled, result, "kde", lang, points)[0]) == expected
    empty = result.cells.iloc[:0]
    assert as_json(fast.hotspot_map(empty, lang)) == as_json(old.old_hotspot_map(empty, lang))
    assert as_json(fast.kde_map(grid.iloc[:0], lang)) == as_json(old.old_kde_map(grid.iloc[:0], lang))


def test_reference_layers_as_arrays_equal_the_frames(filled) -> None:
    cross, seats = reference_points(filled)
    for name, frame in (("crossings", crossings(filled)), ("settlements", settlements(filled))):
        arrays = cross if name == "crossings" else seats
        assert list(arrays) == list(frame.columns)
        for column in frame.columns:
            assert arrays[column].tolist() == frame[column].tolist()
    for lang in ("ru", "en"):
        expected = as_json(old.old_add_reference_points(fast.go.Figure(), lang, crossings(filled), settlements(filled)))
        assert as_json(fast.add_reference_points(fast.go.Figure(), lang, cross, seats)) == expected
        assert as_json(fast.add_reference_points(fast.go.Figure(), lang, crossings(filled),
                                                 settlements(filled))) == expected


def test_missing_reference_text_stays_empty_as_before() -> None:
    frame = pd.DataFrame({"name_ru": ["Кордай", None], "name_en": ["Korday", "X"], "source": ["osm", "osm"],
                          "lat": [43.0, 43.1], "lon": [74.7, 74.8]})
    assert as_json(fast.add_reference_points(fast.go.Figure(), "ru", frame)) == as_json(
        old.old_add_reference_points(fast.go.Figure(), "ru", frame))


def test_dict_built_figure_still_validates_later_edits(filled) -> None:
    fig = fast.hotspot_map(analyse_hotspots(filled, Filters(), res=7, points=False).cells, "ru")
    fig.update_layout(title_text="Очаги")  # slides add titles and sizes
    assert fig.layout.title.text == "Очаги"
    with pytest.raises(ValueError):
        fig.update_layout(no_such_property=1)
    with pytest.raises(ValueError):
        fig.data[0].update(zmin="not a number")


def test_cell_table_equals_h3_for_any_order_repeats_and_new_cells(monkeypatch) -> None:
    base = h3.api.basic_int.latlng_to_cell(43.0, 74.5, 7)
    cells = np.array(h3.api.basic_int.grid_disk(base, 3), dtype=np.uint64)
    pentagon = h3.api.basic_int.get_pentagons(7)[0]
    table = celltable.CellTable(h3.api.basic_int.cell_to_latlng, 2, np.float64)
    first = table.rows(cells[:10])
    mixed = np.r_[cells[::-1], cells[:3], np.uint64(pentagon)]
    got = table.rows(mixed)
    assert got.tolist() == [list(h3.api.basic_int.cell_to_latlng(int(c))) for c in mixed]
    assert first.tolist() == got[-14:-4][::-1].tolist()
    assert table.rows(np.empty(0, dtype=np.uint64)).shape == (0, 2)
    monkeypatch.setattr(celltable, "MAX_CELLS", 5)
    small = celltable.CellTable(h3.api.basic_int.cell_to_latlng, 2, np.float64)
    assert small.rows(cells).tolist() == [list(h3.api.basic_int.cell_to_latlng(int(c))) for c in cells]
    assert small._table[0].size == 0  # full: answered without keeping
    rows = gistar._disk_rows(np.r_[cells[:5], np.uint64(pentagon)], 1)
    for cell, row in zip(np.r_[cells[:5], np.uint64(pentagon)].tolist(), rows.tolist(), strict=True):
        assert tuple(row) == gistar.disk_row(cell, 1)


def test_neighbour_matrix_of_unsorted_cells_equals_the_sorted_one() -> None:
    base = h3.api.basic_int.latlng_to_cell(43.0, 74.5, 7)
    cells = np.array(sorted(h3.api.basic_int.grid_disk(base, 4)), dtype=np.uint64)
    order = np.random.default_rng(1).permutation(cells.size)
    sorted_matrix = gistar.neighbour_matrix(cells)
    shuffled = gistar.neighbour_matrix(cells[order])
    # the same neighbours, indexed into each order
    as_cells = lambda m, c: np.where(m >= 0, c[np.where(m >= 0, m, 0)], 0)  # noqa: E731
    assert (as_cells(shuffled, cells[order]) == as_cells(sorted_matrix, cells)[order]).all()
    assert (sorted_matrix[:, 0] == np.arange(cells.size)).all()
    assert ((sorted_matrix >= 0).sum(axis=1) < 7).any()  # the rim has neighbours outside the set


def points_along(km: float, n: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points on a line about ``km`` long going north-east from Kordai."""
    step = np.linspace(0.0, 1.0, n)
    return 43.0 + step * km / 111.0 / 1.4, 74.7 + step * km / 81.0 / 1.4


def cells_of_points(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    return np.unique(np.array([h3.api.basic_int.latlng_to_cell(a, b, 7) for a, b in
                               zip(lat.tolist(), lon.tolist(), strict=True)], dtype=np.uint64))


@pytest.mark.parametrize("km", [5, 40, 55, 59, 61, 65, 80, 300])
def test_resolution_from_cells_equals_the_one_from_coordinates(con, km) -> None:
    lat, lon = points_along(km)
    insert_incidents(con, [{"side": side_of(a, b), "lat": a, "lon": b} for a, b in zip(lat, lon, strict=True)])
    expected = choose_resolution(lat, lon)
    assert cell_counts(con, Filters())[1] == expected
    decided = resolution_of_cells(cells_of_points(lat, lon))
    assert decided in (0, expected)
    if abs(km - 60) >= 30:
        assert decided == expected  # far from a limit the cells decide without reading coordinates


@pytest.mark.parametrize("km", [1150, 1185, 1195, 1205, 1215, 1250, 1500])
def test_resolution_of_wide_extents_from_cells(km) -> None:
    # Beyond the study area nothing is geocoded, so the wide limit is checked on the cells alone.
    for seed in range(5):
        lat, lon = points_along(km, n=8)
        jitter = np.random.default_rng(seed).normal(0, 0.01, size=(2, lat.size))
        lat, lon = lat + jitter[0], lon + jitter[1]
        decided = resolution_of_cells(cells_of_points(lat, lon))
        assert decided in (0, choose_resolution(lat, lon))
        if abs(km - 1200) >= 30:
            assert decided == choose_resolution(lat, lon)


def test_resolution_with_a_date_filter_and_nothing_found(filled) -> None:
    assert cell_counts(filled, Filters(start=date(2030, 1, 1)))[1] == 7
    assert resolution_of_cells(np.empty(0, dtype=np.uint64)) == 7


@pytest.mark.parametrize("sql", [
    "SELECT * FROM (VALUES ('a', DATE '2024-01-31', 1::BIGINT, 1.5::DOUBLE, true, 7::UBIGINT, TIMESTAMP '2024-01-01 10:00',"
    " 2::INTEGER, false, 1.5), (NULL, NULL, NULL, NULL, NULL, NULL, NULL, 3, true, 2.5)) AS t(s, d, i, f, b, u, ts, j, c, dec)",
    "SELECT 'x' AS s, DATE '2024-01-01' AS d, 1 AS i WHERE false",
    "SELECT NULL::VARCHAR AS s, NULL::BIGINT AS i, NULL::BOOLEAN AS b, NULL::DATE AS d FROM range(3)",
    "SELECT * FROM incidents",
])
def test_fetch_frame_equals_the_duckdb_frame(filled, sql) -> None:
    from analytics.border import fetch_frame

    pd.testing.assert_frame_equal(fetch_frame(filled, sql, []), filled.execute(sql).df())


def test_cell_incidents_and_band_table_read_through_arrow_equal_the_duckdb_frames(filled, monkeypatch) -> None:
    from analytics import border
    from analytics.hotspots import data, load_cell_incidents

    result = analyse_hotspots(filled, Filters(), res=7, points=False)
    cells = result.cells.loc[result.cells["count"] > 0, "h3"].head(5).tolist()
    fast_rows = [load_cell_incidents(filled, Filters(), int(c), 7, data.SYSTEM) for c in cells]
    fast_bands = [border.band_table(filled, f) for f in (Filters(), Filters(start=date(2024, 2, 3)))]
    monkeypatch.setattr(border, "fetch_frame", lambda con, sql, params: con.execute(sql, params).df())
    monkeypatch.setattr(data, "fetch_frame", lambda con, sql, params: con.execute(sql, params).df())
    for cell, rows in zip(cells, fast_rows, strict=True):
        pd.testing.assert_frame_equal(rows, load_cell_incidents(filled, Filters(), int(cell), 7, data.SYSTEM))
    for f, bands in zip((Filters(), Filters(start=date(2024, 2, 3))), fast_bands, strict=True):
        pd.testing.assert_frame_equal(bands, border.band_table(filled, f))
    assert sum(len(r) for r in fast_rows) > 0 and sum(b["count"].sum() for b in fast_bands) > 0


@pytest.mark.parametrize("res", [7, 8])
def test_cell_incidents_with_unstored_cells_equal_those_of_every_point(filled, res) -> None:
    from analytics.hotspots import cell_incidents, load_cell_incidents, load_points
    from analytics.hotspots.data import SYSTEM, cells_of

    # Ingest stores 0 for a point without a usable cell (load_points, the reference here, refuses NULL).
    filled.execute("UPDATE incidents SET h3_r7 = 0 WHERE source_id IN ('S0003', 'S0004', 'S0260', 'S0261')")
    points = load_points(filled, Filters())
    points = points.assign(h3_r7=np.zeros(len(points), dtype=np.uint64))  # place every point by coordinates
    unstored = points[load_points(filled, Filters())["source_id"].isin(["S0003", "S0004", "S0260", "S0261"])]
    cells = set(cells_of(unstored, res).tolist())
    assert len(unstored) == 4
    for cell in cells:
        got = load_cell_incidents(filled, Filters(), int(cell), res, SYSTEM)
        expected = cell_incidents(filled, points, int(cell), res, SYSTEM)
        pd.testing.assert_frame_equal(got, expected, check_exact=True, check_dtype=False)
        assert set(got["source_id"]) & {"S0003", "S0004", "S0260", "S0261"}
