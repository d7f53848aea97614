"""Hotspots: Gi* with FDR, KDE, emerging hotspots, near-repeat and series, the CLI — on hand-placed points."""

from __future__ import annotations

import json
import time
from datetime import date, timedelta

import h3
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod

from analytics import cli, geo
from analytics.access import Viewer
from analytics.filters import Filters
from analytics.hotspots import (
    analyse_hotspots,
    bandwidth_km,
    benjamini_hochberg,
    border_series,
    cell_incidents,
    choose_resolution,
    compute_gi_star,
    count_cells,
    crossings,
    emerging_hotspots,
    hotspot_map,
    kde_map,
    kernel_density,
    knox_test,
    linked_series,
    load_points,
    mann_kendall,
    near_repeat_summary,
)
from analytics.hotspots.data import cells_of, empty_points

GEOD = Geod(ellps="WGS84")
# A point on the Natural Earth border line near the Kordai crossing (Kordai district ↔ Bishkek/Ysyk-Ata).
BORDER_POINT = (43.0366, 74.6492)
QUIET_BOX = (43.4, 43.9, 71.5, 72.3)  # lat0, lat1, lon0, lon1: inside Zhambyl, far from the border


def side_of(lat: float, lon: float) -> str:
    territory = geo._territories()
    return "KZ" if shapely.contains_xy(territory["KZ"], lon, lat) else "KG"


def insert_incidents(con, rows: list[dict]) -> None:
    """Write incidents straight into the table, geo columns from analytics.geo unless given."""
    frame = pd.DataFrame(rows)
    defaults = {"category": "livestock_theft", "district": None, "oblast": None, "settlement": None,
                "registered_on": date(2024, 1, 15)}
    for column, value in defaults.items():
        if column not in frame:
            frame[column] = [value] * len(frame)
        elif value is not None:
            frame[column] = frame[column].where(frame[column].notna(), value)
    if "source_id" not in frame:
        frame["source_id"] = [f"T{i:05d}" for i in range(len(frame))]
    notes = geo.annotate_points(frame["lat"].to_numpy(float), frame["lon"].to_numpy(float),
                                frame["side"].to_numpy(object))
    for column in ("geo_ok", "h3_r7", "border_km"):
        if column not in frame:
            frame[column] = notes[column]
    frame["lat"] = frame["lat"].astype(float)
    frame["lon"] = frame["lon"].astype(float)
    frame["h3_r7"] = frame["h3_r7"].astype(np.uint64)
    frame["border_km"] = frame["border_km"].astype(float)
    frame["geo_ok"] = frame["geo_ok"].astype(bool)
    staged = frame[["side", "source_id", "registered_on", "category", "oblast", "district", "settlement", "lat",
                    "lon", "geo_ok", "h3_r7", "border_km"]].astype({c: object for c in (
                        "side", "source_id", "category", "oblast", "district", "settlement")})
    con.register("staged_incidents", staged)
    con.execute(
        "INSERT INTO incidents (side, source_id, registered_on, category, oblast, district, settlement, lat, lon,"
        " geo_ok, h3_r7, border_km, upload_id) SELECT side, source_id, registered_on::DATE, category, oblast,"
        " district, settlement, lat, lon, geo_ok, h3_r7, border_km, 1 FROM staged_incidents")
    con.unregister("staged_incidents")


