"""The fast Hotspots paths (counts in SQL, points loaded per layer or per cell, cached polygons) give exactly
what the old paths gave: Gi* on counts of every loaded point, cell incidents filtered from every point."""

from __future__ import annotations

import copy
from datetime import date, timedelta

import h3
import numpy as np
import pandas as pd
import pytest

from analytics import sharing
from analytics.access import SYSTEM, Viewer
from analytics.filters import Filters
from analytics.hotspots import (
    analyse_hotspots,
    cell_counts,
    cell_incidents,
    compute_gi_star,
    count_cells,
    hotspot_map,
    load_cell_incidents,
    load_layer_points,
    load_near_repeat_points,
    load_points,
)
from analytics.hotspots.analysis import CELL_COLUMNS, near_repeat_points
from analytics.hotspots.charts import base_layers
from analytics.hotspots.data import cell_centres, cells_geojson, choose_resolution, r7_range
from analytics.hotspots.view import layer_figure
from tests.test_hotspots import BORDER_POINT, cluster_points, insert_incidents, side_of, uniform_points

VIEWERS = [SYSTEM, Viewer("kz", "analyst", "KZ"), Viewer("kg", "commander", "KG"), Viewer("b", "admin", "BOTH")]
FILTERS = [Filters(), Filters(start=date(2024, 2, 1), end=date(2024, 4, 30)),
           Filters(categories=("livestock_theft", "drugs")), Filters(sides=("KG",))]


def old_cells(con, filters: Filters, res: int | None, viewer: Viewer) -> tuple[int, pd.DataFrame]:
    """The previous analyse_hotspots: every point loaded, counted per cell in pandas."""
    points = load_points(con, filters, viewer)
    resolution = res or choose_resolution(points["lat"].to_numpy(), points["lon"].to_numpy())
    gi = compute_gi_star(count_cells(points, resolution), permutations=999, seed=0)
    lat, lon = cell_centres(gi["h3"].to_numpy(np.uint64))
    return resolution, gi.assign(lat=lat, lon=lon)[CELL_COLUMNS]


def old_cells_geojson(cells: np.ndarray) -> dict:
    """The previous polygon builder, one conversion per cell."""
    features = []
    for cell in cells.tolist():
        lonlat = np.round(np.asarray(h3.api.basic_int.cell_to_boundary(int(cell)))[:, ::-1], 5)
        coords = lonlat.tolist()
        coords.append(coords[0])
        features.append({"type": "Feature", "id": f"{int(cell):x}",
                         "geometry": {"type": "Polygon", "coordinates": [coords]}, "properties": {}})
    return {"type": "FeatureCollection", "features": features}


def fill(con) -> None:
    """Background over the Chuy valley on both sides, a cross-border cluster, a quiet Zhambyl corner."""
    lat, lon = uniform_points(250, (42.8, 43.25, 74.3, 75.0), seed=1)
    c_lat, c_lon = cluster_points(80, BORDER_POINT, 1.0, seed=2)
    q_lat, q_lon = uniform_points(40, (43.4, 43.9, 71.5, 72.3), seed=3)
    categories = ("livestock_theft", "vehicle_theft", "drugs", "other_theft")
    rows = [{"side": side_of(a, b), "lat": a, "lon": b, "source_id": f"S{i:04d}",
             "registered_on": date(2024, 1, 1) + timedelta(days=(7 * i) % 170), "category": categories[i % 4]}
            for i, (a, b) in enumerate(zip(np.r_[lat, c_lat, q_lat], np.r_[lon, c_lon, q_lon], strict=True))]
    rows.append({"side": "KZ", "lat": 0.0, "lon": 0.0, "source_id": "ZERO"})  # not geocoded
    insert_incidents(con, rows)


@pytest.fixture
def filled(con):
    fill(con)
    return con


@pytest.mark.parametrize("viewer", VIEWERS, ids=lambda v: v.username)
@pytest.mark.parametrize("res", [None, 5, 6, 7, 8])
def test_counts_and_gi_star_equal_the_points_path(filled, res, viewer) -> None:
    for filters in FILTERS:
        resolution, expected = old_cells(filled, filters, res, viewer)
        result = analyse_hotspots(filled, filters, res=res, viewer=viewer, points=False)
        assert result.points is None and result.res == resolution
        pd.testing.assert_frame_equal(result.cells, expected, check_exact=True)
        assert result.geocoded == len(load_points(filled, filters, viewer))


def test_the_default_keeps_loading_points(filled) -> None:
    result = analyse_hotspots(filled, Filters())
    pd.testing.assert_frame_equal(result.points, load_points(filled, Filters()))


def test_other_side_hidden_coordinates_stay_off_the_counts(filled) -> None:
    # Default policy hides the other side's coordinates: a KZ viewer counts only KZ points.
    assert not sharing.exact_location_visible(filled, VIEWERS[1], "KG")
    kz = analyse_hotspots(filled, Filters(), res=7, viewer=VIEWERS[1], points=False).geocoded
    everyone = analyse_hotspots(filled, Filters(), res=7, points=False).geocoded
    kz_points = filled.execute("SELECT count(*) FROM incidents WHERE geo_ok AND side = 'KZ'").fetchone()[0]
    assert kz == kz_points < everyone


