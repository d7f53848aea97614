"""``load_file``: one export file in, one transaction, an :class:`IngestResult` out."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from analytics.audit import log_action
from analytics.config import load_settings
from analytics.ingest.after_load import run_after_load
from analytics.ingest.detect import Detection, detect_file
from analytics.ingest.errors import FileTooLarge, IngestError, LoadBusy, unreadable
from analytics.ingest.kinds import INCIDENT_KINDS
from analytics.ingest.pipeline import (
    create_params,
    create_source_view,
    drop_temp,
    extra_headers,
    install_macros,
    scalar,
    write_rejects,
)
from analytics.ingest.reader import exact_line_numbers, read_raw, scan_file, utf8_copy
from analytics.ingest.transactions import is_write_conflict, rollback

# How long a load waits for a concurrent load of the same side (a 5M-row file takes about a minute).
RETRY_SECONDS = 600
CLI_KEYS = ("file", "kind", "side", "encoding", "delimiter", "rows_read", "accepted", "rejected", "duplicates",
            "updated", "already_loaded", "warnings")


@dataclass
class IngestResult:
    """What happened to one file.

    ``rows_read = accepted + rejected + duplicates + updated`` (blank lines are not rows). ``duplicates`` counts
    exact repeats inside the file and rows identical to what is already stored; ``updated`` counts rows that
    replaced a stored version (kept in the history table). ``already_loaded`` means the very same file (sha256)
    was loaded before: nothing was added and every count is 0.
    """

    file: str
    kind: str
    side: str | None
    encoding: str
    delimiter: str
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    updated: int = 0
    already_loaded: bool = False
    warnings: int = 0
    upload_id: int | None = None
    warnings_by_reason: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        """The CLI's JSON object (keys of the scripting contract, in order)."""
        data = asdict(self)
        return {key: data[key] for key in CLI_KEYS}


def clean_file_name(name: str) -> str:
    """The name as recorded and shown: no directory part, no control characters (it comes from a browser)."""
    base = re.split(r"[\\/]", str(name))[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".").strip()
    return base or "upload.csv"


def _limit_check(path: Path, name: str) -> None:
    limit_mb = load_settings().upload_limit_mb
    size = path.stat().st_size
    if size > limit_mb * 1024 * 1024:
        raise FileTooLarge(
            f"файл «{name}» занимает {size / 1048576:.0f} МБ, больше предела {limit_mb} МБ. Разбейте выгрузку по "
            "месяцам или попросите администратора поднять SHEKARA_UPLOAD_LIMIT_MB.",
            f"file '{name}' is {size / 1048576:.0f} MB, over the {limit_mb} MB limit. Split the export by month or "
            "ask the administrator to raise SHEKARA_UPLOAD_LIMIT_MB.",
        )


def _loaded_before(con: duckdb.DuckDBPyConnection, sha256: str) -> tuple[int, str, str | None] | None:
    row = con.execute(
        "SELECT upload_id, kind, side FROM uploads WHERE sha256 = ? AND status = 'loaded' ORDER BY upload_id LIMIT 1",
        [sha256],
    ).fetchone()
    return (int(row[0]), str(row[1]), row[2]) if row else None


_MEMORY_LOCK = threading.Lock()
_LOADS_RUNNING: dict[str, int] = {}  # database file -> loads running on it in this process