def uniform_points(n: int, box: tuple[float, float, float, float], seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(box[0], box[1], n), rng.uniform(box[2], box[3], n)


def cluster_points(n: int, centre: tuple[float, float], radius_km: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    azimuth = rng.uniform(0, 360, n)
    dist = radius_km * 1000 * np.sqrt(rng.uniform(0, 1, n))
    lon, lat, _ = GEOD.fwd(np.full(n, centre[1]), np.full(n, centre[0]), azimuth, dist)
    return np.asarray(lat), np.asarray(lon)


def counts_of(lat: np.ndarray, lon: np.ndarray, res: int = 7) -> pd.DataFrame:
    cells, n = np.unique(geo.latlng_to_cells(lat, lon, res), return_counts=True)
    return pd.DataFrame({"h3": cells, "count": n})


# --- Gi* -------------------------------------------------------------------------------------------------

def test_gi_star_matches_the_formula_by_hand() -> None:
    centre = h3.api.basic_int.latlng_to_cell(43.6, 71.9, 7)
    ring1 = [c for c in h3.api.basic_int.grid_disk(centre, 1) if c != centre]
    ring2 = [c for c in h3.api.basic_int.grid_disk(centre, 2) if c not in ring1 and c != centre]
    cells = pd.DataFrame({"h3": np.array([centre, *ring1, *ring2], dtype=np.uint64),
                          "count": [10] + [2] * 6 + [0] * 12})
    result = compute_gi_star(cells, k=1, permutations=0, fill=False).set_index("h3")
    # n = 19, sum = 22, sum of squares = 100 + 6*4 = 124; the centre sees itself and ring 1: W = 7, L = 22.
    n, mean = 19, 22 / 19
    sd = (124 / 19 - mean**2) ** 0.5
    z_centre = (22 - mean * 7) / (sd * ((19 * 7 - 49) / 18) ** 0.5)
    assert result.loc[centre, "gi_z"] == pytest.approx(z_centre, rel=1e-12)
    assert result.loc[centre, "local_sum"] == 22
    assert result.loc[centre, "neighbours"] == 7
    # A ring-2 cell on the outer edge has 3 or 4 neighbours inside the 19 cells; its z uses its own W.
    edge = ring2[0]
    w = int(result.loc[edge, "neighbours"])
    local = float(result.loc[edge, "local_sum"])
    expected = (local - mean * w) / (sd * ((n * w - w * w) / (n - 1)) ** 0.5)
    assert result.loc[edge, "gi_z"] == pytest.approx(expected, rel=1e-12)
    assert np.isnan(result["p_sim"]).all()  # permutations=0


def test_benjamini_hochberg_by_hand() -> None:
    adjusted = benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.2]))
    assert adjusted.tolist() == pytest.approx([0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.2])


def test_dense_cluster_across_the_border_is_the_top_significant_hot_cell(con) -> None:
    # Background: 900 incidents spread over a 60 x 50 km box around the border, both sides.
    lat, lon = uniform_points(900, (42.8, 43.25, 74.3, 75.0), seed=1)
    c_lat, c_lon = cluster_points(120, BORDER_POINT, radius_km=1.0, seed=2)
    lat, lon = np.r_[lat, c_lat], np.r_[lon, c_lon]
    sides = [side_of(a, b) for a, b in zip(lat, lon, strict=True)]
    insert_incidents(con, [{"side": s, "lat": a, "lon": b} for s, a, b in zip(sides, lat, lon, strict=True)])
    cluster_sides = {side_of(a, b) for a, b in zip(c_lat, c_lon, strict=True)}
    assert cluster_sides == {"KZ", "KG"}  # the cluster is split by the border line

    result = analyse_hotspots(con, Filters(), res=7)
    hot = result.cells[result.cells["class"].str.startswith("hot")]
    assert not hot.empty
    top = hot.sort_values("gi_z", ascending=False).iloc[0]
    _, _, metres = GEOD.inv(BORDER_POINT[1], BORDER_POINT[0], top["lon"], top["lat"])
    assert metres <= 3000
    assert top["class"] in {"hot_99", "hot_95"}
    assert top["p_fdr"] <= 0.05
    # Cell counts account for every geocoded incident.
    geocoded = con.execute("SELECT count(*) FROM incidents WHERE geo_ok").fetchone()[0]
    assert result.cells["count"].sum() == geocoded == 1020 - int((~geo.annotate_points(
        lat, lon, np.array(sides, dtype=object))["geo_ok"]).sum())


def test_uniform_noise_has_no_significant_cell_after_fdr() -> None:
    lat, lon = uniform_points(1500, QUIET_BOX, seed=5)
    result = compute_gi_star(counts_of(lat, lon), k=1, permutations=999, seed=1)
    assert (result["class"] == "none").all()
    assert result["p_fdr"].min() > 0.10


def test_gi_star_on_five_thousand_cells_with_999_permutations_is_fast() -> None:
    lat, lon = uniform_points(60_000, (41.9, 45.5, 69.5, 76.0), seed=3)
    cells = counts_of(lat, lon, res=6)
    assert len(cells) >= 4500
    started = time.perf_counter()
    result = compute_gi_star(cells, k=1, permutations=999)
    elapsed = time.perf_counter() - started
    assert len(result) >= len(cells)
    assert elapsed < 3.0  # ~0.3 s on the shared 2-core machine; generous for CI load


