"""Transaction helpers shared by loads and undos (both write the same derived tables and can conflict)."""

from __future__ import annotations

import duckdb


def is_write_conflict(exc: BaseException) -> bool:
    """True for DuckDB's optimistic-concurrency conflict (another transaction wrote the same rows)."""
    return isinstance(exc, duckdb.TransactionException) and "conflict" in str(exc).lower()


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back the open transaction; a COMMIT that failed on a conflict has rolled back already."""
    try:
        con.execute("ROLLBACK")
    except duckdb.TransactionException as exc:
        if "no transaction is active" not in str(exc):
            raise
