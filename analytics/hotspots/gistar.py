"""Getis-Ord Gi* on H3 cells: analytic z, randomization p-values, Benjamini–Hochberg FDR, Esri-style classes.

Weights are binary over the k-ring (the cell itself included), as in Esri's Optimized Hot Spot Analysis on a
hexagon grid. The set of cells analysed is every cell with an incident plus its k-ring (zeros included), so
that each incident cell's neighbourhood is complete and isolated incidents are weighed against empty
surroundings.

Two p-values are reported:

* ``p_norm`` — from the analytic z (normal approximation). As in Esri's hot spot tools, the classes come from
  it: ``p_fdr`` is its Benjamini–Hochberg adjustment over all analysed cells, and ``class`` is ``hot_99/95/90``,
  ``cold_99/95/90`` or ``none`` by ``p_fdr`` ≤ 0.01/0.05/0.10 and the sign of z.
* ``p_sim`` — Monte-Carlo randomization: the cell's local sum against ``permutations`` sums of as many counts
  drawn at random from all cells (with replacement, so slightly conservative), two-sided:
  ``2 (min(#draws ≥ observed, #draws ≤ observed) + 1) / (permutations + 1)``; ties count on both sides, so an
  empty neighbourhood among many empty cells is not "extreme". It is a robustness check shown next to the
  class, not used for it: with 999 draws it cannot go below 0.002, and FDR over thousands of cells needs
  smaller p-values than that (and the draws include the other hot spots' counts, which dilutes a map with
  several clusters).
"""

from __future__ import annotations

from functools import lru_cache, partial

import h3
import numpy as np
import pandas as pd
from scipy import stats

from analytics.hotspots.celltable import CellTable

LEVELS = ((0.01, "99"), (0.05, "95"), (0.10, "90"))
CLASSES = ("hot_99", "hot_95", "hot_90", "none", "cold_90", "cold_95", "cold_99")


@lru_cache(maxsize=1 << 16)
def disk_row(cell: int, k: int) -> tuple[int, ...]:
    """The cell followed by its k-ring in ``h3.grid_disk`` order, padded with 0 to ``3k(k+1)+1`` entries
    (pentagons have fewer neighbours). Cached for the process: the same cells come back with every filter
    and rerun, and the H3 call was most of the Gi* time (the study area has ~35k r7 cells)."""
    ring = h3.api.basic_int.grid_disk(cell, k)
    ring.remove(cell)
    return (cell, *ring) + (0,) * (3 * k * (k + 1) - len(ring))


def _disk_rows(cells: np.ndarray, k: int) -> np.ndarray:
    if k not in _DISK_TABLES:
        _DISK_TABLES[k] = CellTable(partial(_uncached_disk_row, k=k), 3 * k * (k + 1) + 1, np.uint64)
    return _DISK_TABLES[k].rows(cells)


def _uncached_disk_row(cell: int, k: int) -> tuple[int, ...]:
    return disk_row.__wrapped__(cell, k)


# disk_row of many cells at once, per ring distance (see analytics.hotspots.celltable).
_DISK_TABLES: dict[int, CellTable] = {}


def neighbour_matrix(cells: np.ndarray, k: int = 1) -> np.ndarray:
    """Index matrix of each cell's k-ring within ``cells`` (itself first), padded with -1.

    Parameters
    ----------
    cells : distinct H3 cells (uint64).
    k : ring distance.

    Returns
    -------
    numpy.ndarray of int64, shape (n, 3k(k+1)+1).
    """
    width = 3 * k * (k + 1) + 1
    if cells.size == 0:
        return np.empty((0, width), dtype=np.int64)
    rings = _disk_rows(cells, k)
    if cells.size > 1 and not (cells[1:] > cells[:-1]).all():
        found = pd.Index(cells).get_indexer(rings.ravel()).reshape(rings.shape).astype(np.int64)
    else:
        # Sorted cells (as dilate gives them): a binary search, no hash table.
        found = np.searchsorted(cells, rings).astype(np.int64)
        found[found >= cells.size] = 0
        found[cells[found] != rings] = -1
    found[rings == 0] = -1
    return found


