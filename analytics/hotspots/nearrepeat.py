"""Near-repeat analysis for livestock and vehicle theft: the Knox space-time test and linked series.

*Knox test*: of all pairs of incidents within ``distance_km`` of each other, how many also happened within
``days`` of each other? The observed number is compared with the numbers obtained when the dates are
shuffled among the incidents (Monte-Carlo, ``permutations`` times); p = (1 + shuffles with at least as many
close pairs) / (1 + shuffles). A ratio observed / expected above 1 with a small p means thefts repeat near
each other soon after — the pattern of a group working an area.

*Linked series*: incidents joined when they are close in space **and** time; each connected group of two or
more is a series. A series with incidents of both sides *crosses the border*.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse import csgraph
from scipy.spatial import cKDTree

from analytics import geo

NEAR_REPEAT_CATEGORIES = ("livestock_theft", "vehicle_theft")
DISTANCE_KM = 2.0
DAYS = 7
# Monte-Carlo work cap (pairs × shuffles); beyond it fewer shuffles are run and the count is reported.
MAX_WORK = 200_000_000
KNOX_COLUMNS: dict[str, Any] = {"category": object, "incidents": np.int64, "close_pairs": np.int64, "observed": np.int64,
                "expected": np.float64, "ratio": np.float64, "p_value": np.float64, "permutations": np.int64}
SERIES_COLUMNS: dict[str, Any] = {"series_id": np.int64, "size": np.int64, "kz": np.int64, "kg": np.int64,
                  "crosses_border": bool, "first_date": "datetime64[s]", "last_date": "datetime64[s]",
                  "categories": object, "lat": np.float64, "lon": np.float64, "members": object}


def _days(points: pd.DataFrame) -> np.ndarray:
    dates = pd.to_datetime(points["event_date"]).to_numpy("datetime64[D]")
    return dates.astype(np.int64)


def close_pairs(points: pd.DataFrame, distance_km: float = DISTANCE_KM) -> np.ndarray:
    """Index pairs (i < j) of incidents within ``distance_km`` (km plane), shape (m, 2)."""
    if len(points) < 2:
        return np.empty((0, 2), dtype=np.int64)
    xy = geo.to_km(points["lon"].to_numpy(), points["lat"].to_numpy())
    return cKDTree(xy).query_pairs(distance_km, output_type="ndarray").astype(np.int64)


def knox_test(points: pd.DataFrame, distance_km: float = DISTANCE_KM, days: int = DAYS,
              permutations: int = 999, seed: int = 0) -> dict[str, float | int]:
    """Knox test on one set of incidents (rule in the module docstring).

    Parameters
    ----------
    points : incidents with ``lat, lon, event_date``.
    distance_km, days : closeness in space and time (inclusive).
    permutations : date shuffles (reduced when pairs × shuffles would exceed ``MAX_WORK``).
    seed : random seed.

    Returns
    -------
    dict with ``incidents, close_pairs, observed, expected, ratio, p_value, permutations`` (NaN expected,
    ratio and p when there is no close pair).
    """
    pairs = close_pairs(points, distance_km)
    t = _days(points) if len(points) else np.empty(0, dtype=np.int64)
    observed = int((np.abs(t[pairs[:, 0]] - t[pairs[:, 1]]) <= days).sum()) if len(pairs) else 0
    result: dict[str, float | int] = {"incidents": len(points), "close_pairs": len(pairs), "observed": observed,
                                      "expected": float("nan"), "ratio": float("nan"), "p_value": float("nan"),
                                      "permutations": 0}
    if len(pairs) == 0 or permutations <= 0:
        return result
    runs = int(max(19, min(permutations, MAX_WORK // max(len(pairs), 1))))
    rng = np.random.default_rng(seed)
    shuffled = np.empty(runs)
    for run in range(runs):
        tp = t[rng.permutation(t.size)]
        shuffled[run] = (np.abs(tp[pairs[:, 0]] - tp[pairs[:, 1]]) <= days).sum()
    expected = float(shuffled.mean())
    result.update(expected=expected, ratio=observed / expected if expected > 0 else float("nan"),
                  p_value=float((1 + (shuffled >= observed).sum()) / (1 + runs)), permutations=runs)
    return result


def near_repeat_summary(points: pd.DataFrame, permutations: int = 999, seed: int = 0) -> pd.DataFrame:
    """Knox test per near-repeat category (livestock theft, vehicle theft), both sides together.

    Returns
    -------
    pandas.DataFrame with ``category, incidents, close_pairs, observed, expected, ratio, p_value, permutations``.
    """
    rows = []
    for category in NEAR_REPEAT_CATEGORIES:
        subset = points[points["category"] == category] if not points.empty else points
        rows.append({"category": category, **knox_test(subset.reset_index(drop=True),
                                                         permutations=permutations, seed=seed)})
    frame = pd.DataFrame(rows)
    return frame.astype({c: t for c, t in KNOX_COLUMNS.items() if c in frame.columns})


def linked_series(points: pd.DataFrame, distance_km: float = DISTANCE_KM, days: int = DAYS) -> pd.DataFrame:
    """Series of incidents linked in space and time (connected components of close pairs, size ≥ 2).

    Parameters
    ----------
    points : incidents (usually livestock and vehicle thefts) with ``side, source_id, category, lat, lon,
        event_date``.
    distance_km, days : closeness (inclusive).

    Returns
    -------
    pandas.DataFrame
        ``series_id, size, kz, kg, crosses_border, first_date, last_date, categories, lat, lon, members``
        (``members`` = list of ``"SIDE:source_id"``), border-crossing series first, then by size.
    """
    empty = pd.DataFrame({c: pd.Series([], dtype=t) for c, t in SERIES_COLUMNS.items()})
    if len(points) < 2:
        return empty
    points = points.reset_index(drop=True)
    pairs = close_pairs(points, distance_km)
    t = _days(points)
    if len(pairs):
        pairs = pairs[np.abs(t[pairs[:, 0]] - t[pairs[:, 1]]) <= days]
    if len(pairs) == 0:
        return empty
    n = len(points)
    graph = sparse.coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, label = csgraph.connected_components(graph, directed=False)
    frame = points.assign(series=label, member=points["side"].astype(str) + ":" + points["source_id"].astype(str))
    sizes = frame.groupby("series")["series"].transform("size")
    frame = frame[sizes >= 2]
    grouped = frame.groupby("series", sort=False)
    out = pd.DataFrame({
        "size": grouped.size(),
        "kz": grouped["side"].apply(lambda s: int((s == "KZ").sum())),
        "kg": grouped["side"].apply(lambda s: int((s == "KG").sum())),
        "first_date": grouped["event_date"].min(),
        "last_date": grouped["event_date"].max(),
        "categories": grouped["category"].apply(lambda s: sorted(set(s))),
        "lat": grouped["lat"].mean(),
        "lon": grouped["lon"].mean(),
        "members": grouped["member"].apply(sorted),
    })
    out["crosses_border"] = (out["kz"] > 0) & (out["kg"] > 0)
    out = out.sort_values(["crosses_border", "size", "first_date"], ascending=[False, False, True])
    out.insert(0, "series_id", np.arange(1, len(out) + 1, dtype=np.int64))
    return out.reset_index(drop=True)[list(SERIES_COLUMNS)].astype(
        {"first_date": "datetime64[s]", "last_date": "datetime64[s]"})
