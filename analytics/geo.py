"""Offline geometry: oblast polygons, the KZ–KG border line, and per-incident location checks.

The geometry comes from ``data/geo/*.geojson`` (built by ``scripts/build_geodata.py`` from Natural Earth;
see ``docs/geodata.md``). Natural Earth is small-scale: good for oblast membership, H3 cells and
5–30 km border bands, not for metre-level questions.

:func:`annotate_points` is called by the loader for every incident row, so it works on distinct
(lat, lon, side) triples only and is fully vectorised.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from analytics.config import load_settings
from analytics.errors import ShekaraError

# Local equirectangular projection in km. The standard parallel is the border's mean latitude, so
# distances within ~50 km of the line are within ~1 % of geodesic ones (see docs/geodata.md).
LAT0 = 42.8
KM_PER_DEG_LAT = 111.0
KM_PER_DEG_LON = 111.32 * float(np.cos(np.radians(LAT0)))
DENSIFY_KM = 0.1
H3_RES = 7
# Territory that counts as "inside" for each side: the study oblasts (and Bishkek, which is KG
# territory between Chuy's districts but a separate admin-1 unit in the source).
SIDE_TERRITORY = {"KZ": ("KZ-ZHA",), "KG": ("KG-C", "KG-T", "KG-GB")}
FLAGS = ("missing", "zero", "swapped", "outside")


class GeodataMissing(ShekaraError):
    """The committed geometry files under data/geo are absent."""


def _geo_file(name: str) -> Path:
    path = load_settings().geo_dir / name
    if not path.exists():
        raise GeodataMissing(
            f"Нет файла геометрии {path}. Выполните `make geodata` (или восстановите файл из репозитория).",
            f"Geometry file {path} is missing. Run `make geodata` (or restore it from the repository).",
        )
    return path


@lru_cache(maxsize=1)
def region_geojson() -> dict[str, Any]:
    """The oblast polygons as a GeoJSON FeatureCollection (``id`` = ISO 3166-2), for Plotly layers.

    Returns
    -------
    dict
        Features with properties ``iso_3166_2, oblast, side, role, name_ru, name_en``.
    """
    return dict(json.loads(_geo_file("regions.geojson").read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def border_geojson() -> dict[str, Any]:
    """The border lines as a GeoJSON FeatureCollection (``KZ-KG`` whole line, ``ZHA-CHU-TAL`` stretch)."""
    return dict(json.loads(_geo_file("border.geojson").read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def load_regions() -> gpd.GeoDataFrame:
    """Oblast polygons (EPSG:4326).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``iso_3166_2, oblast, side, role, name_ru, name_en, geometry``.
    """
    return gpd.GeoDataFrame.from_features(region_geojson()["features"], crs="EPSG:4326")


@lru_cache(maxsize=2)
def load_border(stretch: str = "KZ-KG") -> shapely.Geometry:
    """The border line (lon/lat) as a shapely geometry.

    Parameters
    ----------
    stretch : ``"KZ-KG"`` (whole state border, used for distances) or ``"ZHA-CHU-TAL"``.

    Returns
    -------
    shapely LineString or MultiLineString.
    """
    for feature in border_geojson()["features"]:
        if feature["id"] == stretch:
            return shapely.geometry.shape(feature["geometry"])
    raise KeyError(stretch)


def to_km(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Project lon/lat (degrees) to the local equirectangular km plane; shape (n, 2)."""
    return np.column_stack([np.asarray(lon, dtype=np.float64) * KM_PER_DEG_LON,
                            np.asarray(lat, dtype=np.float64) * KM_PER_DEG_LAT])


@lru_cache(maxsize=1)
def _territories() -> dict[str, shapely.Geometry]:
    regions = load_regions()
    out = {}
    for side, codes in SIDE_TERRITORY.items():
        geom = shapely.union_all(regions.loc[regions["iso_3166_2"].isin(codes), "geometry"].to_numpy())
        shapely.prepare(geom)
        out[side] = geom
    return out


@lru_cache(maxsize=1)
def _border_tree() -> cKDTree:
    dense = shapely.segmentize(load_border("KZ-KG"), DENSIFY_KM / KM_PER_DEG_LAT)
    coords = shapely.get_coordinates(dense)
    # Unbalanced, uncompacted trees answer far-from-the-line queries several times faster on a line.
    return cKDTree(to_km(coords[:, 0], coords[:, 1]), balanced_tree=False, compact_nodes=False)