def test_simulated_p_marks_a_cluster_and_is_calibrated_on_noise() -> None:
    lat, lon = uniform_points(1500, QUIET_BOX, seed=7)
    c_lat, c_lon = cluster_points(60, (43.65, 71.9), 1.0, seed=8)
    result = compute_gi_star(counts_of(np.r_[lat, c_lat], np.r_[lon, c_lon]), permutations=999, seed=2)
    top = result.iloc[0]
    assert top["p_sim"] == pytest.approx(2 / 1000)  # no draw reached the cluster's local sum (two-sided)
    assert top["class"] == "hot_99"
    # Calibration on the cells of the noise itself (no empty rim around the box, which is real structure).
    noise = compute_gi_star(counts_of(*uniform_points(3000, QUIET_BOX, seed=9)), permutations=999, seed=3,
                            fill=False)
    assert 0.01 <= (noise["p_sim"] <= 0.05).mean() <= 0.10  # about 5 % by chance, as it should


def test_empty_inputs_give_empty_outputs(con) -> None:
    assert compute_gi_star(pd.DataFrame({"h3": np.array([], dtype=np.uint64), "count": []})).empty
    assert kernel_density(np.array([]), np.array([])).empty
    assert emerging_hotspots(empty_points()).empty
    assert linked_series(empty_points()).empty
    assert knox_test(empty_points())["close_pairs"] == 0
    assert (near_repeat_summary(empty_points())["incidents"] == 0).all()
    result = analyse_hotspots(con, Filters())
    assert result.cells.empty and list(result.cells.columns)[:4] == ["h3", "lat", "lon", "count"]
    assert result.res == 7
    assert border_series(result.points).empty
    assert load_points(con, Filters()).empty
    assert count_cells(empty_points(), 7).empty
    fig = hotspot_map(result.cells, "ru")
    assert fig.layout.map.style == "white-bg"


def test_resolution_follows_the_extent() -> None:
    assert choose_resolution(np.array([]), np.array([])) == 7
    assert choose_resolution(np.array([42.80, 42.95]), np.array([74.50, 74.70])) == 8
    assert choose_resolution(np.array([42.2, 45.9]), np.array([69.2, 77.2])) == 7


def test_coarser_cells_are_parents_of_the_stored_r7(con) -> None:
    lat, lon = uniform_points(50, QUIET_BOX, seed=9)
    insert_incidents(con, [{"side": "KZ", "lat": a, "lon": b} for a, b in zip(lat, lon, strict=True)])
    points = load_points(con, Filters())
    assert (cells_of(points, 7) == points["h3_r7"].to_numpy(np.uint64)).all()
    parents = cells_of(points, 6)
    assert [h3.api.basic_int.cell_to_parent(int(c), 6) for c in points["h3_r7"]] == parents.tolist()
    finer = cells_of(points, 8)
    assert finer.tolist() == [h3.api.basic_int.latlng_to_cell(a, b, 8) for a, b in zip(points["lat"],
                                                                                         points["lon"], strict=True)]


# --- KDE -------------------------------------------------------------------------------------------------

def test_kde_bandwidth_rule_and_mass() -> None:
    lat, lon = cluster_points(400, (43.65, 71.9), 8.0, seed=4)
    xy = geo.to_km(lon, lat)
    sd = xy.std(axis=0, ddof=1)
    iqr = (np.percentile(xy, 75, axis=0) - np.percentile(xy, 25, axis=0)) / 1.349
    expected = float(np.mean(np.minimum(sd, iqr))) * 400 ** (-1 / 6)
    assert expected > 0.5 and bandwidth_km(xy) == pytest.approx(expected)
    assert bandwidth_km(xy[:1]) == 0.5
    lat, lon = cluster_points(400, (43.65, 71.9), 1.5, seed=4)
    grid = kernel_density(lat, lon, keep_share=0.0)
    step = grid.attrs["cell_km"]
    assert grid["density"].sum() * step**2 == pytest.approx(400, rel=0.01)
    peak = grid.loc[grid["density"].idxmax()]
    _, _, metres = GEOD.inv(71.9, 43.65, peak["lon"], peak["lat"])
    assert metres < 1500
    assert kde_map(grid, "en").data[0].type == "densitymap"


