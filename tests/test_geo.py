"""Offline geometry and per-incident location checks (analytics/geo.py) on hand-placed points."""

from __future__ import annotations

import h3
import numpy as np
import pytest
import shapely
from pyproj import CRS, Geod, Transformer

from analytics import geo

# (name, lat, lon, side) — settlement coordinates as they appear in tests/data/samples.
SAMPLE_POINTS = [
    ("Kaiyndy (Panfilov)", 42.8262, 73.6788, "KG"),
    ("Tokmok", 42.8417, 75.2912, "KG"),
    ("Pokrovka (Manas, Talas)", 42.7203, 72.3571, "KG"),
    ("Shopokov (Sokuluk)", 42.8223, 74.3149, "KG"),
    ("Kordai district", 43.0512, 75.1873, "KZ"),
    ("Taraz", 42.9001, 71.3659, "KZ"),
    ("Shu", 43.5983, 73.7614, "KZ"),
    ("Merke", 42.8731, 73.1802, "KZ"),
    ("Tole bi", 43.6811, 73.7659, "KZ"),
]
BISHKEK = (42.8746, 74.5698)
ALMATY = (43.2389, 76.8897)


def annotate(rows: list[tuple[float, float, str]]):
    lat = np.array([r[0] for r in rows], dtype=float)
    lon = np.array([r[1] for r in rows], dtype=float)
    side = np.array([r[2] for r in rows], dtype=object)
    return geo.annotate_points(lat, lon, side)


def reference_distance_km(lat: float, lon: float) -> float:
    """Distance to the border in an azimuthal equidistant projection centred on the point (geodesic-exact
    from the centre), the independent check of the fast equirectangular computation."""
    aeqd = CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=km")
    to_local = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    line = shapely.segmentize(geo.load_border("KZ-KG"), 0.001)
    local = shapely.transform(line, lambda xy: np.column_stack(to_local.transform(xy[:, 0], xy[:, 1])))
    return float(shapely.distance(shapely.Point(0, 0), local))


def test_sample_settlements_fall_inside_their_side() -> None:
    result = annotate([(lat, lon, side) for _, lat, lon, side in SAMPLE_POINTS])
    assert result["geo_ok"].tolist() == [True] * len(SAMPLE_POINTS)
    assert result["geo_flag"].isna().all()
    assert result["lat"].tolist() == [p[1] for p in SAMPLE_POINTS]
    assert result["lon"].tolist() == [p[2] for p in SAMPLE_POINTS]


def test_the_wrong_side_is_outside() -> None:
    # Kaiyndy reported as a KZ incident, Taraz as a KG one: kept, flagged, not on maps.
    result = annotate([(42.8262, 73.6788, "KZ"), (42.9001, 71.3659, "KG")])
    assert result["geo_flag"].tolist() == ["outside", "outside"]
    assert not result["geo_ok"].any()
    assert (result["h3_r7"] == 0).all()
    assert result["border_km"].isna().all()


def test_bishkek_counts_as_kyrgyz_territory() -> None:
    result = annotate([(*BISHKEK, "KG"), (*BISHKEK, "KZ")])
    assert result["geo_ok"].tolist() == [True, False]
    assert result["geo_flag"].tolist() == [None, "outside"]


def test_missing_zero_outside_and_swapped() -> None:
    result = annotate([
        (0.0, 0.0, "KZ"),
        (float("nan"), 73.0, "KG"),
        (43.6, float("nan"), "KZ"),
        (ALMATY[0], ALMATY[1], "KZ"),      # Almaty: another oblast
        (55.75, 37.62, "KG"),              # Moscow
        (4280.0, 73.0, "KG"),              # a lost decimal point
        (73.7614, 43.5983, "KZ"),          # Shu with lat/lon the wrong way round
        (73.6788, 42.8262, "KG"),          # Kaiyndy, swapped
        (42.8262, 0.0, "KG"),
    ])
    assert result["geo_flag"].tolist() == ["zero", "missing", "missing", "outside", "outside", "outside",
                                           "swapped", "swapped", "zero"]
    assert result["geo_ok"].tolist() == [False] * 6 + [True, True, False]
    assert result.loc[6, ["lat", "lon"]].tolist() == [43.5983, 73.7614]
    assert result.loc[7, ["lat", "lon"]].tolist() == [42.8262, 73.6788]
    # Unusable rows keep what the source said.
    assert result.loc[4, ["lat", "lon"]].tolist() == [55.75, 37.62]
    assert np.isnan(result.loc[1, "lat"])
    assert result.loc[6, "h3_r7"] == h3.str_to_int(h3.latlng_to_cell(43.5983, 73.7614, 7))
    assert result.loc[[0, 1, 2, 3, 4, 5, 8], "h3_r7"].tolist() == [0] * 7
    assert result.loc[[0, 1, 2, 3, 4, 5, 8], "border_km"].isna().all()


