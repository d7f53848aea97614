"""Bulletins, finds and joint operations (being written)."""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from analytics.ingest.errors import UnknownFileKind


def _not_yet(con: duckdb.DuckDBPyConnection) -> None:
    raise UnknownFileKind("загрузка этого вида файлов ещё не готова.", "loading this kind of file is not ready yet.")


STEPS: dict[str, tuple[Callable[[duckdb.DuckDBPyConnection], None],
                       Callable[[duckdb.DuckDBPyConnection], dict[str, int]]]] = {
    kind: (_not_yet, lambda con: {}) for kind in ("bulletins", "finds", "operations")
}
