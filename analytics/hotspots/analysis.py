"""One call per page view: the cells with their statistics, the incidents of a clicked cell, the series."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, overload

import duckdb
import numpy as np
import pandas as pd

from analytics import sharing
from analytics.access import SYSTEM, Viewer
from analytics.filters import Filters
from analytics.hotspots import data
from analytics.hotspots.gistar import GI_COLUMNS, gi_star_columns
from analytics.hotspots.nearrepeat import NEAR_REPEAT_CATEGORIES, linked_series

CELL_COLUMNS = ["h3", "lat", "lon", "count", "gi_z", "p_norm", "p_sim", "p_fdr", "class"]
INCIDENT_COLUMNS = ["side", "source_id", "registered_on", "category", "oblast", "district", "settlement", "lat",
                    "lon", "border_km"]


@dataclass(frozen=True)
class HotspotResult:
    """What the Hotspots page and the CLI show for one filter."""

    res: int
    points: pd.DataFrame | None = field(repr=False)
    cells: pd.DataFrame = field(repr=False)

    @property
    def geocoded(self) -> int:
        """Geocoded incidents on the map (each is in exactly one cell)."""
        return int(self.cells["count"].sum())


@dataclass(frozen=True)
class HotspotPointsResult(HotspotResult):
    """:class:`HotspotResult` whose ``points`` were loaded (``analyse_hotspots(..., points=True)``)."""

    points: pd.DataFrame = field(repr=False)


@overload
def analyse_hotspots(con: duckdb.DuckDBPyConnection, filters: Filters, res: int | None = ..., k: int = ...,
                     permutations: int = ..., seed: int = ..., viewer: Viewer = ...,
                     points: Literal[True] = ...) -> HotspotPointsResult: ...


@overload
def analyse_hotspots(con: duckdb.DuckDBPyConnection, filters: Filters, res: int | None = ..., k: int = ...,
                     permutations: int = ..., seed: int = ..., viewer: Viewer = ...,
                     points: bool = ...) -> HotspotResult: ...


def analyse_hotspots(con: duckdb.DuckDBPyConnection, filters: Filters, res: int | None = None, k: int = 1,
                     permutations: int = 999, seed: int = 0, viewer: Viewer = SYSTEM,
                     points: bool = True) -> HotspotResult:
    """Geocoded incidents of both sides on one H3 grid, with Getis-Ord Gi* per cell.

    Parameters
    ----------
    con : database.
    filters : the selection (sides, period, categories …).
    res : H3 resolution; ``None`` = by the extent of the incidents (``data.choose_resolution``).
    k, permutations, seed : Gi* neighbourhood ring, Monte-Carlo draws and seed.
    viewer : who looks; the other side's incidents whose coordinates the sharing policy hides are left out.
    points : also load every incident row into ``HotspotResult.points`` (the counts never need them; the
        near-repeat analyses and the density/emerging layers do, and the page loads those separately).

    Returns
    -------
    HotspotResult with ``cells``: ``h3, lat, lon`` (cell centre), ``count, gi_z, p_norm, p_sim, p_fdr, class`` — every cell with incidents plus its neighbours; counts sum to the geocoded incidents. ``points`` is
    :func:`analytics.hotspots.data.load_points` (a :class:`HotspotPointsResult`) or ``None`` when not asked for.
    """
    counts, resolution = data.cell_counts(con, filters, res, viewer)
    if counts.empty:
        cells = pd.DataFrame({c: pd.Series([], dtype=GI_COLUMNS.get(c, np.float64)) for c in CELL_COLUMNS})
    else:
        # Gi* columns and cell centres into one frame of the final columns (building, assigning and
        # selecting three frames cost as much as the statistics).
        gi = gi_star_columns(counts, k=k, permutations=permutations, seed=seed)
        gi["lat"], gi["lon"] = data.cell_centres(gi["h3"])
        cells = pd.DataFrame({c: gi[c] for c in CELL_COLUMNS})
    if points:
        return HotspotPointsResult(res=resolution, points=data.load_points(con, filters, viewer), cells=cells)
    return HotspotResult(res=resolution, points=None, cells=cells)


def cell_incidents(con: duckdb.DuckDBPyConnection, points: pd.DataFrame, cell: int, res: int,
                   viewer: Viewer) -> pd.DataFrame:
    """Row-level incidents inside one H3 cell, redacted for the viewer (sharing policy).

    Parameters
    ----------
    con : database (for the sharing policy).
    points : ``HotspotResult.points``.
    cell : the H3 cell (uint64 or int).
    res : its resolution.
    viewer : who asks.

    Returns
    -------
    pandas.DataFrame with ``side, source_id, registered_on, category, oblast, district, settlement, lat, lon,
    border_km``.
    """
    if points.empty:
        return points.reindex(columns=INCIDENT_COLUMNS)
    inside = data.cells_of(points, res) == np.uint64(cell)
    rows = points.loc[inside, INCIDENT_COLUMNS].reset_index(drop=True)
    return sharing.redact_incidents(con, rows, viewer)


def load_cell_incidents(con: duckdb.DuckDBPyConnection, filters: Filters, cell: int, res: int,
                        viewer: Viewer) -> pd.DataFrame:
    """:func:`cell_incidents` of the viewer's own points of the filter, reading only that cell's rows: equals
    ``cell_incidents(con, load_points(con, filters, viewer), cell, res, viewer)``.

    Parameters
    ----------
    con : database.
    filters : the selection the cells were counted on.
    cell : the H3 cell (uint64 or int).
    res : its resolution.
    viewer : who asks (reads through the viewer's sharing view, then redacted).

    Returns
    -------
    pandas.DataFrame as :func:`cell_incidents`.
    """
    rows = data.load_cell_rows(con, filters, cell, res, viewer, INCIDENT_COLUMNS)
    return sharing.redact_incidents(con, rows, viewer)


def load_near_repeat_points(con: duckdb.DuckDBPyConnection, filters: Filters,
                            viewer: Viewer = SYSTEM) -> pd.DataFrame:
    """The incidents the near-repeat analyses look at, loaded alone: equals
    ``near_repeat_points(load_points(con, filters, viewer))``.

    Parameters
    ----------
    con : database.
    filters : the selection.
    viewer : who looks.

    Returns
    -------
    pandas.DataFrame as :func:`analytics.hotspots.data.load_points`.
    """
    return data.load_category_points(con, filters, NEAR_REPEAT_CATEGORIES, viewer)


def near_repeat_points(points: pd.DataFrame) -> pd.DataFrame:
    """The incidents the near-repeat analyses look at (livestock and vehicle theft)."""
    if points.empty:
        return points
    return points[points["category"].isin(NEAR_REPEAT_CATEGORIES)].reset_index(drop=True)


def border_series(points: pd.DataFrame) -> pd.DataFrame:
    """Linked series of livestock and vehicle thefts (each category on its own), border-crossing first."""
    frames = []
    subset = near_repeat_points(points)
    for category in NEAR_REPEAT_CATEGORIES:
        part = subset[subset["category"] == category] if not subset.empty else subset
        frames.append(linked_series(part))
    non_empty = [f for f in frames if not f.empty]
    if not non_empty:
        return frames[0]
    out = pd.concat(non_empty, ignore_index=True)
    out = out.sort_values(["crosses_border", "size", "first_date"], ascending=[False, False, True])
    out["series_id"] = np.arange(1, len(out) + 1, dtype=np.int64)
    return out.reset_index(drop=True)