def dilate(cells: np.ndarray, k: int = 1) -> np.ndarray:
    """The cells plus their k-rings, distinct, sorted (uint64)."""
    if cells.size == 0:
        return np.empty(0, dtype=np.uint64)
    grown = np.unique(_disk_rows(cells, k))
    return grown[grown != 0].astype(np.uint64)


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """BH-adjusted p-values (q-values), same order as ``p``."""
    p = np.asarray(p, dtype=np.float64)
    n = p.size
    if n == 0:
        return p.copy()
    order = np.argsort(p)
    ranked = p[order] * n / np.arange(1, n + 1)
    adjusted = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(n)
    out[order] = np.clip(adjusted, 0.0, 1.0)
    return out


def classify(z: np.ndarray, p_fdr: np.ndarray) -> np.ndarray:
    """Esri-style class labels from the sign of z and the FDR-adjusted p."""
    out = np.full(z.size, "none", dtype=object)
    for level, name in LEVELS[::-1]:
        sig = p_fdr <= level
        out[sig & (z > 0)] = f"hot_{name}"
        out[sig & (z < 0)] = f"cold_{name}"
    return out


def _simulated_p(counts: np.ndarray, local: np.ndarray, size: np.ndarray, permutations: int,
                 rng: np.random.Generator) -> np.ndarray:
    """Folded pseudo p from ``permutations`` randomizations, the draws shared by all cells (so the
    null of every cell with ``w`` neighbours is one sorted vector and each cell costs a binary search)."""
    if permutations <= 0:
        return np.full(size.size, np.nan)
    p = np.ones(size.size)
    draws = counts[rng.integers(0, counts.size, size=(permutations, int(size.max())))]
    cumulative = np.cumsum(draws, axis=1)
    for w in np.unique(size):
        rows = np.flatnonzero(size == w)
        null = np.sort(cumulative[:, int(w) - 1])
        # Ties count on both sides: with many empty cells a zero sum is common, not extreme.
        upper = permutations - np.searchsorted(null, local[rows], side="left")  # draws >= observed
        lower = np.searchsorted(null, local[rows], side="right")  # draws <= observed
        p[rows] = np.minimum(1.0, 2.0 * (np.minimum(upper, lower) + 1.0) / (permutations + 1.0))
    return p


GI_COLUMNS = {"h3": np.uint64, "count": np.int64, "neighbours": np.int64, "local_sum": np.float64,
              "gi_z": np.float64, "p_norm": np.float64, "p_sim": np.float64, "p_fdr": np.float64,
              "class": object}