def test_a_point_without_stored_cell_is_placed_from_its_coordinates(filled) -> None:
    filled.execute("UPDATE incidents SET h3_r7 = 0 WHERE source_id = 'S0003'")
    for res in (None, 6, 7):
        resolution, expected = old_cells(filled, Filters(), res, SYSTEM)
        counts, used = cell_counts(filled, Filters(), res)
        assert used == resolution
        assert counts["count"].sum() == expected["count"].sum()
        pd.testing.assert_frame_equal(analyse_hotspots(filled, Filters(), res=res, points=False).cells, expected)


def test_empty_database_gives_empty_cells(con) -> None:
    result = analyse_hotspots(con, Filters(), points=False)
    assert result.cells.empty and list(result.cells.columns) == CELL_COLUMNS and result.res == 7
    assert result.geocoded == 0
    assert load_layer_points(con, Filters()).empty and load_near_repeat_points(con, Filters()).empty
    assert load_cell_incidents(con, Filters(), 0x872c1a000ffffff, 7, SYSTEM).empty


@pytest.mark.parametrize("viewer", VIEWERS, ids=lambda v: v.username)
@pytest.mark.parametrize("res", [5, 6, 7, 8, 9])
def test_cell_incidents_read_alone_equal_those_filtered_from_every_point(filled, res, viewer) -> None:
    points = load_points(filled, Filters(), viewer)
    result = analyse_hotspots(filled, Filters(), res=res, viewer=viewer, points=False)
    busy = result.cells[result.cells["count"] > 0].sort_values("count", ascending=False)["h3"].head(5).tolist()
    empty = result.cells[result.cells["count"] == 0]["h3"].head(1).tolist()
    assert busy
    for cell in busy + empty:
        expected = cell_incidents(filled, points, int(cell), res, viewer)
        got = load_cell_incidents(filled, Filters(), int(cell), res, viewer)
        # Text columns that are all NULL come back as object rather than str: same values, not same dtype.
        pd.testing.assert_frame_equal(got, expected, check_exact=True, check_dtype=False)
        assert list(got.columns) == list(expected.columns)
        assert len(got) == int(result.cells.loc[result.cells["h3"] == cell, "count"].iloc[0])


def test_r7_range_holds_exactly_the_descendants() -> None:
    cell = h3.api.basic_int.latlng_to_cell(*BORDER_POINT, 5)
    low, high, ring = r7_range(cell, 5)
    children = h3.api.basic_int.cell_to_children(cell, 7)
    assert (low, high, ring) == (min(children), max(children), []) and len(children) == 49
    neighbours = [c for n in h3.api.basic_int.grid_ring(cell, 1) for c in h3.api.basic_int.cell_to_children(n, 7)]
    assert not any(low <= c <= high for c in neighbours)
    fine = h3.api.basic_int.latlng_to_cell(*BORDER_POINT, 9)
    parent = h3.api.basic_int.cell_to_parent(fine, 7)
    low, high, ring = r7_range(fine, 9)
    assert (low, high) == (parent, parent) and sorted(ring) == sorted(h3.api.basic_int.grid_disk(parent, 1))


def test_points_of_a_fine_cell_may_have_their_r7_cell_next_to_its_parent() -> None:
    # Why r7_range adds the ring: H3 children do not tile their parent, and every such point is one ring away.
    lat, lon = cluster_points(20_000, BORDER_POINT, 3.0, seed=5)
    for res in (8, 9):
        fine = h3_cells(lat, lon, res)
        r7 = h3_cells(lat, lon, 7)
        parents = np.array([h3.api.basic_int.cell_to_parent(int(c), 7) for c in fine])
        assert (parents != r7).any()
        assert all(h3.api.basic_int.grid_distance(int(a), int(b)) <= 1 for a, b in zip(parents, r7, strict=True))


def h3_cells(lat: np.ndarray, lon: np.ndarray, res: int) -> np.ndarray:
    return np.array([h3.api.basic_int.latlng_to_cell(a, b, res) for a, b in zip(lat, lon, strict=True)])


@pytest.mark.parametrize("filters", FILTERS)
def test_layer_and_near_repeat_points_are_the_same_rows(filled, filters) -> None:
    for viewer in VIEWERS:
        points = load_points(filled, filters, viewer)
        pd.testing.assert_frame_equal(load_layer_points(filled, filters, viewer),
                                      points[["lat", "lon", "h3_r7", "registered_on"]])
        pd.testing.assert_frame_equal(load_near_repeat_points(filled, filters, viewer), near_repeat_points(points))


def test_near_repeat_points_of_a_filter_without_those_categories_are_empty(filled) -> None:
    assert load_near_repeat_points(filled, Filters(categories=("drugs",))).empty


