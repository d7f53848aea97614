"""Shared steps of every load: the per-file source view, parameters, reference look-ups, rejects, counts.

Convention for the kind-specific steps (``analytics/sql/ingest/*.sql``): the source is the temp view
``ingest_src`` with one text column ``f_<field>`` per field of the kind (NULL when the file has no such column),
plus ``rid`` (row order), ``line_no`` (1-based line in the file), ``row_hash`` (of the raw cells) and ``extra``
(JSON of the columns the app does not know). Every kind writes ``ingest_stage`` with ``rid``, ``line_no`` and
``reject_reason``; the per-load constants are in the one-row temp table ``ingest_params``.
"""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd

from analytics.db import load_sql, quote_ident
from analytics.ingest.detect import Detection
from analytics.ingest.kinds import FIELDS
from analytics.ingest.reader import RAW, column_names

TEMP_TABLES = (
    "ingest_raw", "ingest_csv_errors", "ingest_csv_scans", "ingest_lines", "ingest_params", "ingest_stage",
    "ingest_rules", "ingest_combo", "ingest_combo_rules", "ingest_combo_cat", "ingest_summary_cat", "ingest_ready",
    "ingest_place_map", "ingest_status_map", "ingest_geo", "ingest_keys_multi", "ingest_versions", "ingest_outcome",
    "ingest_replace_keys", "ingest_final", "ingest_ids", "ingest_side_map", "ingest_direction_map",
    "ingest_districts_map",
)
TEMP_VIEWS = ("ingest_src", "ingest_raw_lines")


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the parsing macros on this connection."""
    con.execute(load_sql("ingest/macros"))


def run_sql(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Run one of the loader's SQL files (several statements, no parameters: constants come from ingest_params)."""
    con.execute(load_sql(f"ingest/{name}"))


def create_params(con: duckdb.DuckDBPyConnection, *, upload_id: int, side: str | None, first_line: int,
                  delimiter: str, extra_keys: list[str], kind: str, today: date | None = None) -> None:
    con.execute(
        "CREATE OR REPLACE TEMP TABLE ingest_params AS SELECT CAST(? AS INTEGER) AS upload_id, "
        "CAST(? AS VARCHAR) AS side, CAST(? AS DATE) AS today, CAST(? AS BIGINT) AS first_line, "
        "CAST(? AS VARCHAR) AS delim, CAST(? AS VARCHAR[]) AS extra_keys, CAST(? AS VARCHAR) AS kind",
        [upload_id, side, today or date.today(), first_line, delimiter, extra_keys, kind],
    )


def extra_headers(detection: Detection) -> list[tuple[str, str]]:
    """(column, header) of the columns kept verbatim in ``extra``."""
    cols = column_names(len(detection.headers))
    return [(col, header) for col, header in zip(cols, detection.headers, strict=True)
            if detection.column_map.get(header) is None]


