"""Per-process tables of what H3 gives for a cell (its k-ring, its centre), looked up for many cells at once.

The same cells come back with every filter and rerun (the study area has ~35k r7 cells), and a Python call per
cell (even a cached one) was most of the Gi* and map time. A :class:`CellTable` keeps the cells seen so far
sorted with their rows, so a lookup is one binary search; only cells never seen call H3. What it stores
depends on the H3 grid alone, never on the incidents.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np

# Grown tables stop growing beyond this many cells (a lookup then computes the new cells without keeping them).
MAX_CELLS = 1 << 20


class CellTable:
    """Rows of ``width`` values (``dtype``) per H3 cell, from ``compute(cell)``, cached for the process.

    Parameters
    ----------
    compute : the row of one cell (a sequence of ``width`` numbers).
    width : values per row.
    dtype : numpy dtype of the rows.
    """

    def __init__(self, compute: Callable[[int], Sequence[float] | Sequence[int]], width: int,
                 dtype: type | np.dtype) -> None:
        self._compute = compute
        self._width = width
        self._dtype = np.dtype(dtype)
        # (sorted cells, their rows): replaced whole under the lock, never modified, so a reader's snapshot
        # is always consistent.
        self._table = (np.empty(0, dtype=np.uint64), np.empty((0, width), dtype=self._dtype))
        self._lock = threading.Lock()

    def rows(self, cells: np.ndarray) -> np.ndarray:
        """The rows of ``cells`` (uint64, any order, repeats allowed), shape ``(len(cells), width)``.

        Parameters
        ----------
        cells : H3 cells.

        Returns
        -------
        numpy.ndarray of the table's dtype.
        """
        cells = np.asarray(cells, dtype=np.uint64).reshape(-1)
        keys, rows = self._table
        at = np.searchsorted(keys, cells)
        found = at < keys.size
        found[found] = keys[at[found]] == cells[found]
        if found.all():
            return rows[at]
        missing = np.unique(cells[~found])
        new_rows = np.array([self._compute(int(c)) for c in missing.tolist()],
                            dtype=self._dtype).reshape(-1, self._width)
        self._add(missing, new_rows)
        out = np.empty((cells.size, self._width), dtype=self._dtype)
        out[found] = rows[at[found]]
        out[~found] = new_rows[np.searchsorted(missing, cells[~found])]
        return out

    def _add(self, cells: np.ndarray, rows: np.ndarray) -> None:
        with self._lock:
            keys, old = self._table
            if keys.size + cells.size > MAX_CELLS:
                return  # full: the new rows were computed for this lookup only
            fresh = ~np.isin(cells, keys)
            all_keys = np.concatenate([keys, cells[fresh]])
            order = np.argsort(all_keys, kind="stable")
            self._table = (all_keys[order], np.concatenate([old, rows[fresh]])[order])