def border_distance_km(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Distance (km) from each point to the KZ–KG border line; NaN where lat/lon is NaN.

    Parameters
    ----------
    lat, lon : degrees, same length.

    Returns
    -------
    numpy.ndarray of float64.
    """
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    out = np.full(lat.shape, np.nan)
    ok = np.isfinite(lat) & np.isfinite(lon)
    if ok.any():
        out[ok], _ = _border_tree().query(to_km(lon[ok], lat[ok]))
    return out


def latlng_to_cells(lat: np.ndarray, lon: np.ndarray, res: int = H3_RES) -> np.ndarray:
    """H3 cells (uint64) of points; 0 where lat/lon is not finite.

    Parameters
    ----------
    lat, lon : degrees.
    res : H3 resolution.

    Returns
    -------
    numpy.ndarray of uint64.
    """
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    out = np.zeros(lat.shape, dtype=np.uint64)
    ok = np.flatnonzero(np.isfinite(lat) & np.isfinite(lon))
    to_cell = h3.api.basic_int.latlng_to_cell
    out[ok] = np.fromiter((to_cell(a, b, res) for a, b in zip(lat[ok].tolist(), lon[ok].tolist(), strict=True)),
                          dtype=np.uint64, count=ok.size)
    return out


def _classify(lat: np.ndarray, lon: np.ndarray, side: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For distinct, finite, non-zero points: (inside its side's territory, swapped pair inside)."""
    inside = np.zeros(lat.size, dtype=bool)
    swapped = np.zeros(lat.size, dtype=bool)
    for name, territory in _territories().items():
        rows = np.flatnonzero(side == name)
        if rows.size == 0:
            continue
        hit = shapely.contains_xy(territory, lon[rows], lat[rows])
        inside[rows[hit]] = True
        rest = rows[~hit]
        if rest.size:
            # Taken as swapped only when the swapped pair lands inside and the given one does not.
            swapped[rest[shapely.contains_xy(territory, lat[rest], lon[rest])]] = True
    return inside, swapped


def annotate_points(lat: np.ndarray, lon: np.ndarray, side: np.ndarray) -> pd.DataFrame:
    """Check and enrich incident coordinates: swap fix, usability flag, H3 cell, border distance.

    Works on the distinct (lat, lon, side) triples (coordinates quantised to 1e-6 degree, ~0.1 m),
    then broadcasts back to the rows.

    Parameters
    ----------
    lat, lon : degrees as given by the source (NaN when absent).
    side : ``"KZ"`` / ``"KG"`` per row (the territory the point must fall in).

    Returns
    -------
    pandas.DataFrame, same length and order as the input, columns
        ``lat, lon`` (float64, swapped back when the source had them the wrong way round),
        ``geo_ok`` (bool, usable on maps), ``geo_flag`` (None | 'missing' | 'zero' | 'swapped' | 'outside';
        'swapped' rows are usable, 'outside' rows — not inside the side's oblasts — are kept but not usable),
        ``h3_r7`` (uint64, 0 when not usable), ``border_km`` (float64 to the KZ–KG border, NaN when not usable).
    """
    lat = np.asarray(lat, dtype=np.float64).ravel()
    lon = np.asarray(lon, dtype=np.float64).ravel()
    side_arr = np.asarray(side, dtype=object).ravel()
    n = lat.size
    if n == 0:
        return _empty_annotation()
    side_num = np.where(side_arr == "KZ", 0, np.where(side_arr == "KG", 1, 2)).astype(np.int64)
    flag = np.zeros(n, dtype=np.int8)  # index into (None, *FLAGS)
    finite = np.isfinite(lat) & np.isfinite(lon)
    flag[~finite] = 1
    zero = finite & ((lat == 0) | (lon == 0))
    flag[zero] = 2
    # Out-of-range numbers (a lost decimal point) cannot be anywhere: outside, without a lookup.
    testable = finite & ~zero & (np.abs(lat) <= 90) & (np.abs(lon) <= 180) & (side_num < 2)
    flag[finite & ~zero & ~testable] = 4
    out_lat = lat.copy()
    out_lon = lon.copy()
    ok = np.zeros(n, dtype=bool)
    cells = np.zeros(n, dtype=np.uint64)
    dist = np.full(n, np.nan)
    rows = np.flatnonzero(testable)
    if rows.size:
        key = ((np.round((lat[rows] + 90) * 1e6).astype(np.int64) << 31)
               | (np.round((lon[rows] + 180) * 1e6).astype(np.int64) << 2) | side_num[rows])
        codes, uniques = pd.factorize(key)
        first = np.empty(uniques.size, dtype=np.int64)
        first[codes[::-1]] = rows[::-1]  # first row of each distinct triple represents it
        u_lat, u_lon = lat[first], lon[first]
        u_side = np.where(side_num[first] == 0, "KZ", "KG")
        inside, swapped = _classify(u_lat, u_lon, u_side)
        u_ok = inside | swapped
        f_lat = np.where(swapped, u_lon, u_lat)
        f_lon = np.where(swapped, u_lat, u_lon)
        u_cells = np.zeros(uniques.size, dtype=np.uint64)
        u_dist = np.full(uniques.size, np.nan)
        if u_ok.any():
            u_cells[u_ok] = latlng_to_cells(f_lat[u_ok], f_lon[u_ok], H3_RES)
            u_dist[u_ok] = border_distance_km(f_lat[u_ok], f_lon[u_ok])
        u_flag = np.where(swapped, 3, np.where(inside, 0, 4)).astype(np.int8)
        row_swapped = swapped[codes]
        out_lat[rows] = np.where(row_swapped, lon[rows], lat[rows])
        out_lon[rows] = np.where(row_swapped, lat[rows], lon[rows])
        ok[rows] = u_ok[codes]
        flag[rows] = u_flag[codes]
        cells[rows] = u_cells[codes]
        dist[rows] = u_dist[codes]
    flag_names = np.array([None, *FLAGS], dtype=object)
    return pd.DataFrame({
        "lat": out_lat, "lon": out_lon, "geo_ok": ok,
        "geo_flag": pd.Series(flag_names[flag], dtype=object),
        "h3_r7": cells, "border_km": dist,
    })


def _empty_annotation() -> pd.DataFrame:
    return pd.DataFrame({
        "lat": pd.Series([], dtype=np.float64), "lon": pd.Series([], dtype=np.float64),
        "geo_ok": pd.Series([], dtype=bool), "geo_flag": pd.Series([], dtype=object),
        "h3_r7": pd.Series([], dtype=np.uint64), "border_km": pd.Series([], dtype=np.float64),
    })