def create_source_view(con: duckdb.DuckDBPyConnection, detection: Detection, exact_lines: bool) -> None:
    """The view ``ingest_src`` over ``ingest_raw``: fields by name, blank rows dropped (they are not data)."""
    cols = column_names(len(detection.headers))
    by_field = {field: col for col, header in zip(cols, detection.headers, strict=True)
                if (field := detection.column_map.get(header))}
    parts = ["r.rowid AS rid"]
    parts.append("l.line_no AS line_no" if exact_lines else "r.rowid + p.first_line AS line_no")
    parts.append("hash(" + ", ".join(f"r.{quote_ident(c)}" for c in cols) + ") AS row_hash")
    for field in FIELDS[detection.kind]:
        col = by_field.get(field)
        source = f"ingest_text(r.{quote_ident(col)})" if col else "CAST(NULL AS VARCHAR)"
        parts.append(f"{source} AS {quote_ident('f_' + field)}")
    extras = [col for col, _ in extra_headers(detection)]
    if extras:
        values = "[" + ", ".join(f"ingest_text(r.{quote_ident(c)})" for c in extras) + "]"
        parts.append(f"CAST(to_json(map(p.extra_keys, {values})) AS JSON) AS extra")
    else:
        parts.append("CAST(NULL AS JSON) AS extra")
    not_blank = "trim(concat_ws('', " + ", ".join(f"r.{quote_ident(c)}" for c in cols) + ")) <> ''"
    joins = f" FROM {RAW} r CROSS JOIN ingest_params p"
    if exact_lines:
        joins += " JOIN ingest_lines l ON l.rid = r.rowid"
    # Identifiers only (each through quote_ident), no values: the one dynamic statement of the loader.
    view = ("CREATE OR REPLACE TEMP VIEW ingest_src AS SELECT "  # noqa: S608
            + ", ".join(parts) + joins + " WHERE " + not_blank)
    con.execute(view)
    cells = ", ".join(f"ingest_csv_cell(r.{quote_ident(c)}, p.delim)" for c in cols)
    lines = ("CREATE OR REPLACE TEMP VIEW ingest_raw_lines AS SELECT r.rowid AS rid, "  # noqa: S608
             + "concat_ws(p.delim, " + cells + f") AS raw_line FROM {RAW} r CROSS JOIN ingest_params p")
    con.execute(lines)


def register_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Copy a small pandas frame into a temp table (the results of per-distinct-value look-ups)."""
    view = f"{table}_df"
    con.register(view, frame)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {quote_ident(table)} AS "  # noqa: S608 (identifiers only)
                    f"SELECT * FROM {quote_ident(view)}")
    finally:
        con.unregister(view)


def distinct_frame(con: duckdb.DuckDBPyConnection, query: str) -> pd.DataFrame:
    """Result of a small ``SELECT DISTINCT`` over the stage as a frame of Python objects (None for NULL)."""
    result = con.execute(query)
    columns = [d[0] for d in result.description or []]
    return pd.DataFrame(result.fetchall(), columns=columns, dtype="object")


def annotate_geo(con: duckdb.DuckDBPyConnection) -> None:
    """``ingest_geo``: geo checks, swap fix, H3 and border distance on DISTINCT (side, lat, lon) of the stage."""
    from analytics.geo import annotate_points

    arrays = con.execute(
        "SELECT DISTINCT side, lat_in, lon_in FROM ingest_stage "
        "WHERE reject_reason IS NULL AND side IS NOT NULL AND lat_in IS NOT NULL AND lon_in IS NOT NULL"
    ).fetchnumpy()
    lat = np.asarray(arrays["lat_in"], dtype=np.float64)
    lon = np.asarray(arrays["lon_in"], dtype=np.float64)
    side = np.asarray(arrays["side"], dtype=object)
    notes = annotate_points(lat, lon, side)
    frame = pd.DataFrame({
        "side": pd.Series(side, dtype=object), "lat_in": lat, "lon_in": lon,
        "lat": notes["lat"].to_numpy(dtype=np.float64), "lon": notes["lon"].to_numpy(dtype=np.float64),
        "geo_ok": notes["geo_ok"].to_numpy(dtype=bool),
        "geo_flag": pd.Series(notes["geo_flag"].to_numpy(dtype=object), dtype=object),
        "h3_r7": notes["h3_r7"].to_numpy(dtype=np.uint64),
        "border_km": notes["border_km"].to_numpy(dtype=np.float64),
    })
    register_frame(con, "ingest_geo", frame)


def write_rejects(con: duckdb.DuckDBPyConnection) -> None:
    run_sql(con, "rejects")


def drop_temp(con: duckdb.DuckDBPyConnection) -> None:
    """Free the per-load temp tables (they live until the connection closes otherwise)."""
    for view in TEMP_VIEWS:
        con.execute(f"DROP VIEW IF EXISTS {quote_ident(view)}")
    for table in TEMP_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {quote_ident(table)}")


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> int:
    row = con.execute(sql, params or []).fetchone()
    return int(row[0]) if row and row[0] is not None else 0
