"""Loading what the hotspot analyses need: geocoded incidents, cells, reference layers (SQL in
``analytics/sql/hotspots``), and the H3 grid helpers."""

from __future__ import annotations

from typing import Any

import duckdb
import h3
import numpy as np
import pandas as pd

from analytics import db, geo, sharing
from analytics.access import SYSTEM, Viewer
from analytics.filters import Filters, where_clause

DEFAULT_RES = 7
RESOLUTIONS = (5, 6, 7, 8, 9)
POINT_COLUMNS: dict[str, Any] = {"side": object, "source_id": object, "registered_on": "datetime64[s]",
                 "event_date": "datetime64[s]", "category": object, "oblast": object, "district": object,
                 "settlement": object, "lat": np.float64, "lon": np.float64, "h3_r7": np.uint64,
                 "border_km": np.float64}


def incidents_sql(name: str, viewer: Viewer) -> str:
    """SQL file ``hotspots/<name>`` reading the incidents this viewer may see (the other side's hidden
    coordinates are NULL with ``geo_ok`` false there, so they stay off every map and band)."""
    return sharing.sql_for_viewer(db.load_sql("hotspots/" + name), viewer)


def _query(con: duckdb.DuckDBPyConnection, name: str, filters: Filters, tail: str = "",
           head_params: list[object] | None = None, viewer: Viewer = SYSTEM) -> pd.DataFrame:
    where, params = where_clause(filters)
    return con.execute(incidents_sql(name, viewer) + where + tail, [*(head_params or []), *params]).df()


def load_points(con: duckdb.DuckDBPyConnection, filters: Filters, viewer: Viewer = SYSTEM) -> pd.DataFrame:
    """Geocoded incidents in the filter (both sides), one row each.

    Parameters
    ----------
    con : database.
    filters : the selection.
    viewer : who looks; the other side's points are left out where the sharing policy hides them.

    Returns
    -------
    pandas.DataFrame
        ``side, source_id, registered_on, event_date`` (occurred date, else registration date), ``category,
        oblast, district, settlement, lat, lon, h3_r7, border_km``.
    """
    frame = _query(con, "points", filters, " ORDER BY side, source_id", viewer=viewer)
    if frame.empty:
        return empty_points()
    frame["h3_r7"] = frame["h3_r7"].astype(np.uint64)
    return frame


def empty_points() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in POINT_COLUMNS.items()})


def geo_counts(con: duckdb.DuckDBPyConnection, filters: Filters, viewer: Viewer = SYSTEM) -> dict[str, int]:
    """``{"geocoded", "not_geocoded", "total"}`` incidents in the filter, as the viewer may map them."""
    row = _query(con, "geo_counts", filters, viewer=viewer).iloc[0]
    return {k: int(row[k]) for k in ("geocoded", "not_geocoded", "total")}


def choose_resolution(lat: np.ndarray, lon: np.ndarray) -> int:
    """H3 resolution for the extent of the points: 8 (cells ~0.7 km²) for a district-sized view up to ~60 km
    across, 7 (~5 km²) up to ~1200 km (both oblasts), 6 beyond. Empty input → the default 7.

    Parameters
    ----------
    lat, lon : degrees.

    Returns
    -------
    int
    """
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    if lat.size == 0:
        return DEFAULT_RES
    xy = geo.to_km(np.array([lon.min(), lon.max()]), np.array([lat.min(), lat.max()]))
    extent = float(np.hypot(*(xy[1] - xy[0])))
    if extent <= 60:
        return 8
    if extent <= 1200:
        return 7
    return 6


def cells_of(points: pd.DataFrame, res: int) -> np.ndarray:
    """H3 cell (uint64) of each point at ``res``: the stored r7 cell, its parent, or recomputed when finer."""
    if points.empty:
        return np.empty(0, dtype=np.uint64)
    r7 = points["h3_r7"].to_numpy(np.uint64)
    if res == 7 and (r7 != 0).all():
        return r7
    if res < 7 and (r7 != 0).all():
        codes, uniques = pd.factorize(r7)
        parents = np.array([h3.api.basic_int.cell_to_parent(int(c), res) for c in uniques], dtype=np.uint64)
        return parents[codes]
    return geo.latlng_to_cells(points["lat"].to_numpy(), points["lon"].to_numpy(), res)


def count_cells(points: pd.DataFrame, res: int) -> pd.DataFrame:
    """Incidents per cell: ``h3`` (uint64), ``count`` (int64), sorted by cell."""
    cells = cells_of(points, res)
    if cells.size == 0:
        return pd.DataFrame({"h3": pd.Series([], dtype=np.uint64), "count": pd.Series([], dtype=np.int64)})
    uniques, counts = np.unique(cells, return_counts=True)
    return pd.DataFrame({"h3": uniques.astype(np.uint64), "count": counts.astype(np.int64)})


def cell_centres(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centre (lat, lon) of each H3 cell."""
    to_latlng = h3.api.basic_int.cell_to_latlng
    pairs = np.array([to_latlng(int(c)) for c in cells], dtype=np.float64).reshape(-1, 2)
    return pairs[:, 0], pairs[:, 1]


def cells_geojson(cells: np.ndarray) -> dict:
    """FeatureCollection of cell hexagons, ``id`` = the cell as a hex string (what Plotly matches on)."""
    boundary = h3.api.basic_int.cell_to_boundary
    rings = [boundary(int(cell)) for cell in cells.tolist()]
    features = []
    for cell, ring in zip(cells.tolist(), rings, strict=True):
        lonlat = np.round(np.asarray(ring)[:, ::-1], 5)
        coords = lonlat.tolist()
        coords.append(coords[0])
        features.append({"type": "Feature", "id": f"{int(cell):x}",
                         "geometry": {"type": "Polygon", "coordinates": [coords]}, "properties": {}})
    return {"type": "FeatureCollection", "features": features}


def crossings(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Border crossing points with real coordinates: ``name_ru, name_en, kz_post, kg_post, lat, lon, source``."""
    return con.execute(db.load_sql("hotspots/crossings")).df()


def settlements(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """District seats: ``district, oblast, side, seat_ru, name_ru, name_en, lat, lon``."""
    return con.execute(db.load_sql("hotspots/settlements")).df()