@pytest.mark.parametrize("layer", ["gi", "count", "kde", "emerging"])
def test_layer_figure_from_layer_points_equals_the_one_from_every_point(filled, layer) -> None:
    full = analyse_hotspots(filled, Filters(), res=7)
    light = analyse_hotspots(filled, Filters(), res=7, points=False)
    expected, text = layer_figure(filled, full, layer, "en")
    got, got_text = layer_figure(filled, light, layer, "en", load_layer_points(filled, Filters()))
    assert got.to_json() == expected.to_json() and got_text == text


def test_point_layer_without_points_is_refused(filled) -> None:
    light = analyse_hotspots(filled, Filters(), res=7, points=False)
    with pytest.raises(ValueError, match="load_layer_points"):
        layer_figure(filled, light, "kde", "ru")


def test_cached_polygons_equal_the_per_cell_builder_and_are_not_copied(filled) -> None:
    cells = analyse_hotspots(filled, Filters(), res=7, points=False).cells["h3"].to_numpy(np.uint64)
    geojson = cells_geojson(cells)
    assert geojson == old_cells_geojson(cells)
    assert cells_geojson(cells.copy()) is geojson  # cached per cell set
    assert copy.deepcopy(geojson) is geojson
    assert cells_geojson(np.empty(0, dtype=np.uint64)) == {"type": "FeatureCollection", "features": []}
    fig = hotspot_map(analyse_hotspots(filled, Filters(), res=7, points=False).cells, "ru")
    drawn = fig.data[0].geojson
    assert drawn["features"] == [f for f in geojson["features"] if f["id"] in set(fig.data[0].locations)]


def test_base_layers_are_built_once_and_fresh_per_call() -> None:
    first, second = base_layers(), base_layers()
    assert first == second and first is not second
    assert first[0]["source"] is second[0]["source"]
    assert [layer["type"] for layer in first] == ["fill", "line", "line"]
    assert all(f["properties"]["role"] == "study" for f in first[0]["source"]["features"])
    assert [f["id"] for f in first[2]["source"]["features"]] == ["KZ-KG"]


def test_cached_neighbour_rows_equal_h3_grid_disk() -> None:
    from analytics.hotspots.gistar import dilate, neighbour_matrix

    pentagon = h3.api.basic_int.get_pentagons(7)[0]
    lat, lon = cluster_points(300, BORDER_POINT, 6.0, seed=4)
    cells = np.unique(np.r_[[h3.api.basic_int.latlng_to_cell(a, b, 7) for a, b in zip(lat, lon, strict=True)],
                            [pentagon]]).astype(np.uint64)
    for k in (1, 2):
        grown = sorted({c for cell in cells.tolist() for c in h3.api.basic_int.grid_disk(cell, k)})
        assert dilate(cells, k).tolist() == grown and dilate(cells, k).dtype == np.uint64
        universe = np.array(grown, dtype=np.uint64)
        matrix = neighbour_matrix(universe, k)
        index = {c: i for i, c in enumerate(grown)}
        for row, cell in zip(matrix, grown, strict=True):
            ring = h3.api.basic_int.grid_disk(cell, k)
            ring.remove(cell)
            expected = [index[cell]] + [index.get(c, -1) for c in ring]
            expected += [-1] * (matrix.shape[1] - len(expected))
            assert row.tolist() == expected
        assert (matrix[grown.index(pentagon)] == -1).sum() >= 1


def _gi_star_by_frames(cells: pd.DataFrame, k: int = 1, fill: bool = True) -> pd.DataFrame:
    """Gi* as it was computed before the array path: groupby, reindex, sort the frame."""
    from analytics.hotspots.gistar import dilate, gi_star_arrays, neighbour_matrix

    given = cells.groupby("h3", sort=False)["count"].sum()
    universe = dilate(given.index.to_numpy(np.uint64), k) if fill else np.sort(given.index.to_numpy(np.uint64))
    counts = given.reindex(universe, fill_value=0).to_numpy(np.float64)
    result = gi_star_arrays(counts, neighbour_matrix(universe, k), 999, np.random.default_rng(0))
    out = pd.DataFrame({"h3": universe, "count": counts.astype(np.int64), **result})
    return out.sort_values(["gi_z", "h3"], ascending=[False, True], ignore_index=True)


def test_gi_star_array_path_equals_the_frame_path(filled) -> None:
    counts, _ = cell_counts(filled, Filters(), 7)
    shuffled = counts.sample(frac=1, random_state=0)
    cases = [counts, shuffled, pd.concat([counts, counts]), counts.assign(count=counts["count"].astype(float)),
             counts.iloc[:1]]
    for cells in cases:
        for k in (1, 2):
            for fill in (True, False):
                pd.testing.assert_frame_equal(compute_gi_star(cells, k=k, fill=fill),
                                              _gi_star_by_frames(cells, k, fill), check_exact=True)