# --- emerging hotspots -----------------------------------------------------------------------------------

def test_mann_kendall_by_hand() -> None:
    s, z, p = mann_kendall(np.array([[1, 2, 3, 4, 5], [5, 4, 3, 2, 1], [2, 2, 2, 2, 2]], dtype=float))
    assert s.tolist() == [10, -10, 0]
    var = 5 * 4 * 15 / 18
    assert z[0] == pytest.approx(9 / var**0.5)
    assert z[1] == pytest.approx(-9 / var**0.5)
    assert p[2] == 1.0


def _month_points(month: int, lat: np.ndarray, lon: np.ndarray) -> pd.DataFrame:
    day = pd.Timestamp(2024, month, 10)
    return pd.DataFrame({"lat": lat, "lon": lon, "registered_on": [day] * len(lat),
                         "h3_r7": np.zeros(len(lat), dtype=np.uint64)})


def test_emerging_classes_on_hand_built_months() -> None:
    sites = {"intensifying": (43.50, 71.65), "new": (43.75, 72.10), "persistent": (43.55, 72.15),
             "diminishing": (43.80, 71.70)}
    frames = []
    for month in range(1, 7):
        lat, lon = uniform_points(300, QUIET_BOX, seed=100 + month)
        frames.append(_month_points(month, lat, lon))
        per_site = {"intensifying": 10 * month, "new": 40 if month == 6 else 0, "persistent": 30,
                    "diminishing": 40 if month <= 4 else 0}
        for i, (name, centre) in enumerate(sites.items()):
            if per_site[name]:
                c_lat, c_lon = cluster_points(per_site[name], centre, 0.5, seed=month * 10 + i)
                frames.append(_month_points(month, c_lat, c_lon))
    points = pd.concat(frames, ignore_index=True)
    result = emerging_hotspots(points, res=7).set_index("h3")
    assert set(result["class"]) <= {"new", "intensifying", "persistent", "diminishing", "none"}
    assert (result["slices"] == 6).all()
    for name, (lat, lon) in sites.items():
        cell = h3.api.basic_int.latlng_to_cell(lat, lon, 7)
        assert result.loc[cell, "class"] == name, name
    assert (result["class"] == "none").mean() > 0.9


# --- near repeat and series ------------------------------------------------------------------------------

def _theft_points(rows: list[tuple[str, str, float, float, int]]) -> pd.DataFrame:
    return pd.DataFrame({
        "side": [r[0] for r in rows], "source_id": [r[1] for r in rows], "lat": [r[2] for r in rows],
        "lon": [r[3] for r in rows], "event_date": [pd.Timestamp(2024, 3, 1) + pd.Timedelta(days=r[4]) for r in rows],
        "category": ["livestock_theft"] * len(rows)})


