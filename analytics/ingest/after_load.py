"""Derived data refreshed inside the load transaction, so that no page pays for it after an upload.

Each step takes the connection (inside the load's open transaction), the file kind and the upload id. A step
that fails makes the whole load fail and roll back, like any other step of the load.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from analytics import border, bulletins, compstat

Step = Callable[[duckdb.DuckDBPyConnection, str, int], None]


def match_bulletins(con: duckdb.DuckDBPyConnection, kind: str, upload_id: int) -> None:
    """Fabula identifiers of an incident upload, then the match proposals of the upload's rows."""
    bulletins.propose_for_upload(con, kind, upload_id)


# Matching proposals, the CompStat/trend and the border-corridor pre-aggregates: each refreshed
# by the writer, so a reader after an upload never rebuilds anything.
STEPS: tuple[Step, ...] = (match_bulletins, compstat.refresh_after_load, border.refresh_after_load)


# After an undo: the undo scripts drop the proposals of removed rows and re-date the matches; the bulletins' first
# finds and the pre-aggregates follow.
UNDO_STEPS: tuple[Step, ...] = (bulletins.refresh_after_undo, compstat.refresh_after_load, border.refresh_after_load)


def run_after_undo(con: duckdb.DuckDBPyConnection, kind: str, upload_id: int) -> None:
    """Run every after-undo step for this upload (inside the undo's transaction)."""
    for step in UNDO_STEPS:
        step(con, kind, upload_id)


def run_after_load(con: duckdb.DuckDBPyConnection, kind: str, upload_id: int) -> None:
    """Run every after-load step for this upload (inside the caller's transaction)."""
    for step in STEPS:
        step(con, kind, upload_id)
