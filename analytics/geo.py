"""Offline geometry: oblast polygons, the KZ–KG border line, and per-incident location checks.

The geometry comes from ``data/geo/*.geojson`` (built by ``scripts/build_geodata.py`` from Natural Earth;
see ``docs/geodata.md``). Natural Earth is small-scale: good for oblast membership, H3 cells and
5–30 km border bands, not for metre-level questions.

:func:`annotate_points` is called by the loader for every incident row, so it works on distinct
(lat, lon, side) triples only and is fully vectorised.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from analytics.config import load_settings
from analytics.errors import ShekaraError

# Conformal km plane for distances: Lambert conic with standard parallels bracketing the study area
# (scale error < 0.2 % over 41.5–46° N, so distances match geodesic ones to ~0.1 km within 60 km).
LCC = ("+proj=lcc +lat_1=42 +lat_2=45 +lat_0=43.5 +lon_0=73.5 +x_0=0 +y_0=0 +ellps=WGS84 "
       "+units=km +no_defs")
# Border distances are indexed over this lon/lat box: the study oblasts (where every usable point is).
DISTANCE_BOX = (69.0, 41.7, 77.4, 46.1)
GRID_DEG = 0.05
CHUNK_PAIRS = 65_536
H3_RES = 7
# H3 face 0 centre (radians, from the H3 library's faceCenterGeo); the whole study area lies on face 0.
FACE0_LAT = 0.803582649718989942
FACE0_LNG = 1.248397419617396099
_SIN_F0 = float(np.sin(FACE0_LAT))
_COS_F0 = float(np.cos(FACE0_LAT))
# Where the face-0 lattice reproduces h3.latlng_to_cell (checked at resolutions 5–9 in tests/test_geo.py).
LATTICE_BOX = (39.0, 63.0, 49.0, 81.0)
CELL_CACHE_MAX = 2_000_000
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


@lru_cache(maxsize=1)
def _to_lcc() -> Transformer:
    return Transformer.from_crs("EPSG:4326", LCC, always_xy=True)


def to_km(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Project lon/lat (degrees) to the project's conformal km plane (:data:`LCC`); shape (n, 2).

    Parameters
    ----------
    lon, lat : degrees, same length.

    Returns
    -------
    numpy.ndarray of float64, columns x, y in km.
    """
    x, y = _to_lcc().transform(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64))
    return np.column_stack([x, y])


@lru_cache(maxsize=1)
def _from_lcc() -> Transformer:
    return Transformer.from_crs(LCC, "EPSG:4326", always_xy=True)


