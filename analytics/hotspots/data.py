"""Loading what the hotspot analyses need: geocoded incidents, cells, reference layers (SQL in
``analytics/sql/hotspots``), and the H3 grid helpers."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from typing import Any

import duckdb
import h3
import numpy as np
import pandas as pd

from analytics import db, geo, sharing
from analytics.access import SYSTEM, Viewer
from analytics.border import fetch_frame
from analytics.filters import Filters, where_clause
from analytics.hotspots.celltable import CellTable

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


def load_layer_points(con: duckdb.DuckDBPyConnection, filters: Filters, viewer: Viewer = SYSTEM) -> pd.DataFrame:
    """The numeric columns of :func:`load_points` that the density and emerging layers need, same rows and order.

    Parameters
    ----------
    con : database.
    filters : the selection.
    viewer : who looks (sharing policy as in :func:`load_points`).

    Returns
    -------
    pandas.DataFrame with ``lat, lon, h3_r7`` (uint64), ``registered_on``.
    """
    frame = _query(con, "layer_points", filters, " ORDER BY side, source_id", viewer=viewer)
    if frame.empty:
        return empty_points()[LAYER_POINT_COLUMNS]
    frame["h3_r7"] = frame["h3_r7"].astype(np.uint64)
    return frame


LAYER_POINT_COLUMNS = ["lat", "lon", "h3_r7", "registered_on"]


def load_category_points(con: duckdb.DuckDBPyConnection, filters: Filters, categories: tuple[str, ...],
                         viewer: Viewer = SYSTEM) -> pd.DataFrame:
    """:func:`load_points` of only some categories (within the filter's own), same columns and order.

    Parameters
    ----------
    con : database.
    filters : the selection.
    categories : the categories wanted (e.g. the near-repeat ones).
    viewer : who looks.

    Returns
    -------
    pandas.DataFrame as :func:`load_points`.
    """
    wanted = tuple(c for c in categories if not filters.categories or c in filters.categories)
    if not wanted:
        return empty_points()
    return load_points(con, replace(filters, categories=wanted), viewer)


def load_cell_points(con: duckdb.DuckDBPyConnection, filters: Filters, cell: int, res: int,
                     viewer: Viewer = SYSTEM) -> pd.DataFrame:
    """:func:`load_points` of one H3 cell only (same columns, order and cell rule as :func:`cells_of`).

    Parameters
    ----------
    con : database.
    filters : the selection.
    cell : the H3 cell.
    res : its resolution.
    viewer : who looks.

    Returns
    -------
    pandas.DataFrame as :func:`load_points`.
    """
    frame, inside = _cell_frame(con, "cell_points", filters, cell, res, viewer)
    return frame.loc[inside].reset_index(drop=True)


def load_cell_rows(con: duckdb.DuckDBPyConnection, filters: Filters, cell: int, res: int, viewer: Viewer,
                   columns: list[str]) -> pd.DataFrame:
    """``load_cell_points(...)[columns]`` without the event date (what a cell's incident table shows): the
    rows of one cell are scattered over the whole table, so every column read costs a pass over it.

    Parameters
    ----------
    con, filters, cell, res, viewer : as :func:`load_cell_points`.
    columns : wanted columns of :func:`load_points` other than ``event_date``.

    Returns
    -------
    pandas.DataFrame with ``columns``, rows as :func:`load_cell_points`.
    """
    frame, inside = _cell_frame(con, "cell_rows", filters, cell, res, viewer)
    return frame.loc[inside, columns].reset_index(drop=True)


def _cell_frame(con: duckdb.DuckDBPyConnection, name: str, filters: Filters, cell: int, res: int,
                viewer: Viewer) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows of SQL file ``name`` that may lie in ``cell`` and the mask of those that do."""
    low, high, ring = r7_range(int(cell), res)
    where, params = where_clause(filters)
    select = incidents_sql(name, viewer)
    # Conditions the scan applies itself: the range or no stored cell (an OR on one column is pushed into
    # the scan), and the ring's list in a part of its own (list_contains is not).
    parts: list[tuple[str, list[object]]] = [(CELL_CONDITIONS["range_or_none"], [low, high])]
    if ring:
        parts.append((CELL_CONDITIONS["list"], [[c for c in ring if not low <= c <= high]]))
    sql = "\nUNION ALL\n".join(select + condition + where for condition, _ in parts)
    args = [value for _, head in parts for value in [*head, *params]]
    frame = fetch_frame(con, db.load_sql("hotspots/cell_points_union").replace("{parts}", sql), args)
    frame["h3_r7"] = frame["h3_r7"].fillna(0).astype(np.uint64)
    return frame, cells_of(frame, res) == np.uint64(cell)


# Where the stored r7 cell of an incident of one cell can be (see r7_range); bound as UBIGINT, so that
# the scan compares integers instead of casting every stored cell to the parameter's type.
CELL_CONDITIONS = {
    "range_or_none": " AND (h3_r7 BETWEEN ?::UBIGINT AND ?::UBIGINT OR h3_r7 = 0::UBIGINT OR h3_r7 IS NULL)",
    "list": " AND list_contains(?::UBIGINT[], h3_r7)",
}


def r7_range(cell: int, res: int) -> tuple[int, int, list[int]]:
    """Where the stored r7 cells of the incidents inside ``cell`` can be: ids ``low..high`` and a list.

    For ``res`` ≤ 7, :func:`cells_of` takes r7 parents, and the r7 descendants of a cell share its leading
    index digits and differ only in the digits below, so they are exactly the ids between the smallest and
    the largest (the list is empty). For finer cells, :func:`cells_of` places incidents by coordinates, and
    an incident of a finer cell may lie in the neighbour of its r7 parent (H3 children do not tile their
    parent exactly; the child's centre is inside the parent, so one ring is enough): the parent and its ring.
    """
    if res > 7:
        parent = h3.api.basic_int.cell_to_parent(cell, 7)
        return parent, parent, list(h3.api.basic_int.grid_disk(parent, 1))
    if res == 7:
        return cell, cell, []
    children = h3.api.basic_int.cell_to_children(cell, 7)
    return min(children), max(children), []


def cell_counts(con: duckdb.DuckDBPyConnection, filters: Filters, res: int | None = None,
                viewer: Viewer = SYSTEM) -> tuple[pd.DataFrame, int]:
    """Geocoded incidents per H3 cell, counted in the database: what :func:`count_cells` gives on
    :func:`load_points`, without loading the points.

    Parameters
    ----------
    con : database.
    filters : the selection.
    res : H3 resolution; ``None`` = :func:`choose_resolution` on the extent of the incidents.
    viewer : who looks (sharing policy as in :func:`load_points`).

    Returns
    -------
    (cells, res) : ``h3`` (uint64), ``count`` (int64) sorted by cell, and the resolution used.
    """
    where, params = where_clause(filters)
    # Column arrays, not a data frame: two numeric columns of a few thousand rows convert in a fraction of
    # the time.
    per_r7 = con.execute(incidents_sql("cell_counts", viewer) + where + " GROUP BY 1", params).fetchnumpy()
    r7 = np.asarray(per_r7["h3_r7"], dtype=np.uint64)
    if r7.size == 0:
        return count_cells(empty_points(), res or DEFAULT_RES), res or DEFAULT_RES
    resolution = res or (0 if (r7 == 0).any() else resolution_of_cells(r7))
    if not resolution:
        extent = _query(con, "extent", filters, viewer=viewer).iloc[0]
        resolution = choose_resolution(extent[["lat_min", "lat_max"]].to_numpy(np.float64),
                                       extent[["lon_min", "lon_max"]].to_numpy(np.float64))
    if resolution > 7 or (r7 == 0).any():
        # Finer cells, or incidents without a stored cell: the cells come from the coordinates.
        return count_cells(load_layer_points(con, filters, viewer), resolution), resolution
    counts = np.asarray(per_r7["count"], dtype=np.int64)
    if resolution < 7:
        r7 = np.array([h3.api.basic_int.cell_to_parent(int(c), resolution) for c in r7.tolist()], dtype=np.uint64)
    uniques, index = np.unique(r7, return_inverse=True)
    totals = np.bincount(index, weights=counts, minlength=uniques.size).astype(np.int64)
    return pd.DataFrame({"h3": uniques.astype(np.uint64), "count": totals}), resolution


def empty_points() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in POINT_COLUMNS.items()})