def test_knox_counts_pairs_close_in_space_and_time() -> None:
    base = (43.60, 71.90)
    rows = [("KZ", f"C{i}", base[0] + 0.001 * i, base[1], i) for i in range(5)]  # 5 thefts, 4 days, ~0.5 km
    rows += [("KZ", f"F{i}", 43.45 + 0.05 * (i % 5), 71.55 + 0.1 * (i // 5), 10 * i) for i in range(25)]
    points = _theft_points(rows)
    result = knox_test(points, permutations=999, seed=1)
    assert result["close_pairs"] == 10  # only the five form pairs within 2 km
    assert result["observed"] == 10  # and all within 7 days of each other
    assert result["expected"] < 3
    assert result["p_value"] <= 0.01
    assert result["permutations"] == 999


def test_linked_series_flags_a_series_across_the_border() -> None:
    kz_lat, kz_lon = 43.0436, 74.6492
    kg_lat, kg_lon = 43.0296, 74.6492  # 1.6 km south, the other side of the line
    assert side_of(kz_lat, kz_lon) == "KZ" and side_of(kg_lat, kg_lon) == "KG"
    points = _theft_points([("KZ", "241", kz_lat, kz_lon, 0), ("KG", "02-7", kg_lat, kg_lon, 3),
                            ("KZ", "242", 43.6, 71.9, 1), ("KZ", "243", 43.6, 71.901, 30),
                            ("KZ", "244", 43.7, 72.1, 0), ("KZ", "245", 43.7, 72.101, 5)])
    series = linked_series(points)
    assert len(series) == 2
    first = series.iloc[0]
    assert bool(first["crosses_border"]) and first["size"] == 2 and (first["kz"], first["kg"]) == (1, 1)
    assert first["members"] == ["KG:02-7", "KZ:241"]
    second = series.iloc[1]
    assert not second["crosses_border"] and second["members"] == ["KZ:244", "KZ:245"]


# --- data, redaction, CLI --------------------------------------------------------------------------------

def test_crossings_layer_has_only_points_with_real_coordinates(con) -> None:
    layer = crossings(con)
    assert layer["name_en"].tolist() == ["Kordai – Ak-Zhol"]
    assert layer[["lat", "lon"]].iloc[0].tolist() == [43.0362, 74.7168]
    assert "finds" in layer["source"].iloc[0]


def test_cell_incidents_are_redacted_for_the_other_side(con) -> None:
    # Two incidents 0.7 km apart on either side of the line, in one r7 cell.
    insert_incidents(con, [{"side": "KZ", "source_id": "K1", "lat": 43.0396, "lon": 74.6492, "settlement": "Кордай"},
                           {"side": "KG", "source_id": "G1", "lat": 43.0336, "lon": 74.6492, "settlement": "Шопоков"}])
    result = analyse_hotspots(con, Filters(), res=7)
    cell = int(result.cells.loc[result.cells["count"] == 2, "h3"].iloc[0])
    kz_view = cell_incidents(con, result.points, cell, 7, Viewer("kz", "analyst", "KZ")).set_index("source_id")
    assert kz_view.loc["K1", "settlement"] == "Кордай"
    assert pd.isna(kz_view.loc["G1", "settlement"]) and pd.isna(kz_view.loc["G1", "lat"])
    assert kz_view.loc["G1", "category"] == "livestock_theft"  # what is always shared stays
    both = cell_incidents(con, result.points, cell, 7, Viewer("b", "admin", "BOTH")).set_index("source_id")
    assert both.loc["G1", "settlement"] == "Шопоков"


def test_cli_json_contract(con, tmp_path, capsys) -> None:
    lat, lon = uniform_points(60, QUIET_BOX, seed=11)
    rows = [{"side": "KZ", "lat": a, "lon": b, "registered_on": date(2024, 2, 1) + timedelta(days=i % 20),
             "category": "livestock_theft" if i % 3 else "drugs"} for i, (a, b) in enumerate(zip(lat, lon, strict=True))]
    rows.append({"side": "KZ", "lat": 0.0, "lon": 0.0, "registered_on": date(2024, 2, 3)})  # not geocoded
    rows.append({"side": "KG", "lat": 42.8262, "lon": 73.6788, "registered_on": date(2024, 2, 4)})
    insert_incidents(con, rows)
    path = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    con.close()
    code = cli.main(["hotspots", "--db", path, "--category", "livestock_theft", "--start", "2024-02-01",
                     "--end", "2024-02-29", "--json", "--res", "7"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) >= {"cells", "border_bands", "series"}
    geocoded = sum(1 for r in rows if r.get("category", "livestock_theft") == "livestock_theft"
                   and r["lat"] != 0.0)
    assert sum(c["count"] for c in report["cells"]) == geocoded == 41
    assert set(report["cells"][0]) == {"h3", "lat", "lon", "count", "gi_z", "p_fdr", "class"}
    assert h3.is_valid_cell(report["cells"][0]["h3"])
    bands = {(b["side"], b["band_km"]): b["count"] for b in report["border_bands"]}
    assert sum(bands.values()) == geocoded
    assert bands[("KG", "5-15")] == 1  # Kaiyndy is ~14 km from the line
    assert len(report["border_bands"]) == 8


def test_cli_missing_database_is_a_named_error(tmp_path, capsys) -> None:
    assert cli.main(["hotspots", "--db", str(tmp_path / "nope.duckdb"), "--json"]) == 2
    assert "не найден" in capsys.readouterr().err
