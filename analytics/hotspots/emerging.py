"""Emerging hotspots: where clusters are new, growing, steady or fading (after Esri's Emerging Hot Spot
Analysis, reduced to the five classes commanders use).

Rule, per H3 cell, over equal time slices of the selected period (months; weeks when it spans under three
months):

1. every slice gets its own Gi* (same cells, same neighbours, :mod:`analytics.hotspots.gistar`); the cell is
   *hot* in a slice when its Gi* class is hot at 90 % or more after FDR;
2. the trend of the cell's counts across slices is the Mann–Kendall test (significant at p < 0.05; no tie
   correction, which only makes it more cautious);
3. with ``hot_share`` = share of slices in which the cell was hot and ``hot_now`` = hot in the last slice:

   * **new** — hot now and never before;
   * **intensifying** — hot now, hot in at least half of the slices, counts rising significantly;
   * **persistent** — hot now, hot in at least half of the slices, no significant trend;
   * **diminishing** — hot in at least half of the slices and either not hot now or counts falling
     significantly;
   * **none** — everything else (including cells hot now and then, without a pattern).

Fewer than three slices → every cell is ``none`` (a trend needs a history).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from analytics.hotspots.data import cells_of
from analytics.hotspots.gistar import dilate, gi_star_arrays, neighbour_matrix

EMERGING_CLASSES = ("new", "intensifying", "persistent", "diminishing", "none")
TREND_P = 0.05
HALF = 0.5
EMERGING_COLUMNS = {"h3": np.uint64, "count": np.int64, "slices": np.int64, "hot_slices": np.int64,
                    "hot_now": bool, "trend_z": np.float64, "trend_p": np.float64, "class": object}


def mann_kendall(series: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mann–Kendall trend test for each row of ``series`` (cells × slices).

    Returns
    -------
    (s, z, p) : the S statistic, its continuity-corrected z, and the two-sided p (variance without tie
    correction).
    """
    series = np.asarray(series, dtype=np.float64)
    rows, t = series.shape
    s = np.zeros(rows)
    for lag in range(1, t):
        s += np.sign(series[:, lag:] - series[:, :-lag]).sum(axis=1)
    var = t * (t - 1) * (2 * t + 5) / 18.0
    if var <= 0:
        return s, np.zeros(rows), np.ones(rows)
    z = (s - np.sign(s)) / np.sqrt(var)
    return s, z, 2.0 * stats.norm.sf(np.abs(z))


def slice_starts(dates: pd.Series) -> tuple[pd.Series, str]:
    """Slice start of each date and the slices' frequency: months (``"MS"``), or weeks starting on Monday
    (``"W-MON"``) when the dates span under three months."""
    dates = pd.to_datetime(dates)
    span_days = (dates.max() - dates.min()).days if len(dates) else 0
    if span_days < 90:
        return dates.dt.to_period("W-SUN").dt.start_time, "W-MON"
    return dates.dt.to_period("M").dt.start_time, "MS"


def emerging_hotspots(points: pd.DataFrame, res: int = 7, k: int = 1) -> pd.DataFrame:
    """Classify cells as new / intensifying / persistent / diminishing / none (rule in the module docstring).

    Parameters
    ----------
    points : geocoded incidents with ``lat, lon, h3_r7, registered_on`` (see ``data.load_points``).
    res : H3 resolution.
    k : Gi* neighbourhood ring.

    Returns
    -------
    pandas.DataFrame
        ``h3, count, slices, hot_slices, hot_now, trend_z, trend_p, class`` for every analysed cell.
    """
    if points.empty:
        return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in EMERGING_COLUMNS.items()})
    cells = cells_of(points, res)
    slices, freq = slice_starts(points["registered_on"])
    # Every slice between the first and the last, also those without incidents (a quiet month counts).
    all_slices = pd.date_range(slices.min(), slices.max(), freq=freq)
    universe = dilate(np.unique(cells), k)
    nbr = neighbour_matrix(universe, k)
    row = pd.Index(universe).get_indexer(cells)
    col = pd.Index(all_slices).get_indexer(pd.Index(slices))
    matrix = np.zeros((universe.size, all_slices.size))
    np.add.at(matrix, (row, col), 1.0)
    t = all_slices.size
    hot = np.zeros((universe.size, t), dtype=bool)
    for j in range(t):
        classes = gi_star_arrays(matrix[:, j], nbr, permutations=0)["class"]
        hot[:, j] = np.char.startswith(classes.astype(str), "hot")
    _, trend_z, trend_p = mann_kendall(matrix) if t >= 3 else (None, np.zeros(universe.size),
                                                              np.ones(universe.size))
    hot_slices = hot.sum(axis=1)
    hot_now = hot[:, -1]
    share = hot_slices / t
    rising = (trend_p < TREND_P) & (trend_z > 0)
    falling = (trend_p < TREND_P) & (trend_z < 0)
    label = np.full(universe.size, "none", dtype=object)
    if t >= 3:
        label[(share >= HALF) & (~hot_now | falling)] = "diminishing"
        label[hot_now & (share >= HALF) & ~rising & ~falling] = "persistent"
        label[hot_now & (share >= HALF) & rising] = "intensifying"
        label[hot_now & (hot_slices == 1)] = "new"
    return pd.DataFrame({
        "h3": universe, "count": matrix.sum(axis=1).astype(np.int64), "slices": np.full(universe.size, t),
        "hot_slices": hot_slices.astype(np.int64), "hot_now": hot_now, "trend_z": trend_z, "trend_p": trend_p,
        "class": label,
    })
