"""Reading the body of a file into DuckDB: re-encode to UTF-8 when needed, parse with ``read_csv``.

DuckDB reads UTF-8 only (cp1251 is not among its built-in encodings), so other encodings are decoded by Python
in large chunks into a temporary UTF-8 file. Every column is read as VARCHAR; typing happens in SQL.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from analytics.db import load_sql
from analytics.ingest.detect import Detection
from analytics.ingest.errors import unreadable

CHUNK = 16 * 1024 * 1024
RAW = "ingest_raw"
SPARE_COLUMNS = 4
TAIL = 65536


def scan_file(path: Path) -> tuple[str, int]:
    """One pass over the file's bytes: (hex SHA-256, number of lines up to the last non-blank one).

    The line count is the same in the file and in its UTF-8 copy (a line feed is one byte in every supported
    encoding, and so are the trailing spaces, tabs and line ends that do not count), so the copy is not read again
    to count its lines.
    """
    digest = hashlib.sha256()
    newlines = 0
    tail = b""
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
            # numpy counts several times faster than bytes.count and lets go of the GIL (the copy runs meanwhile)
            newlines += int(np.count_nonzero(np.frombuffer(block, dtype=np.uint8) == 10))
            tail = (tail + block[-TAIL:])[-TAIL:]
    # Trailing blank lines are skipped by the parser and by the count alike.
    stripped = tail.rstrip(b" \t\r\n")
    lines = newlines - tail[len(stripped):].count(b"\n") + (1 if stripped else 0)
    return digest.hexdigest(), lines


@contextmanager
def utf8_copy(path: Path, encoding: str) -> Iterator[Path]:
    """The file itself when it is UTF-8, else a temporary UTF-8 copy (deleted afterwards)."""
    if encoding in ("utf-8", "utf-8-sig"):
        yield path
        return
    handle, name = tempfile.mkstemp(prefix="shekara-ingest-", suffix=".csv")
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        with open(path, "rb") as source, os.fdopen(handle, "wb") as target:
            for block in iter(lambda: source.read(CHUNK), b""):
                target.write(decoder.decode(block).encode("utf-8"))
            target.write(decoder.decode(b"", final=True).encode("utf-8"))
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def column_names(width: int) -> list[str]:
    return [f"c{i}" for i in range(width)]


def read_raw(con: duckdb.DuckDBPyConnection, source: Path, detection: Detection, name: str) -> int:
    """Parse the body into the temp table ``ingest_raw`` (``c0 … cN`` VARCHAR, file order kept in ``rowid``).

    Lines DuckDB cannot parse (too many columns, broken quotes, invalid UTF-8) land in ``ingest_csv_errors``
    with their line number instead of failing the load. Returns the number of rows read.
    """
    # A few spare columns catch rows with more cells than the header (an unquoted delimiter in a fabula): the
    # lenient parser would otherwise drop the surplus silently; such rows are rejected as malformed instead.
    columns = {name_: "VARCHAR" for name_ in column_names(len(detection.headers) + SPARE_COLUMNS)}
    for statement in ("DROP TABLE IF EXISTS ingest_raw", "DROP TABLE IF EXISTS ingest_csv_errors",
                      "DROP TABLE IF EXISTS ingest_csv_scans"):
        con.execute(statement)
    # The parallel reader cannot pad short rows when a quoted cell spans lines; such files are read serially.
    for parallel in (True, False):
        try:
            con.execute(load_sql("ingest/read_raw"),
                        [str(source), detection.header_end_line, detection.delimiter, columns, parallel])
            break
        except duckdb.Error as exc:
            if parallel and "parallel" in str(exc):
                for statement in ("DROP TABLE IF EXISTS ingest_raw", "DROP TABLE IF EXISTS ingest_csv_errors",
                                  "DROP TABLE IF EXISTS ingest_csv_scans"):
                    con.execute(statement)
                continue
            raise unreadable(name, f"ошибка разбора CSV ({exc})", f"CSV parsing failed ({exc})") from exc
    row = con.execute("SELECT count(*) FROM ingest_raw").fetchone()
    return int(row[0]) if row else 0


def exact_line_numbers(con: duckdb.DuckDBPyConnection, source: Path, detection: Detection, rows: int,
                       lines: int | None = None) -> bool:
    """Make ``ingest_lines(rid, line_no)`` when rows do not sit one per line after the header.

    The fast path numbers rows as ``header_end_line + 1 + rowid``. Blank lines (skipped by the parser), lines
    rejected by the parser and quoted line breaks shift that; then the true line of every record is found with
    Python's csv module (rare files only). ``lines`` is the file's line count from :func:`scan_file` (counted
    here when not given). Returns True when the table was made.
    """
    error_lines = [int(r[0]) for r in con.execute("SELECT DISTINCT line FROM ingest_csv_errors ORDER BY 1").fetchall()]
    if lines is None:
        lines = scan_file(source)[1]
    if not error_lines and lines == detection.header_end_line + rows:
        return False
    starts: list[int] = []
    with open(source, encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=detection.delimiter, quotechar='"', doublequote=True)
        previous = 0
        try:
            for record in reader:
                start = previous + 1
                previous = reader.line_num
                if start <= detection.header_end_line or not record:
                    continue
                if start in error_lines:
                    continue
                starts.append(start)
        except csv.Error:
            return False
    if len(starts) != rows:
        return False
    frame = pd.DataFrame({"rid": np.arange(rows, dtype=np.int64), "line_no": np.asarray(starts, dtype=np.int64)})
    con.register("ingest_lines_df", frame)
    con.execute("CREATE OR REPLACE TEMP TABLE ingest_lines AS SELECT * FROM ingest_lines_df")
    con.unregister("ingest_lines_df")
    return True
