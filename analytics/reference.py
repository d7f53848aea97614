"""Reference lookups (oblasts, districts, categories, population) for filters and labels."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd


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
