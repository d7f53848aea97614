"""Sharing control: which incident fields of one side the other side may see, enforced here
(the analytics layer), not only hidden in pages.

Every analytics function that returns row-level incidents passes its frame through
:func:`redact_incidents` with the viewer.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.access import Viewer

# Fields that can be withheld from the other side; the rest (date, category, district) is always shared.
RESTRICTABLE_FIELDS = ("source_id", "summary", "lat", "lon", "settlement", "damage", "extra", "occurred_at")
# Until an admin says otherwise the other side sees no fabula and no exact location.
DEFAULT_HIDDEN = ("summary", "lat", "lon", "settlement", "extra")


def hidden_fields(con: duckdb.DuckDBPyConnection, owner_side: str) -> set[str]:
    """Fields of ``owner_side``'s incidents hidden from the other side (policy table, else defaults)."""
    rows = con.execute(
        "SELECT field, visible FROM sharing_policy WHERE owner_side = ?", [owner_side]
    ).fetchall()
    policy = {field: visible for field, visible in rows}
    return {f for f in RESTRICTABLE_FIELDS if not policy.get(f, f not in DEFAULT_HIDDEN)}


def redact_incidents(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, viewer: Viewer) -> pd.DataFrame:
    """Blank the fields the viewer's side may not see on rows owned by the other side.

    Parameters
    ----------
    frame : row-level incidents with a ``side`` column (empty is fine).
    viewer : who asks. ``BOTH`` sees everything.

    Returns
    -------
    A copy with hidden cells set to missing; columns and row count unchanged.
    """
    if viewer.sees_everything or frame.empty or "side" not in frame.columns:
        return frame
    redacted = frame.copy()
    for owner in ("KZ", "KG"):
        if owner == viewer.side:
            continue
        rows = redacted["side"] == owner
        for column in hidden_fields(con, owner) & set(redacted.columns):
            redacted[column] = redacted[column].astype(object)
            redacted.loc[rows, column] = None
    return redacted
