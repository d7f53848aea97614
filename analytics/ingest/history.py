"""After a load: upload history, undo of a whole upload, rejected lines, unknown articles/titles."""

from __future__ import annotations

import csv
import io

import duckdb
import pandas as pd

from analytics.access import Viewer
from analytics.audit import log_action
from analytics.db import load_sql
from analytics.exports import to_safe_csv_bytes
from analytics.ingest.after_load import run_after_undo
from analytics.ingest.errors import UndoBusy, UndoNotAllowed, UnknownUpload
from analytics.ingest.kinds import INCIDENT_KINDS
from analytics.ingest.transactions import is_write_conflict, rollback

UNDO_SQL = {"bulletins": "undo_bulletins", "finds": "undo_finds", "operations": "undo_operations"}


def upload_history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every upload, newest first.

    Parameters
    ----------
    con : database connection.

    Returns
    -------
    pandas.DataFrame
        Columns ``upload_id, file_name, kind, side, encoding, rows_read, accepted, rejected, duplicates, updated,
        warnings, period_start, period_end, uploaded_by, uploaded_at, status`` (``loaded`` / ``undone``).
    """
    return con.execute(load_sql("ingest/upload_history")).df()


def undo_upload(con: duckdb.DuckDBPyConnection, upload_id: int, user: str, viewer: Viewer | None = None) -> None:
    """Remove exactly what one upload wrote; restore the versions it replaced. One transaction, audit-logged.

    Parameters
    ----------
    con : database connection.
    upload_id : the upload to undo.
    user : who undoes it (audit log).
    viewer : the signed-in user, when the undo comes from one: only admins and analysts may undo, and only
        uploads of their own side or two-sided ones (the same rule as the upload page's list).

    Raises
    ------
    UnknownUpload
        No such upload, or it was undone already.
    UndoNotAllowed
        ``viewer`` may not undo this upload.
    """
    row = con.execute("SELECT kind, file_name, status, side FROM uploads WHERE upload_id = ?",
                      [upload_id]).fetchone()
    if row is None or row[2] != "loaded":
        raise UnknownUpload(
            f"загрузки №{upload_id} нет или она уже отменена; обновите список загрузок.",
            f"upload #{upload_id} does not exist or was already undone; refresh the upload list.",
        )
    kind, file_name = str(row[0]), str(row[1])
    if viewer is not None and not may_undo(viewer, row[3]):
        raise UndoNotAllowed(
            f"загрузку №{upload_id} может отменить аналитик или администратор стороны {row[3]}; обратитесь к ним.",
            f"upload #{upload_id} can be undone by an analyst or administrator of side {row[3]}; ask them.",
        )
    script = "undo_incidents" if kind in INCIDENT_KINDS else UNDO_SQL[kind]
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE ingest_undo AS SELECT CAST(? AS INTEGER) AS upload_id", [upload_id])
        if kind in INCIDENT_KINDS:
            # like a load, an undo rewrites numbers of its side: it takes the side's lock (see migration 080)
            con.execute("UPDATE incidents_load_lock SET loads = loads + 1 WHERE side = "
                        "(SELECT side FROM uploads WHERE upload_id = ?) OR "
                        "(SELECT side FROM uploads WHERE upload_id = ?) IS NULL", [upload_id, upload_id])
        con.execute(load_sql("ingest/" + script))
        con.execute("UPDATE uploads SET status = 'undone' WHERE upload_id = ?", [upload_id])
        run_after_undo(con, kind, upload_id)
        log_action(con, user, "undo", upload_id=upload_id, file=file_name, kind=kind)
        con.execute("DROP TABLE ingest_undo")
        con.execute("COMMIT")
    except BaseException as exc:
        rollback(con)
        if is_write_conflict(exc):
            # a load (or another undo) wrote the same rows meanwhile: nothing of the undo stayed
            raise UndoBusy(
                f"загрузка №{upload_id} не отменена: в это время шла другая загрузка или отмена. "
                "Обновите страницу и повторите отмену.",
                f"upload #{upload_id} was not undone: another upload or undo was running at the same time. "
                "Refresh the page and undo it again.",
            ) from exc
        raise


UPLOAD_ROLES = ("admin", "analyst")


def may_undo(viewer: Viewer, side: str | None) -> bool:
    """Admins and analysts undo uploads of their own side, and two-sided ones (no side)."""
    return viewer.role in UPLOAD_ROLES and (side is None or viewer.owns(side))


def rejects_frame(con: duckdb.DuckDBPyConnection, upload_id: int) -> pd.DataFrame:
    """Rejected lines of one upload.

    Parameters
    ----------
    con : database connection.
    upload_id : the upload.

    Returns
    -------
    pandas.DataFrame
        Columns ``line_no`` (1-based line in the file, header = its own line), ``reason``, ``raw_line``.
    """
    return con.execute(
        "SELECT line_no, reason, raw_line FROM rejects WHERE upload_id = ? ORDER BY line_no", [upload_id]
    ).df()


def rejects_table(con: duckdb.DuckDBPyConnection, upload_id: int) -> pd.DataFrame:
    """Rejected lines split back into the source's columns (same header as the file), plus ``line`` and ``reason``.

    The analyst fixes the cells and uploads the file again; the loader ignores the two added columns
    (they end up in ``extra``).
    """
    meta = con.execute("SELECT headers, delimiter FROM upload_files WHERE upload_id = ?", [upload_id]).fetchone()
    rejects = rejects_frame(con, upload_id)
    if meta is None:
        return rejects
    headers, delimiter = list(meta[0]), str(meta[1])
    rows = []
    for raw in rejects["raw_line"].tolist():
        cells = next(csv.reader(io.StringIO(raw or ""), delimiter=delimiter, quotechar='"'), [])
        rows.append((cells + [""] * len(headers))[: len(headers)])
    table = pd.DataFrame(rows, columns=headers, dtype="string")
    table["строка / line"] = rejects["line_no"].to_numpy()
    table["причина / reason"] = rejects["reason"].to_numpy()
    return table


def rejects_csv(con: duckdb.DuckDBPyConnection, upload_id: int) -> bytes:
    """The rejected lines as a formula-safe CSV (UTF-8 BOM) with the source's header, ready to fix and re-upload."""
    return to_safe_csv_bytes(rejects_table(con, upload_id))


def warnings_summary(con: duckdb.DuckDBPyConnection, upload_id: int) -> pd.DataFrame:
    """Warnings of one upload grouped by reason: ``reason, field, rows, example_line, example_value``."""
    return con.execute(load_sql("ingest/warnings_summary"), [upload_id]).df()


def unknown_mappings(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Articles / titles / objects that no rule of ``category_rules.csv`` maps (their incidents are ``other``).

    Returns
    -------
    pandas.DataFrame
        Columns ``side, article_raw, title_raw, object_raw, incidents, first_seen, last_seen``, most frequent first:
        the list an analyst turns into new mapping rules.
    """
    from analytics.ingest.pipeline import install_macros

    install_macros(con)
    return con.execute(load_sql("ingest/unknown_mappings")).df()