def from_km(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :func:`to_km`: km plane → (lon, lat) degrees.

    Parameters
    ----------
    x, y : km.

    Returns
    -------
    (lon, lat) numpy arrays.
    """
    lon, lat = _from_lcc().transform(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    return np.asarray(lon), np.asarray(lat)


@lru_cache(maxsize=1)
def _territories() -> dict[str, shapely.Geometry]:
    regions = load_regions()
    out = {}
    for side, codes in SIDE_TERRITORY.items():
        geom = shapely.union_all(regions.loc[regions["iso_3166_2"].isin(codes), "geometry"].to_numpy())
        shapely.prepare(geom)
        out[side] = geom
    return out


@dataclass(frozen=True)
class _BorderIndex:
    """Border segments (km) and, per grid cell, the segments that can be nearest to a point in it."""

    ax: np.ndarray  # (m,) segment start x, km
    ay: np.ndarray  # (m,) segment start y, km
    dx: np.ndarray  # (m,) segment vector x, km
    dy: np.ndarray  # (m,) segment vector y, km
    inv_len2: np.ndarray  # (m,) 1 / squared length (0 for a degenerate segment)
    lon0: float
    lat0: float
    ncols: int
    nrows: int
    candidates: np.ndarray  # (ncols * nrows, k) segment indices, padded by repeating the nearest
    counts: np.ndarray  # (ncols * nrows,) how many of a row's candidates are real


def _segment_distance(px: np.ndarray, py: np.ndarray, ax: np.ndarray, ay: np.ndarray,
                      bx: np.ndarray, by: np.ndarray) -> np.ndarray:
    """Euclidean distance from points to segments (broadcasting)."""
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = np.clip(((px - ax) * dx + (py - ay) * dy) / np.where(length2 > 0, length2, 1.0), 0.0, 1.0)
    ex, ey = ax + t * dx - px, ay + t * dy - py
    return np.sqrt(ex * ex + ey * ey)


@lru_cache(maxsize=1)
def _border_index() -> _BorderIndex:
    line = load_border("KZ-KG")
    parts = list(line.geoms) if hasattr(line, "geoms") else [line]
    starts, ends = [], []
    for part in parts:
        xy = to_km(*shapely.get_coordinates(part).T)
        starts.append(xy[:-1])
        ends.append(xy[1:])
    start, end = np.concatenate(starts), np.concatenate(ends)
    lon0, lat0, lon1, lat1 = DISTANCE_BOX
    ncols = int(np.ceil((lon1 - lon0) / GRID_DEG))
    nrows = int(np.ceil((lat1 - lat0) / GRID_DEG))
    cols, rows = np.meshgrid(np.arange(ncols), np.arange(nrows), indexing="xy")
    centres = to_km(lon0 + (cols.ravel() + 0.5) * GRID_DEG, lat0 + (rows.ravel() + 0.5) * GRID_DEG)
    # Any point of a cell is within half a diagonal of its centre, so its nearest segment is among those
    # no farther from the centre than (distance of the centre) + one diagonal. 8 km bounds the diagonal
    # of a 0.05° cell at these latitudes (4.1 km × 5.6 km).
    reach = 8.0
    segs = (start[:, 0], start[:, 1], end[:, 0], end[:, 1])
    # Cache-sized chunks: numpy on ~100k-element temporaries is several times faster than on millions.
    dist = np.concatenate([
        _segment_distance(centres[c, :1], centres[c, 1:], *segs)
        for c in np.array_split(np.arange(len(centres)), max(1, len(centres) * len(start) // CHUNK_PAIRS))
    ])
    near = dist <= dist.min(axis=1, keepdims=True) + reach
    count = near.sum(axis=1)
    # Indices of the near segments first (stable sort of "not near"), padded with the nearest one.
    order = np.argsort(~near, axis=1, kind="stable")[:, : int(count.max())]
    nearest = dist.argmin(axis=1)
    pad = np.arange(order.shape[1])[None, :] >= count[:, None]
    candidates = np.where(pad, nearest[:, None], order).astype(np.int32)
    vec = end - start
    len2 = (vec * vec).sum(axis=1)
    inv_len2 = np.divide(1.0, len2, out=np.zeros_like(len2), where=len2 > 0)
    return _BorderIndex(start[:, 0].copy(), start[:, 1].copy(), vec[:, 0].copy(), vec[:, 1].copy(), inv_len2,
                        lon0, lat0, ncols, nrows, candidates, count.astype(np.int32))


def border_distance_km(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Distance (km) from each point to the KZ–KG border line; NaN where lat/lon is NaN or off the study area.

    Exact distance to the (Natural Earth) polyline in the conformal km plane, found among the candidate
    segments of the point's 0.05° grid cell; no sampling of the line.

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
    index = _border_index()
    col = np.floor((lon - index.lon0) / GRID_DEG)
    row = np.floor((lat - index.lat0) / GRID_DEG)
    ok = np.flatnonzero((col >= 0) & (col < index.ncols) & (row >= 0) & (row < index.nrows))
    if ok.size == 0:
        return out
    xy = to_km(lon[ok], lat[ok])
    cell = (row[ok] * index.ncols + col[ok]).astype(np.int64)
    # Points in order of their cells' candidate counts, so each chunk is padded only to its own widest.
    by_count = np.argsort(index.counts[cell], kind="stable")
    px_all, py_all = xy[:, 0], xy[:, 1]
    size = max(64, CHUNK_PAIRS // index.candidates.shape[1])
    for begin in range(0, ok.size, size):
        chunk = by_count[begin:begin + size]
        width = int(index.counts[cell[chunk]].max())
        cand = index.candidates[cell[chunk], :width]
        px, py = px_all[chunk, None], py_all[chunk, None]
        ax, ay = np.take(index.ax, cand), np.take(index.ay, cand)
        dx, dy = np.take(index.dx, cand), np.take(index.dy, cand)
        rx, ry = px - ax, py - ay
        t = np.clip((rx * dx + ry * dy) * np.take(index.inv_len2, cand), 0.0, 1.0)
        ex, ey = rx - t * dx, ry - t * dy
        out[ok[chunk]] = np.sqrt((ex * ex + ey * ey).min(axis=1))
    return out


@lru_cache(maxsize=16)
def _lattice(res: int) -> tuple[np.ndarray, np.ndarray]:
    """Affine maps between the face-0 gnomonic plane and H3 local IJ coordinates at ``res``.

    H3 places cell centres on a regular hexagonal lattice in the gnomonic projection of each
    icosahedron face; the whole study area lies on face 0. The map is fitted on cell centres spread over
    :data:`LATTICE_BOX` (residual ~1e-12 lattice units) and validated against ``h3`` in the tests.
    """
    origin = h3.latlng_to_cell(43.5, 73.0, res)
    lat0, lon0, lat1, lon1 = LATTICE_BOX
    probes = [h3.latlng_to_cell(a, b, res) for a in np.linspace(lat0, lat1, 9) for b in np.linspace(lon0, lon1, 13)]
    ij = np.array([h3.cell_to_local_ij(origin, c) for c in probes], dtype=np.float64)
    centres = np.array([h3.cell_to_latlng(c) for c in probes])
    x, y = _gnomonic(centres[:, 0], centres[:, 1])
    design = np.column_stack([x, y, np.ones_like(x)])
    forward = np.linalg.lstsq(design, ij, rcond=None)[0]
    backward = np.linalg.lstsq(np.column_stack([ij, np.ones(len(ij))]), np.column_stack([x, y]), rcond=None)[0]
    return forward, backward


def _gnomonic(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    phi = np.radians(lat)
    dlam = np.radians(lon) - FACE0_LNG
    sin_phi, cos_phi, cos_dlam = np.sin(phi), np.cos(phi), np.cos(dlam)
    cos_c = _SIN_F0 * sin_phi + _COS_F0 * cos_phi * cos_dlam
    return cos_phi * np.sin(dlam) / cos_c, (_COS_F0 * sin_phi - _SIN_F0 * cos_phi * cos_dlam) / cos_c


def _inverse_gnomonic(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rho = np.hypot(x, y)
    c = np.arctan(rho)
    sin_c, cos_c = np.sin(c), np.cos(c)
    safe = np.where(rho > 0, rho, 1.0)
    lat = np.arcsin(cos_c * _SIN_F0 + y * sin_c * _COS_F0 / safe)
    lon = FACE0_LNG + np.arctan2(x * sin_c, safe * _COS_F0 * cos_c - y * _SIN_F0 * sin_c)
    return np.degrees(lat), np.degrees(lon)


_CELL_CACHE: dict[tuple[int, int], int] = {}


def latlng_to_cells(lat: np.ndarray, lon: np.ndarray, res: int = H3_RES) -> np.ndarray:
    """H3 cells (uint64) of points, vectorised; 0 where lat/lon is not finite.

    Inside :data:`LATTICE_BOX` the cell is found by rounding to the face-0 hexagonal lattice (numpy, no
    per-point calls); each distinct lattice cell is converted to its H3 index once, from its centre, and
    remembered. Elsewhere the ``h3`` library is called per point.

    Parameters
    ----------
    lat, lon : degrees.
    res : H3 resolution (0–15).

    Returns
    -------
    numpy.ndarray of uint64.
    """
    lat = np.asarray(lat, dtype=np.float64).ravel()
    lon = np.asarray(lon, dtype=np.float64).ravel()
    out = np.zeros(lat.shape, dtype=np.uint64)
    lat0, lon0, lat1, lon1 = LATTICE_BOX
    inside = (lat >= lat0) & (lat <= lat1) & (lon >= lon0) & (lon <= lon1)
    fallback = np.flatnonzero(~inside & np.isfinite(lat) & np.isfinite(lon))
    if fallback.size:
        to_cell = h3.api.basic_int.latlng_to_cell
        out[fallback] = [to_cell(a, b, res) for a, b in zip(lat[fallback].tolist(), lon[fallback].tolist(),
                                                            strict=True)]
    rows = np.flatnonzero(inside)
    if rows.size == 0:
        return out
    forward, backward = _lattice(res)
    x, y = _gnomonic(lat[rows], lon[rows])
    fi = forward[0, 0] * x + forward[1, 0] * y + forward[2, 0]
    fj = forward[0, 1] * x + forward[1, 1] * y + forward[2, 1]
    # IJ axes are 120° apart: (i - j, j) are axial coordinates of a 60° hex lattice; round in cube space.
    q, r = fi - fj, fj
    s = -q - r
    rq, rr, rs = np.rint(q), np.rint(r), np.rint(s)
    dq, dr, ds = np.abs(rq - q), np.abs(rr - r), np.abs(rs - s)
    fix_q = (dq > dr) & (dq > ds)
    fix_r = ~fix_q & (dr > ds)
    rq = np.where(fix_q, -rr - rs, rq)
    rr = np.where(fix_r, -rq - rs, rr)
    key = ((rq + rr).astype(np.int64) << 32) + (rr.astype(np.int64) + (1 << 31))
    codes, uniques = pd.factorize(key, size_hint=min(rows.size, 1 << 16))
    cells = np.fromiter((_CELL_CACHE.get((res, int(k)), 0) for k in uniques), dtype=np.uint64, count=uniques.size)
    new = np.flatnonzero(cells == 0)
    if new.size:
        ci = (uniques[new] >> 32).astype(np.float64)
        cj = ((uniques[new] & 0xFFFFFFFF) - (1 << 31)).astype(np.float64)
        cx = backward[0, 0] * ci + backward[1, 0] * cj + backward[2, 0]
        cy = backward[0, 1] * ci + backward[1, 1] * cj + backward[2, 1]
        clat, clon = _inverse_gnomonic(cx, cy)
        to_cell = h3.api.basic_int.latlng_to_cell
        for position, k, a, b in zip(new.tolist(), uniques[new].tolist(), clat.tolist(), clon.tolist(), strict=True):
            cell = to_cell(a, b, res)
            cells[position] = cell
            if len(_CELL_CACHE) < CELL_CACHE_MAX:
                _CELL_CACHE[(res, k)] = cell
    out[rows] = cells[codes]
    return out


def _side_codes(side: object, n: int) -> np.ndarray:
    """0 for KZ, 1 for KG, 2 for anything else, as int64. Fast for a scalar, a numpy ``U``/``S`` array,
    a pandas Categorical or string array; a numpy object array works but costs ~0.2 s per million."""
    if isinstance(side, str):
        return np.full(n, {"KZ": 0, "KG": 1}.get(side, 2), dtype=np.int64)
    if isinstance(side, pd.Series | pd.Index):
        side = side.array
    if isinstance(side, pd.Categorical):
        lookup = np.array([{"KZ": 0, "KG": 1}.get(str(c), 2) for c in side.categories] + [2], dtype=np.int64)
        return lookup[side.codes]
    if isinstance(side, pd.api.extensions.ExtensionArray):
        kz = np.asarray(side == "KZ", dtype=bool)
        kg = np.asarray(side == "KG", dtype=bool)
    else:
        arr = np.asarray(side).ravel()
        if arr.dtype.kind == "O":
            codes, uniques = pd.factorize(arr)
            lookup = np.array([{"KZ": 0, "KG": 1}.get(u, 2) for u in uniques] + [2], dtype=np.int64)
            return lookup[codes]
        if arr.dtype == np.dtype("<U2"):
            # Compare the two UCS-4 code points directly: ~50x faster than string comparison.
            pairs = arr.view(np.uint32).reshape(-1, 2)
            is_k = pairs[:, 0] == ord("K")
            kz, kg = is_k & (pairs[:, 1] == ord("Z")), is_k & (pairs[:, 1] == ord("G"))
        else:
            kz, kg = arr == "KZ", arr == "KG"
    return np.where(kz, 0, np.where(kg, 1, 2)).astype(np.int64)


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


def prepare_annotation() -> None:
    """Build the cached geometry :func:`annotate_points` uses (territories, border index, projections, H3 lattice).

    Idempotent. The loader runs it in a thread while a file is parsed, so the first upload of a process does not
    wait for these ~0.3 s of set-up (mostly numpy, which releases the GIL).
    """
    _territories()
    _border_index()
    _to_lcc()
    _from_lcc()
    _lattice(H3_RES)


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
    n = lat.size
    if n == 0:
        return _empty_annotation()
    side_num = _side_codes(side, n)
    # NaN fails every comparison, so this one mask excludes missing, zero and out-of-range numbers.
    testable = (np.abs(lat) <= 90) & (np.abs(lon) <= 180) & (lat != 0) & (lon != 0) & (side_num < 2)
    every = bool(testable.all())
    rows = None if every else np.flatnonzero(testable)
    t_lat, t_lon, t_side = (lat, lon, side_num) if rows is None else (lat[rows], lon[rows], side_num[rows])
    # Distinct (lat, lon, side) triples through one int64 key: lat and lon quantised to 1e-6° (~0.1 m).
    key = ((np.rint((t_lat + 90.0) * 1e6).astype(np.int64) << 31)
           | (np.rint((t_lon + 180.0) * 1e6).astype(np.int64) << 2) | t_side)
    # A size hint spares the hash table its repeated regrowth (several times faster on 1M rows).
    codes, uniques = pd.factorize(key, size_hint=min(key.size, 1 << 16))
    u_lat = (uniques >> 31).astype(np.float64) / 1e6 - 90.0
    u_lon = ((uniques >> 2) & ((1 << 29) - 1)).astype(np.float64) / 1e6 - 180.0
    u_side = np.where((uniques & 3) == 0, "KZ", "KG")
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
    if swapped.any():
        row_swapped = swapped[codes]
        r_lat, r_lon = np.where(row_swapped, t_lon, t_lat), np.where(row_swapped, t_lat, t_lon)
    else:
        r_lat, r_lon = t_lat, t_lon
    if rows is None:
        out_lat, out_lon = r_lat.copy() if r_lat is lat else r_lat, r_lon.copy() if r_lon is lon else r_lon
        ok, flag, cells, dist = u_ok[codes], u_flag[codes], u_cells[codes], u_dist[codes]
    else:
        out_lat, out_lon = lat.copy(), lon.copy()
        out_lat[rows], out_lon[rows] = r_lat, r_lon
        ok = np.zeros(n, dtype=bool)
        ok[rows] = u_ok[codes]
        cells = np.zeros(n, dtype=np.uint64)
        cells[rows] = u_cells[codes]
        dist = np.full(n, np.nan)
        dist[rows] = u_dist[codes]
        # Rows that were never looked up: missing, zero, or a number that is nowhere (lost decimal point).
        flag = np.full(n, 4, dtype=np.int8)
        flag[rows] = u_flag[codes]
        rest = np.flatnonzero(~testable)
        r_lat, r_lon = lat[rest], lon[rest]
        zero = (r_lat == 0) | (r_lon == 0)
        flag[rest[zero]] = 2
        flag[rest[np.isnan(r_lat) | np.isnan(r_lon)]] = 1
    flag_names = np.array([None, *FLAGS], dtype=object)
    return pd.DataFrame({
        "lat": out_lat, "lon": out_lon, "geo_ok": ok, "geo_flag": pd.Series(flag_names[flag], dtype=object), "h3_r7": cells,
        "border_km": dist,
    }, copy=False)


def _empty_annotation() -> pd.DataFrame:
    return pd.DataFrame({
        "lat": pd.Series([], dtype=np.float64), "lon": pd.Series([], dtype=np.float64),
        "geo_ok": pd.Series([], dtype=bool), "geo_flag": pd.Series([], dtype=object),
        "h3_r7": pd.Series([], dtype=np.uint64), "border_km": pd.Series([], dtype=np.float64),
    })
