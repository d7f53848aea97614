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
from analytics.ingest.kinds import FIELDS, REQUIRED
from analytics.ingest.reader import RAW, SPARE_COLUMNS, column_names

# Keys are trimmed of spaces, tabs and no-break spaces (a trailing space must not make a second registration
# number). Every other field is kept as exported, an empty cell becoming NULL: the parsers (dates, numbers, flags)
# trim only the values that need it, and the look-ups normalise the distinct values themselves.
TRIMMED = {"source_id", "bulletin_no", "code"}


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the parsing macros on this connection."""
    con.execute(load_sql("ingest/macros"))


def run_sql(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Run one of the loader's SQL files (several statements, no parameters: constants come from ingest_params)."""
    con.execute(load_sql("ingest/" + name))


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
    """Views over ``ingest_raw``: ``ingest_src`` (fields by name, blank rows dropped — they are not data),
    ``ingest_row_hash`` (hash of a row's raw cells, for exact repeats) and ``ingest_raw_lines`` (a row as a CSV
    line in the file's delimiter, for rejects)."""
    cols = column_names(len(detection.headers))
    refs = [f"r.{quote_ident(c)}" for c in cols]
    by_field = {field: col for col, header in zip(cols, detection.headers, strict=True)
                if (field := detection.column_map.get(header))}
    parts = ["r.rowid AS rid"]
    parts.append("l.line_no AS line_no" if exact_lines else "r.rowid + p.first_line AS line_no")
    for field in FIELDS[detection.kind]:
        col = by_field.get(field)
        macro = "ingest_text" if field in TRIMMED else "ingest_free"
        source = f"{macro}(r.{quote_ident(col)})" if col else "CAST(NULL AS VARCHAR)"
        parts.append(f"{source} AS {quote_ident('f_' + field)}")
    extras = [col for col, _ in extra_headers(detection)]
    if extras:
        values = "[" + ", ".join(f"ingest_text(r.{quote_ident(c)})" for c in extras) + "]"
        parts.append(f"CAST(to_json(map(p.extra_keys, {values})) AS JSON) AS extra")
    else:
        parts.append("CAST(NULL AS JSON) AS extra")
    # Blank rows (Excel's ";;;;" lines) are not data: all cells NULL (cheap test), or — checked only for rows
    # without a number — nothing but spaces.
    keys = [f"r.{quote_ident(by_field[f])}" for f in REQUIRED[detection.kind] if f in by_field]
    spare = [f"r.{quote_ident(c)}" for c in column_names(len(cols) + SPARE_COLUMNS)[len(cols):]]
    not_blank = "NOT (" + " AND ".join(f"{ref} IS NULL" for ref in refs) + ")"
    if keys:
        not_blank += (" AND (" + " OR ".join(f"{k} IS NOT NULL" for k in keys)
                      + " OR trim(concat_ws('', " + ", ".join(refs) + ")) <> '')")
    joins = f" FROM {RAW} r CROSS JOIN ingest_params p"
    if exact_lines:
        joins += " JOIN ingest_lines l ON l.rid = r.rowid"
    # Identifiers only (each through quote_ident), no values: the dynamic statements of the loader.
    parts.append("(" + " OR ".join(f"{ref} IS NOT NULL" for ref in spare) + ") AS too_many_cells")
    view = ("CREATE OR REPLACE TEMP VIEW ingest_src AS SELECT "  # noqa: S608
            + ", ".join(parts) + joins + " WHERE " + not_blank)
    con.execute(view)
    hashes = ("CREATE OR REPLACE TEMP VIEW ingest_row_hash AS SELECT r.rowid AS rid, "  # noqa: S608
              + "hash(" + ", ".join(refs) + f") AS row_hash FROM {RAW} r")
    con.execute(hashes)
    cells = ", ".join(f"ingest_csv_cell({ref}, p.delim)" for ref in refs)
    surplus = "".join(f" || CASE WHEN {ref} IS NOT NULL THEN p.delim || ingest_csv_cell({ref}, p.delim) ELSE '' END"
                      for ref in spare)
    lines = ("CREATE OR REPLACE TEMP VIEW ingest_raw_lines AS SELECT r.rowid AS rid, "  # noqa: S608
             + "concat_ws(p.delim, " + cells + ")" + surplus + f" AS raw_line FROM {RAW} r CROSS JOIN ingest_params p")
    con.execute(lines)


def register_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    """Copy a small pandas frame into a temp table (the results of per-distinct-value look-ups)."""
    view = f"{table}_df"
    con.register(view, frame)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE " + quote_ident(table)  # noqa: S608 (quoted identifiers only)
                    + " AS SELECT * FROM " + quote_ident(view))
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
    """Free the per-load temp tables and views (they live until the connection closes otherwise)."""
    views = [r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE temporary "
                                       "AND starts_with(view_name, 'ingest_')").fetchall()]
    for view in views:
        con.execute("DROP VIEW IF EXISTS " + quote_ident(view))
    tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary "
                                        "AND starts_with(table_name, 'ingest_')").fetchall()]
    for table in tables:
        con.execute("DROP TABLE IF EXISTS " + quote_ident(table))


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> int:
    row = con.execute(sql, params or []).fetchone()
    return int(row[0]) if row and row[0] is not None else 0