def gi_star_arrays(counts: np.ndarray, nbr: np.ndarray, permutations: int = 999,
                   rng: np.random.Generator | None = None) -> dict[str, np.ndarray]:
    """Gi* on a fixed set of cells given their counts and neighbour matrix (see :func:`neighbour_matrix`).

    Parameters
    ----------
    counts : float counts per cell.
    nbr : (n, w) neighbour indices, -1 for none.
    permutations : Monte-Carlo randomizations for ``p_sim`` (0 to skip: NaN).
    rng : random generator for ``p_sim``.

    Returns
    -------
    dict of arrays ``neighbours, local_sum, gi_z, p_norm, p_sim, p_fdr, class``.
    """
    counts = np.asarray(counts, dtype=np.float64)
    valid = nbr >= 0
    size = valid.sum(axis=1)
    local = np.where(valid, counts[np.where(valid, nbr, 0)], 0.0).sum(axis=1)
    n = counts.size
    mean = counts.mean() if n else 0.0
    sd = float(np.sqrt(max((counts**2).mean() - mean**2, 0.0))) if n else 0.0
    denom = sd * np.sqrt(np.maximum(n * size - size**2, 0) / max(n - 1, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(denom > 0, (local - mean * size) / np.where(denom > 0, denom, 1.0), 0.0)
    p_norm = 2.0 * stats.norm.sf(np.abs(z))
    if sd > 0:
        p_sim = _simulated_p(counts, local, size, permutations, rng or np.random.default_rng(0))
    else:
        p_sim = np.ones(n) if permutations > 0 else np.full(n, np.nan)
    p_fdr = benjamini_hochberg(p_norm)
    return {"neighbours": size.astype(np.int64), "local_sum": local, "gi_z": z, "p_norm": p_norm,
            "p_sim": p_sim, "p_fdr": p_fdr, "class": classify(z, p_fdr)}


def compute_gi_star(cells: pd.DataFrame, k: int = 1, permutations: int = 999, seed: int = 0,
                    fill: bool = True) -> pd.DataFrame:
    """Getis-Ord Gi* for counts on H3 cells.

    Parameters
    ----------
    cells : columns ``h3`` (uint64) and ``count``; one row per cell with incidents.
    k : neighbourhood ring distance (1 = the cell and its 6 neighbours).
    permutations : Monte-Carlo randomizations for ``p_sim`` (0 to skip).
    seed : random seed for ``p_sim``.
    fill : add the zero-count cells of the incident cells' k-rings (see module docstring).

    Returns
    -------
    pandas.DataFrame
        ``h3, count, neighbours, local_sum, gi_z, p_norm, p_sim, p_fdr, class``, one row per analysed
        cell, sorted by ``gi_z`` descending.
    """
    if cells.empty:
        return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in GI_COLUMNS.items()})
    return pd.DataFrame(gi_star_columns(cells, k, permutations, seed, fill))


def gi_star_columns(cells: pd.DataFrame, k: int = 1, permutations: int = 999, seed: int = 0,
                    fill: bool = True) -> dict[str, np.ndarray]:
    """:func:`compute_gi_star` as column arrays in its order (for callers that add columns before building
    their own frame: one frame instead of three).

    Parameters
    ----------
    cells : as :func:`compute_gi_star`, not empty.
    k, permutations, seed, fill : as :func:`compute_gi_star`.

    Returns
    -------
    dict of numpy arrays, keys as :data:`GI_COLUMNS`, rows sorted by ``gi_z`` descending then cell.
    """
    h3_cells = cells["h3"].to_numpy(np.uint64)
    values = cells["count"].to_numpy()
    if values.dtype.kind in "iu" and (h3_cells.size < 2 or bool((h3_cells[1:] > h3_cells[:-1]).all())):
        # Distinct sorted cells with integer counts (what cell_counts gives): the groupby and reindex below
        # would return them as they are, so the counts are placed into the universe directly.
        given_cells = h3_cells
        universe = dilate(given_cells, k) if fill else given_cells.copy()
        counts = np.zeros(universe.size, dtype=np.float64)
        counts[np.searchsorted(universe, given_cells)] = values
    else:
        given = cells.groupby("h3", sort=False)["count"].sum()
        universe = dilate(given.index.to_numpy(np.uint64), k) if fill else np.sort(given.index.to_numpy(np.uint64))
        counts = given.reindex(universe, fill_value=0).to_numpy(np.float64)
    result = gi_star_arrays(counts, neighbour_matrix(universe, k), permutations, np.random.default_rng(seed))
    # z descending, then cell ascending: ordered as numpy arrays before any frame is built. z is never NaN
    # (0 where undefined) and cells are distinct, so the order is the one
    # sort_values(["gi_z", "h3"], ascending=[False, True]) gives.
    order = np.lexsort((universe, -result["gi_z"]))
    columns = {"h3": universe, "count": counts.astype(np.int64), **result}
    return {name: values[order] for name, values in columns.items()}