def geo_counts(con: duckdb.DuckDBPyConnection, filters: Filters, viewer: Viewer = SYSTEM) -> dict[str, int]:
    """``{"geocoded", "not_geocoded", "total"}`` incidents in the filter, as the viewer may map them."""
    row = _query(con, "geo_counts", filters, viewer=viewer).iloc[0]
    return {k: int(row[k]) for k in ("geocoded", "not_geocoded", "total")}


# How far the extent of the incidents can be from the extent of their r7 cells' centres: each corner of the
# box moves by at most a cell's diameter (< 2.7 km at r7) in each direction, so the diagonal by < 8 km; 20 km
# leaves room for the projection's scale.
CELL_EXTENT_MARGIN_KM = 20.0
EXTENT_LIMITS_KM = (60.0, 1200.0)


def resolution_of_cells(r7: np.ndarray) -> int:
    """:func:`choose_resolution` of the incidents known only by their r7 cells, when the cells decide it:
    the extent of the cells' centres is more than :data:`CELL_EXTENT_MARGIN_KM` from every limit of
    :data:`EXTENT_LIMITS_KM`; else 0 (the caller reads the exact extent).

    Parameters
    ----------
    r7 : the distinct stored r7 cells of the incidents (none 0).

    Returns
    -------
    int, 0 when undecided.
    """
    if r7.size == 0:
        return DEFAULT_RES
    lat, lon = cell_centres(r7)
    extent = _extent_km(lat, lon)
    if any(abs(extent - limit) <= CELL_EXTENT_MARGIN_KM for limit in EXTENT_LIMITS_KM):
        return 0
    return _resolution_for(extent)


