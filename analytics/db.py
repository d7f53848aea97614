"""The one module that opens DuckDB: connection, numbered migrations, reference tables.

One connection per process; callers take ``con.cursor()`` per thread or request.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import duckdb

from analytics.config import MIGRATIONS_DIR, SQL_DIR, Settings, load_settings
from analytics.errors import DatabaseLocked, MigrationFailed, ReferenceDataError

# Reference CSVs (data/reference/<file>) loaded into tables ref_<name> on every open,
# so an analyst's edit of the CSV applies at the next start.
REFERENCE_TABLES = {
    "ref_categories": "categories.csv",
    "ref_category_rules": "category_rules.csv",
    "ref_oblasts": "oblasts.csv",
    "ref_districts": "districts.csv",
    "ref_population": "population.csv",
    "ref_crossings": "crossings.csv",
}
# Tables whose every column stays text (article parts like "205-1" must not become numbers).
TEXT_ONLY_REFERENCE = {"ref_category_rules"}


def connect(path: Path | str | None = None, *, read_only: bool = False,
            settings: Settings | None = None) -> duckdb.DuckDBPyConnection:
    """Open the database file, apply migrations and refresh reference tables.

    Parameters
    ----------
    path : database file; ``:memory:`` for tests. Default: ``SHEKARA_DB``.
    read_only : open without the write lock (the CLI reading while the app runs).

    Returns
    -------
    duckdb.DuckDBPyConnection
    """
    settings = settings or load_settings()
    target = str(path if path is not None else settings.db_path)
    if target != ":memory:":
        Path(target).parent.mkdir(parents=True, exist_ok=True)
    config: dict[str, str | bool | int | float | list[str]] = {
        "autoinstall_known_extensions": "false",
        "autoload_known_extensions": "false",
        "threads": str(settings.duckdb_threads),
        "memory_limit": settings.duckdb_memory_limit,
    }
    try:
        con = duckdb.connect(target, read_only=read_only, config=config)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseLocked(
                f"База {target} открыта другим процессом (обычно запущенным приложением). "
                "Загрузите файл через страницу «Загрузка» или остановите приложение и повторите.",
                f"The database {target} is held by another process (usually the running app). "
                "Upload through the Upload page, or stop the app and retry.",
            ) from exc
        raise
    if not read_only:
        migrate(con)
        refresh_reference(con)
    return con


def migration_files() -> list[tuple[int, Path]]:
    """Numbered ``NNN_name.sql`` files in order."""
    found = []
    for file in MIGRATIONS_DIR.glob("*.sql"):
        match = re.match(r"^(\d+)_", file.name)
        if match:
            found.append((int(match.group(1)), file))
    return sorted(found)


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the migrations not applied yet, each in its own transaction. Returns applied numbers."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMP DEFAULT current_timestamp)"
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, file in migration_files():
        if version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(file.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, file.name])
            con.execute("COMMIT")
        except duckdb.Error as exc:
            con.execute("ROLLBACK")
            raise MigrationFailed(
                f"Миграция {file.name} не применилась: {exc}. База не изменена; сообщите разработчикам.",
                f"Migration {file.name} failed: {exc}. The database is unchanged; report it to the developers.",
            ) from exc
        applied.append(version)
    return applied


def refresh_reference(con: duckdb.DuckDBPyConnection, reference_dir: Path | None = None) -> None:
    """(Re)load the editable reference CSVs into ``ref_*`` tables, all as text-typed where ambiguous."""
    ref_dir = reference_dir or load_settings().reference_dir
    con.execute("BEGIN TRANSACTION")
    try:
        for table, file_name in REFERENCE_TABLES.items():
            file = ref_dir / file_name
            if not file.exists():
                raise ReferenceDataError(
                    f"Нет справочника {file}. Восстановите файл из репозитория.",
                    f"Reference file {file} is missing. Restore it from the repository.",
                )
            con.execute(
                f"CREATE OR REPLACE TABLE {quote_ident(table)} AS "  # noqa: S608 (identifier quoted, values bound)
                "SELECT * FROM read_csv(?, header=true, delim=',', quote='\"', all_varchar=?, "
                "sample_size=-1, encoding='utf-8')",
                [str(file), table in TEXT_ONLY_REFERENCE],
            )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    from analytics.reference import forget_tables  # imported here: reference reads its SQL through this module

    forget_tables()  # names and populations cached per database file are read again


def quote_ident(name: str) -> str:
    """Quote an SQL identifier; the only way a dynamic identifier enters SQL text."""
    return '"' + name.replace('"', '""') + '"'


@cache
def load_sql(name: str) -> str:
    """Text of the file ``analytics/sql/<name>.sql``; ``name`` is like ``compstat/windows``."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """A number that changes whenever data is loaded or undone: the cache key of every page query."""
    row = con.execute(
        "SELECT coalesce(max(upload_id), 0) * 1000003 + count(*) FILTER (WHERE status = 'loaded') FROM uploads"
    ).fetchone()
    return int(row[0]) if row else 0