def _database_file(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute("SELECT file FROM pragma_database_list WHERE name = current_database()").fetchone()
    return str(row[0]) if row and row[0] else ":memory:"


@contextmanager
def load_memory(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Hold DuckDB's memory to ``load_memory_limit`` while a load runs, then give back ``duckdb_memory_limit``.

    The limit belongs to the database instance (every cursor of the app shares it), so concurrent loads count
    themselves in: the first one lowers it, the last one restores it.
    """
    settings = load_settings()
    if not settings.load_memory_limit:
        yield
        return
    key = _database_file(con)
    with _MEMORY_LOCK:
        if not _LOADS_RUNNING.get(key):
            con.execute("SET memory_limit = ?", [settings.load_memory_limit])
        _LOADS_RUNNING[key] = _LOADS_RUNNING.get(key, 0) + 1
    try:
        yield
    finally:
        with _MEMORY_LOCK:
            _LOADS_RUNNING[key] -= 1
            if not _LOADS_RUNNING[key]:
                del _LOADS_RUNNING[key]
                con.execute("SET memory_limit = ?", [settings.duckdb_memory_limit])


def _kind_steps(kind: str) -> tuple[Callable[[duckdb.DuckDBPyConnection], None],
                                     Callable[[duckdb.DuckDBPyConnection], dict[str, int]]]:
    from analytics.ingest import registers

    if kind in INCIDENT_KINDS:
        from analytics.ingest.incidents import load_incidents

        return load_incidents, registers.outcome_counts
    return registers.STEPS[kind]


def load_file(con: duckdb.DuckDBPyConnection, path: Path | str, *, kind: str = "auto", side: str | None = None,
              user: str = "system", column_map: dict[str, str | None] | None = None,
              file_name: str | None = None, today: date | None = None) -> IngestResult:
    """Load one export file (any side, any supported kind) in one transaction.

    Parameters
    ----------
    con : an open database connection (or cursor).
    path : the file.
    kind : ``auto`` (detect) or ``kz_incidents``, ``kg_incidents``, ``incidents``, ``bulletins``, ``finds``,
        ``operations``.
    side : ``KZ`` / ``KG`` when the file itself does not say (canonical incidents without a ``side`` column);
        the fallback initiator/side for bulletins and finds.
    user : who uploads (audit log, ``uploads.uploaded_by``).
    column_map : ``{header: field or None}`` corrections of the detected mapping (from :func:`preview_file`).
    file_name : the name to record (the page passes the uploaded name; the path may be a temp file).
    today : the date after which a registration date is "in the future" (default: today; tests pin it).

    Returns
    -------
    IngestResult

    Raises
    ------
    UnreadableFile, EmptyFile, UnknownFileKind, MissingColumns, FileTooLarge, AmbiguousSide
        The file cannot be used; the database is unchanged.
    """
    started = time.perf_counter()
    path = Path(path)
    name = clean_file_name(file_name or path.name)
    if not path.is_file():
        raise unreadable(name, "файл не найден", "the file does not exist")
    _limit_check(path, name)
    detection = detect_file(path, kind=kind, side=side, column_map=column_map, name=name)
    load_rows, count_rows = _kind_steps(detection.kind)
    # The digest runs in a thread while the file is decoded and parsed (hashlib releases the GIL): a file loaded
    # before is then parsed for nothing, which is rare; every new file saves the digest's time. The geometry the
    # incident steps need is built alongside (once per process; numpy releases the GIL too).
    with ThreadPoolExecutor(max_workers=2) as pool:
        scanned = pool.submit(scan_file, path)
        geometry = pool.submit(_prepare_geometry) if detection.kind in INCIDENT_KINDS else None
        with load_memory(con), utf8_copy(path, detection.encoding) as source:
            try:
                install_macros(con)
                # Parsing into temp tables touches nothing durable, so it happens before the transaction opens.
                raw_rows, parse_error = _parse(con, source, detection, name)
                sha256, lines = scanned.result()
                if geometry is not None:
                    geometry.result()
                before = _loaded_before(con, sha256)
                if before is not None:
                    log_action(con, user, "upload", file=name, sha256=sha256, already_loaded=True,
                               upload_id=before[0])
                    return IngestResult(file=name, kind=detection.kind, side=detection.side,
                                        encoding=detection.encoding, delimiter=detection.delimiter,
                                        already_loaded=True, upload_id=before[0],
                                        seconds=time.perf_counter() - started)
                if parse_error is not None:
                    raise parse_error
                # UTF-16 files have two-byte line feeds: their UTF-8 copy is counted again.
                exact = exact_line_numbers(con, source, detection, raw_rows,
                                           None if detection.encoding.startswith("utf-16") else lines)
                result = _load_with_retry(con, detection, exact, name, sha256, user, today, load_rows, count_rows)
            finally:
                drop_temp(con)
    result.seconds = time.perf_counter() - started
    return result


def _prepare_geometry() -> None:
    from analytics.geo import prepare_annotation

    prepare_annotation()


def _parse(con: duckdb.DuckDBPyConnection, source: Path, detection: Detection,
           name: str) -> tuple[int, IngestError | None]:
    """Rows parsed into ``ingest_raw``, or the parse error (raised only once the file is known to be new)."""
    try:
        return read_raw(con, source, detection, name), None
    except IngestError as exc:
        return 0, exc


def _load_with_retry(con: duckdb.DuckDBPyConnection, detection: Detection, exact: bool, name: str, sha256: str,
                     user: str, today: date | None, load_rows: Callable[[duckdb.DuckDBPyConnection], None],
                     count_rows: Callable[[duckdb.DuckDBPyConnection], dict[str, int]]) -> IngestResult:
    """The load transaction; rerun when a concurrent load of the same side made it conflict.

    Loads of one side are serialised (``incidents_load_lock``): the one that conflicts rolls back and runs again
    once the other has committed, on a snapshot that sees its rows — so it counts them as stored, never twice.
    """
    deadline = time.monotonic() + RETRY_SECONDS
    pause = 0.05
    while True:
        con.execute("BEGIN TRANSACTION")
        try:
            result = _load_in_transaction(con, detection, exact, name, sha256, user, today, load_rows, count_rows)
            con.execute("COMMIT")
            return result
        except BaseException as exc:
            rollback(con)
            if not is_write_conflict(exc):
                raise
            if time.monotonic() > deadline:
                raise LoadBusy(
                    f"файл «{name}» не загружен: другая загрузка тех же данных идёт уже больше "
                    f"{RETRY_SECONDS} с. Повторите загрузку, когда она закончится.",
                    f"file '{name}' was not loaded: another upload of the same data has been running for over "
                    f"{RETRY_SECONDS} s. Upload it again when that one has finished.",
                ) from exc
            time.sleep(pause)
            pause = min(pause * 2, 1.0)
            before = _loaded_before(con, sha256)
            if before is not None:  # the concurrent load was this very file
                log_action(con, user, "upload", file=name, sha256=sha256, already_loaded=True, upload_id=before[0])
                return IngestResult(file=name, kind=detection.kind, side=detection.side, encoding=detection.encoding,
                                    delimiter=detection.delimiter, already_loaded=True, upload_id=before[0])


def _load_in_transaction(con: duckdb.DuckDBPyConnection, detection: Detection, exact: bool, name: str,
                         sha256: str, user: str, today: date | None,
                         load_rows: Callable[[duckdb.DuckDBPyConnection], None],
                         count_rows: Callable[[duckdb.DuckDBPyConnection], dict[str, int]]) -> IngestResult:
    row = con.execute(
        "INSERT INTO uploads (file_name, sha256, kind, side, encoding, delimiter, column_map, uploaded_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING upload_id",
        [name, sha256, detection.kind, detection.side, detection.encoding, detection.delimiter,
         json.dumps(detection.column_map, ensure_ascii=False), user],
    ).fetchone()
    if row is None:
        raise IngestError("не удалось зарегистрировать загрузку; повторите попытку.",
                          "could not register the upload; try again.")
    upload_id = int(row[0])
    con.execute("INSERT INTO upload_files (upload_id, headers, header_row, delimiter) VALUES (?, ?, ?, ?)",
                [upload_id, detection.headers, detection.header_row, detection.delimiter])
    create_params(con, upload_id=upload_id, side=detection.side, first_line=detection.header_end_line + 1,
                  delimiter=detection.delimiter, extra_keys=[h for _, h in extra_headers(detection)],
                  kind=detection.kind, today=today)
    create_source_view(con, detection, exact)
    load_rows(con)
    write_rejects(con)
    counts = count_rows(con)
    rejected = scalar(con, "SELECT count(*) FROM rejects WHERE upload_id = ?", [upload_id])
    by_reason = dict(con.execute(
        "SELECT reason, count(*) FROM warnings WHERE upload_id = ? GROUP BY reason ORDER BY count(*) DESC, reason",
        [upload_id],
    ).fetchall())
    warnings = sum(int(v) for v in by_reason.values())
    run_after_load(con, detection.kind, upload_id)
    rows_read = counts["accepted"] + counts["updated"] + counts["duplicates"] + rejected
    file_side = detection.side
    if detection.kind in INCIDENT_KINDS:
        # ingest_months: (side, oblast, month) of the valid rows, made by the incident steps
        period = con.execute("SELECT min(first_day), max(last_day) FROM ingest_months").fetchone()
        if file_side is None:
            sides = [r[0] for r in con.execute("SELECT DISTINCT side FROM ingest_months").fetchall()]
            file_side = sides[0] if len(sides) == 1 else None
    else:
        period = con.execute("SELECT min(period_day), max(period_day) FROM ingest_ready").fetchone()
    con.execute(
        "UPDATE uploads SET rows_read = ?, accepted = ?, rejected = ?, duplicates = ?, updated = ?, warnings = ?, "
        "period_start = ?, period_end = ?, side = ? WHERE upload_id = ?",
        [rows_read, counts["accepted"], rejected, counts["duplicates"], counts["updated"], warnings,
         period[0] if period else None, period[1] if period else None, file_side, upload_id],
    )
    result = IngestResult(
        file=name, kind=detection.kind, side=file_side, encoding=detection.encoding, delimiter=detection.delimiter,
        rows_read=rows_read, accepted=counts["accepted"], rejected=rejected, duplicates=counts["duplicates"],
        updated=counts["updated"], warnings=warnings, upload_id=upload_id,
        warnings_by_reason={str(k): int(v) for k, v in by_reason.items()},
    )
    log_action(con, user, "upload", upload_id=upload_id, file=name, sha256=sha256, kind=detection.kind,
               side=file_side, rows_read=rows_read, accepted=result.accepted, rejected=rejected,
               duplicates=result.duplicates, updated=result.updated, warnings=warnings)
    return result