def _extent_km(lat: np.ndarray, lon: np.ndarray) -> float:
    xy = geo.to_km(np.array([lon.min(), lon.max()]), np.array([lat.min(), lat.max()]))
    return float(np.hypot(*(xy[1] - xy[0])))


def _resolution_for(extent: float) -> int:
    if extent <= EXTENT_LIMITS_KM[0]:
        return 8
    if extent <= EXTENT_LIMITS_KM[1]:
        return 7
    return 6


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
    return _resolution_for(_extent_km(lat, lon))


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
    pairs = _CENTRES.rows(np.asarray(cells, dtype=np.uint64))
    return pairs[:, 0].copy(), pairs[:, 1].copy()


# Cached for the process like gistar's neighbour rows: the same cells are drawn with every filter.
_CENTRES = CellTable(h3.api.basic_int.cell_to_latlng, 2, np.float64)


class SharedGeoJSON(dict):
    """A GeoJSON dict that Plotly does not deep-copy: its polygons are cached per cell set and shared by every
    figure drawn from them (Plotly copies each trace on ``add_trace``, which cost more than building them).
    Nothing may modify it."""

    def __deepcopy__(self, memo: dict[int, Any]) -> SharedGeoJSON:
        return self


def cells_geojson(cells: np.ndarray) -> dict:
    """FeatureCollection of cell hexagons, ``id`` = the cell as a hex string (what Plotly matches on).

    Cached per cell set for the process (the same cells are drawn again on every rerun of a page); the
    returned dict is shared, so it must not be modified."""
    cells = np.ascontiguousarray(cells, dtype=np.uint64)
    return _cells_geojson(cells.tobytes())


@lru_cache(maxsize=16)
def _cells_geojson(key: bytes) -> SharedGeoJSON:
    cells = np.frombuffer(key, dtype=np.uint64).tolist()
    boundary = h3.api.basic_int.cell_to_boundary
    rings = [boundary(cell) for cell in cells]
    ends = np.cumsum([len(ring) for ring in rings])
    # One rounding and one conversion for all vertices instead of one per cell (same numbers).
    flat = [vertex for ring in rings for vertex in ring]
    lonlat = np.round(np.asarray(flat, dtype=np.float64).reshape(-1, 2)[:, ::-1], 5).tolist() if flat else []
    features = []
    start = 0
    for cell, end in zip(cells, ends.tolist(), strict=True):
        coords = lonlat[start:end]
        coords.append(coords[0])
        start = end
        features.append({"type": "Feature", "id": f"{cell:x}",
                         "geometry": {"type": "Polygon", "coordinates": [coords]}, "properties": {}})
    return SharedGeoJSON(type="FeatureCollection", features=features)


def crossings(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Border crossing points with real coordinates: ``name_ru, name_en, kz_post, kg_post, lat, lon, source``."""
    return con.execute(db.load_sql("hotspots/crossings")).df()


def settlements(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """District seats: ``district, oblast, side, seat_ru, name_ru, name_en, lat, lon``."""
    return con.execute(db.load_sql("hotspots/settlements")).df()


def reference_points(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """:func:`crossings` and :func:`settlements` as dicts of column arrays (strings as objects, missing as
    ``None``): what the maps draw, without building two data frames for a dozen rows on every figure.

    Parameters
    ----------
    con : database.

    Returns
    -------
    (crossings, settlements) : ``{column: numpy.ndarray}`` each, columns as in the two functions.
    """
    # One statement for both layers, sorted here as crossings.sql and settlements.sql sort (a dozen rows: a
    # string sort in DuckDB cost more than the rest of the query).
    cursor = con.execute(db.load_sql("hotspots/reference_points"))
    names = [d[0] for d in cursor.description or []]
    rows = cursor.fetchall()
    at = {name: i for i, name in enumerate(names)}
    crossing_rows = sorted((r for r in rows if r[0] == "crossing"), key=lambda r: _order_key(r, at, ("name_ru",)))
    seat_rows = sorted((r for r in rows if r[0] == "settlement"),
                       key=lambda r: _order_key(r, at, ("side", "oblast", "district")))
    return (_column_arrays(crossing_rows, at, CROSSING_COLUMNS), _column_arrays(seat_rows, at, SETTLEMENT_COLUMNS))


CROSSING_COLUMNS = ("name_ru", "name_en", "kz_post", "kg_post", "lat", "lon", "source")
SETTLEMENT_COLUMNS = ("district", "oblast", "side", "seat_ru", "name_ru", "name_en", "lat", "lon")


def _order_key(row: tuple[Any, ...], at: dict[str, int], columns: tuple[str, ...]) -> tuple[Any, ...]:
    # ORDER BY in DuckDB: ascending, NULLs last, strings by code point (Python's order of str).
    return tuple((row[at[c]] is None, row[at[c]] or "") for c in columns)


def _column_arrays(rows: list[tuple[Any, ...]], at: dict[str, int], columns: tuple[str, ...]
                   ) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for column in columns:
        values = [row[at[column]] for row in rows]
        out[column] = (np.array([np.nan if v is None else v for v in values], dtype=np.float64)
                       if column in ("lat", "lon") else np.array(values, dtype=object))
    return out
