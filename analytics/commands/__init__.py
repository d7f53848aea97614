"""One module per CLI command: ``add_arguments(parser)`` and ``run(args) -> int``; shared helpers here."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from analytics import db
from analytics.errors import ShekaraError


class DatabaseNotFound(ShekaraError):
    """The database file given to a reading command does not exist."""


class InvalidDate(ShekaraError):
    """A date argument is not YYYY-MM-DD."""


def parse_date(text: str) -> date:
    """``YYYY-MM-DD`` → date, or a named error saying how to write it."""
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidDate(f"Дата «{text}» не распознана. Укажите в формате ГГГГ-ММ-ДД, например 2024-03-31.",
                          f"Date '{text}' is not valid. Use YYYY-MM-DD, e.g. 2024-03-31.") from exc


def open_existing(path: str | Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a database that must already exist (reading commands never create an empty one)."""
    target = Path(path)
    if not target.exists():
        raise DatabaseNotFound(f"Файл базы {target} не найден. Проверьте путь (--db) или создайте демо-базу: "
                               "python -m analytics demo --db ПУТЬ.",
                               f"Database file {target} not found. Check --db or create a demo database: "
                               "python -m analytics demo --db PATH.")
    return db.connect(target, read_only=read_only)
