"""Reference lookups (oblasts, districts, categories, population) for filters and labels."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from analytics.config import REFERENCE_DIR
from analytics.db import load_sql


def oblasts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Columns: oblast, side, iso_3166_2, name_ru, name_en, name_local."""
    return con.execute(
        "SELECT oblast, side, iso_3166_2, name_ru, name_en, name_local FROM ref_oblasts ORDER BY side DESC, oblast"
    ).df()


def districts(con: duckdb.DuckDBPyConnection, oblast_keys: tuple[str, ...] = ()) -> pd.DataFrame:
    """Columns: district, oblast, side, name_ru, name_en, seat_lat, seat_lon; optionally of some oblasts."""
    return con.execute(
        "SELECT district, oblast, side, name_ru, name_en, seat_lat, seat_lon FROM ref_districts "
        "WHERE len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], oblast) ORDER BY oblast, name_ru",
        [list(oblast_keys), list(oblast_keys)],
    ).df()


def categories(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Columns: category, direction, label_ru, label_en, sort."""
    return con.execute("SELECT category, direction, label_ru, label_en, sort FROM ref_categories ORDER BY sort").df()


def population(con: duckdb.DuckDBPyConnection, level: str) -> pd.DataFrame:
    """Latest population per key at ``level`` (``oblast``, ``district`` or ``side``; side = sum of oblasts)."""
    if level == "side":
        return con.execute(
            "WITH latest AS (SELECT key, arg_max(population, year) AS population FROM ref_population "
            "WHERE level = 'oblast' GROUP BY key) "
            "SELECT o.side AS key, sum(l.population)::BIGINT AS population FROM latest l "
            "JOIN ref_oblasts o ON o.oblast = l.key GROUP BY o.side ORDER BY key"
        ).df()
    return con.execute(
        "SELECT key, arg_max(population, year)::BIGINT AS population FROM ref_population "
        "WHERE level = ? GROUP BY key ORDER BY key",
        [level],
    ).df()


def date_bounds(con: duckdb.DuckDBPyConnection) -> tuple[date | None, date | None]:
    """First and last registration date in the incidents table (``None`` when empty)."""
    row = con.execute("SELECT min(registered_on), max(registered_on) FROM incidents").fetchone()
    return (row[0], row[1]) if row else (None, None)


def label(frame: pd.DataFrame, key_column: str, lang: str) -> dict[str, str]:
    """``{key: name}`` in the language (``name_ru`` / ``name_en``) for a reference frame."""
    name_column = "name_en" if lang == "en" else "name_ru"
    return dict(zip(frame[key_column], frame[name_column], strict=True))


# --------------------------------------------------------------------------- cached reference snapshot

@dataclass(frozen=True)
class Tables:
    """The reference rows the Overview and Trends queries need, read once per database file.

    ``oblasts``: ``(side, oblast, name_ru, name_en)``; ``districts``: ``(side, oblast, district, name_ru,
    name_en)`` ordered by oblast, district; ``categories``: ``(category, direction)`` in reference order;
    ``populations``: ``{(level, key): population}`` of the latest year per key.
    """

    oblasts: tuple[tuple[str, str, str, str], ...]
    districts: tuple[tuple[str, str, str, str, str], ...]
    categories: tuple[tuple[str, str], ...]
    populations: Mapping[tuple[str, str], float]


# (database file, signature of the reference CSVs) -> Tables. The ref_* tables are written only by
# db.refresh_reference, from those CSVs, when a connection opens; so for one file and unchanged CSVs
# they hold the same rows. In-memory databases (no file) are never cached.
_TABLES: dict[tuple[str, tuple[tuple[str, int, int], ...]], Tables] = {}


def _csv_signature() -> tuple[tuple[str, int, int], ...]:
    signature = []
    for file in sorted(REFERENCE_DIR.glob("*.csv")):
        stat = file.stat()
        signature.append((file.name, stat.st_mtime_ns, stat.st_size))
    return tuple(signature)


def read_tables(con: duckdb.DuckDBPyConnection) -> Tables:
    """Read :class:`Tables` from the ``ref_*`` tables (four small queries)."""
    latest: dict[tuple[str, str], tuple[int, float]] = {}
    for level, key, year, value in con.execute(load_sql("compstat/populations")).fetchall():
        if value is None:
            continue
        entry = (str(level), str(key))
        if entry not in latest or int(year) > latest[entry][0]:
            latest[entry] = (int(year), float(value))
    return Tables(
        oblasts=tuple((str(s), str(o), str(ru), str(en)) for s, o, ru, en in
                      con.execute(load_sql("compstat/oblasts")).fetchall()),
        districts=tuple((str(s), str(o), str(d), str(ru), str(en)) for s, o, d, ru, en in
                        con.execute(load_sql("compstat/districts")).fetchall()),
        categories=tuple((str(c), str(d)) for c, d in con.execute(load_sql("compstat/categories")).fetchall()),
        populations={entry: value for entry, (_, value) in latest.items()},
    )


def cached_tables(con: duckdb.DuckDBPyConnection, db_file: str | None) -> Tables:
    """:class:`Tables` of the database file ``db_file``, read once per process (and per edit of the CSVs).

    Parameters
    ----------
    con : open database.
    db_file : its file path (``None`` or empty for an in-memory database: read every time).

    Returns
    -------
    Tables
    """
    if not db_file or db_file == ":memory:":
        return read_tables(con)
    key = (db_file, _csv_signature())
    found = _TABLES.get(key)
    if found is None:
        found = read_tables(con)
        _TABLES.clear()  # one file at a time in practice; never grow without bound
        _TABLES[key] = found
    return found


def forget_tables() -> None:
    """Drop the cached reference rows (after rewriting ``ref_*`` tables in place)."""
    _TABLES.clear()