def test_columns_dtypes_and_order_kept_with_repeats() -> None:
    rows = [(42.8262, 73.6788, "KG"), (0.0, 0.0, "KZ"), (42.8262, 73.6788, "KG"), (42.8262, 73.6788, "KZ")]
    result = annotate(rows)
    assert list(result.columns) == ["lat", "lon", "geo_ok", "geo_flag", "h3_r7", "border_km"]
    assert [str(t) for t in result.dtypes] == ["float64", "float64", "bool", "object", "uint64", "float64"]
    assert result["geo_ok"].tolist() == [True, False, True, False]
    assert result.loc[0, "h3_r7"] == result.loc[2, "h3_r7"] != 0
    assert result.loc[0, "border_km"] == result.loc[2, "border_km"]


def test_empty_input_gives_empty_typed_frame() -> None:
    result = geo.annotate_points(np.array([]), np.array([]), np.array([], dtype=object))
    assert result.empty
    assert [str(t) for t in result.dtypes] == ["float64", "float64", "bool", "object", "uint64", "float64"]


def test_h3_cells_match_the_h3_library() -> None:
    rng = np.random.default_rng(3)
    lat = rng.uniform(41.8, 45.5, 5000)
    lon = rng.uniform(69.5, 76.5, 5000)
    expected = [h3.str_to_int(h3.latlng_to_cell(a, b, 7)) for a, b in zip(lat, lon, strict=True)]
    assert geo.latlng_to_cells(lat, lon, 7).tolist() == expected
    for res in (5, 6, 8, 9):
        expected = [h3.str_to_int(h3.latlng_to_cell(a, b, res)) for a, b in zip(lat[:500], lon[:500], strict=True)]
        assert geo.latlng_to_cells(lat[:500], lon[:500], res).tolist() == expected


@pytest.mark.parametrize(("name", "lat", "lon", "side"), SAMPLE_POINTS)
def test_border_distance_matches_geodesic_within_half_a_km(name: str, lat: float, lon: float, side: str) -> None:
    got = float(annotate([(lat, lon, side)])["border_km"].iloc[0])
    assert got == pytest.approx(reference_distance_km(lat, lon), abs=0.5), name


def test_border_distance_at_hand_placed_offsets() -> None:
    # Points placed 2, 5, 10 and 25 km due north of a border vertex in Zhambyl's Kordai stretch.
    border = geo.load_border("ZHA-CHU-TAL")
    vertex = shapely.get_coordinates(border)[len(shapely.get_coordinates(border)) // 2]
    geod = Geod(ellps="WGS84")
    for km in (2.0, 5.0, 10.0, 25.0):
        lon, lat, _ = geod.fwd(vertex[0], vertex[1], 0.0, km * 1000)
        got = float(geo.border_distance_km(np.array([lat]), np.array([lon]))[0])
        assert got == pytest.approx(reference_distance_km(lat, lon), abs=0.5)
        assert got <= km + 0.5


def test_geometry_files_are_the_expected_ones() -> None:
    regions = geo.load_regions()
    assert {"KZ-ZHA", "KG-C", "KG-T", "KG-GB"} <= set(regions["iso_3166_2"])
    keyed = regions.dropna(subset=["oblast"]).set_index("oblast")["iso_3166_2"].to_dict()
    assert keyed == {"ZHA": "KZ-ZHA", "CHU": "KG-C", "TAL": "KG-T"}
    stretch_km = Geod(ellps="WGS84").geometry_length(geo.load_border("ZHA-CHU-TAL")) / 1000
    assert stretch_km == pytest.approx(585, abs=5)
    assert {f["id"] for f in geo.region_geojson()["features"]} == set(regions["iso_3166_2"])


def test_h3_outside_the_lattice_box_falls_back_to_the_library() -> None:
    lat = np.array([55.75, -33.9, 43.6, np.nan])
    lon = np.array([37.62, 18.4, 71.9, 70.0])
    cells = geo.latlng_to_cells(lat, lon, 7)
    assert cells[:3].tolist() == [h3.str_to_int(h3.latlng_to_cell(a, b, 7)) for a, b in zip(lat[:3], lon[:3],
                                                                                             strict=True)]
    assert cells[3] == 0


def test_km_plane_round_trip_and_scale() -> None:
    lon, lat = np.array([71.9, 74.6]), np.array([43.6, 42.9])
    back_lon, back_lat = geo.from_km(*geo.to_km(lon, lat).T)
    assert back_lon == pytest.approx(lon, abs=1e-9) and back_lat == pytest.approx(lat, abs=1e-9)
    # 1° of latitude at 43° N is 111.1 km on the ellipsoid; the conformal plane keeps it within 0.2 %.
    xy = geo.to_km(np.array([73.0, 73.0]), np.array([42.5, 43.5]))
    assert float(np.hypot(*(xy[1] - xy[0]))) == pytest.approx(111.1, rel=0.002)
