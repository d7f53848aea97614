"""Which months each side/oblast uploaded: a month without a coverage row is *missing*, never zero.

The ingest fills ``coverage(side, oblast, month)`` for every month a file carried data. Everything here
reads it so that lines get gaps, tables get grey cells and comparisons say when they span a hole.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from analytics.db import load_sql
from analytics.filters import Filters
from analytics.i18n import MONTHS, pick

if TYPE_CHECKING:
    from analytics.reference import Tables

TEXT = {
    "ru": {"banner": "{unit}: нет данных за {months}", "and_more": "и ещё {n}"},
    "en": {"banner": "{unit}: no data for {months}", "and_more": "and {n} more"},
}

MATRIX_COLUMNS: dict[str, Any] = {"side": "str", "oblast": "str", "month": "datetime64[us]", "covered": "bool"}


def month_start(day: date) -> date:
    """First day of the month of ``day``."""
    return day.replace(day=1)


def month_end(day: date) -> date:
    """Last day of the month of ``day``."""
    first_next = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first_next - timedelta(days=1)


def month_starts(start: date, end: date) -> list[date]:
    """First days of every month touched by ``start..end`` (inclusive); empty when ``end < start``."""
    months: list[date] = []
    if end < start:
        return months
    current = month_start(start)
    while current <= end:
        months.append(current)
        current = month_end(current) + timedelta(days=1)
    return months


def _empty_matrix() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in MATRIX_COLUMNS.items()})


def coverage_matrix(con: duckdb.DuckDBPyConnection, start: date | None, end: date | None,
                    filters: Filters | None = None) -> pd.DataFrame:
    """Every expected side/oblast × month in ``start..end`` with a ``covered`` flag.

    Parameters
    ----------
    con : open database.
    start, end : dates; every month they touch is listed. ``None`` → empty result.
    filters : restricts the expected units (sides, oblasts, oblasts of the chosen districts).

    Returns
    -------
    pd.DataFrame
        Columns ``side``, ``oblast``, ``month`` (first day, datetime64), ``covered`` (bool); KZ first.
    """
    rows = _matrix_rows(con, start, end, filters)
    if not rows:
        return _empty_matrix()
    columns = list(MATRIX_COLUMNS)
    # typed arrays without a copy: a frame of Series aligns and copies each one
    return pd.DataFrame({name: pd.array([row[i] for row in rows], dtype=MATRIX_COLUMNS[name])
                         for i, name in enumerate(columns)}, copy=False)


def expected_units(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
                   tables: Tables | None = None) -> list[tuple[str, str]]:
    """(side, oblast) pairs expected to upload under the filters (sides, oblasts, oblasts of chosen districts).

    Parameters
    ----------
    con : open database.
    filters : selection; ``None`` → all three oblasts.
    tables : reference rows already read (:func:`analytics.compstat.data_state`); saves the queries.

    Returns
    -------
    list[tuple[str, str]]
        KZ first, then KG; oblasts in key order.
    """
    flt = filters or Filters()
    pairs = ([(d[2], d[1]) for d in tables.districts] if tables is not None else
             con.execute(load_sql("coverage/district_oblasts")).fetchall()) if flt.districts else []
    district_oblasts = {oblast for district, oblast in pairs if district in flt.districts}
    units = []
    for side, oblast in ([(o[0], o[1]) for o in tables.oblasts] if tables is not None else
                         con.execute(load_sql("coverage/units")).fetchall()):
        if flt.sides and side not in flt.sides:
            continue
        if flt.oblasts and oblast not in flt.oblasts:
            continue
        if flt.districts and oblast not in district_oblasts:
            continue
        units.append((str(side), str(oblast)))
    side_order = {"KZ": 0, "KG": 1}
    return sorted(units, key=lambda unit: (side_order.get(unit[0], 2), unit[1]))


def _matrix_rows(con: duckdb.DuckDBPyConnection, start: date | None, end: date | None,
                 filters: Filters | None, units: Iterable[tuple[str, str]] | None = None,
                 ) -> list[tuple[str, str, date, bool]]:
    if start is None or end is None or end < start:
        return []
    covered = {(side, oblast, month_start(month)) for side, oblast, month in
               con.execute(load_sql("coverage/covered"), [month_start(start), end]).fetchall()}
    months = month_starts(start, end)
    return [(side, oblast, month, (side, oblast, month) in covered)
            for side, oblast in (units if units is not None else expected_units(con, filters)) for month in months]


def missing_months(con: duckdb.DuckDBPyConnection, start: date | None, end: date | None,
                   filters: Filters | None = None) -> pd.DataFrame:
    """Side/oblast months in ``start..end`` for which nothing was uploaded.

    Parameters
    ----------
    con : open database.
    start, end : period; every month it touches is checked.
    filters : restricts which sides/oblasts are expected (default: all three oblasts).

    Returns
    -------
    pd.DataFrame
        Columns ``side``, ``oblast``, ``month`` (first day of the missing month), one row per hole.
    """
    matrix = coverage_matrix(con, start, end, filters)
    return matrix.loc[~matrix["covered"], ["side", "oblast", "month"]].reset_index(drop=True)


def missing_set(con: duckdb.DuckDBPyConnection, start: date | None, end: date | None,
                filters: Filters | None = None, units: Iterable[tuple[str, str]] | None = None,
                ) -> set[tuple[str, str, date]]:
    """``{(side, oblast, month_start)}`` of :func:`missing_months`, for fast membership tests.

    ``units`` (when the caller already knows them) skips recomputing the expected side/oblast pairs.
    """
    return {(side, oblast, month) for side, oblast, month, covered in _matrix_rows(con, start, end, filters, units)
            if not covered}


def _month_runs(months: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive months grouped into (first, last) runs."""
    runs: list[tuple[date, date]] = []
    for month in sorted(set(months)):
        if runs and month_end(runs[-1][1]) + timedelta(days=1) == month:
            runs[-1] = (runs[-1][0], month)
        else:
            runs.append((month, month))
    return runs


def _run_label(first: date, last: date, lang: str) -> str:
    names = MONTHS.get(lang, MONTHS["ru"])
    if first == last:
        return f"{names[first.month - 1]} {first.year}"
    if first.year == last.year:
        return f"{names[first.month - 1]}–{names[last.month - 1]} {last.year}"
    return f"{names[first.month - 1]} {first.year} – {names[last.month - 1]} {last.year}"


def coverage_banners(con: duckdb.DuckDBPyConnection, start: date | None, end: date | None, lang: str = "ru",
                     filters: Filters | None = None, max_runs: int = 6) -> list[str]:
    """One warning line per oblast with missing months, e.g. ``Таласская обл.: нет данных за март 2024``.

    Parameters
    ----------
    con : open database.
    start, end : period checked.
    lang : ``ru`` or ``en``.
    filters : restricts the expected sides/oblasts.
    max_runs : at most this many month runs are spelled out per oblast, the rest counted.

    Returns
    -------
    list[str]
        Empty when every expected month is covered. Consecutive months are joined (``март–май 2024``).
    """
    holes = sorted(missing_set(con, start, end, filters))
    if not holes:
        return []
    names = {oblast: (name_en if lang == "en" else name_ru) for oblast, name_ru, name_en in
             con.execute(load_sql("coverage/oblast_names")).fetchall()}
    per_oblast: dict[tuple[str, str], list[date]] = {}
    for side, oblast, month in holes:
        per_oblast.setdefault((side, oblast), []).append(month)
    side_order = {"KZ": 0, "KG": 1}
    banners = []
    for (_side, oblast), months in sorted(per_oblast.items(), key=lambda item: (side_order.get(item[0][0], 2),
                                                                               item[0][1])):
        runs = _month_runs(months)
        text = ", ".join(_run_label(first, last, lang) for first, last in runs[:max_runs])
        if len(runs) > max_runs:
            text += " " + pick(TEXT, "and_more", lang).format(n=len(runs) - max_runs)
        banners.append(pick(TEXT, "banner", lang).format(unit=names.get(oblast, oblast), months=text))
    return banners


def period_complete(holes: set[tuple[str, str, date]], units: Iterable[tuple[str, str]],
                    periods: Iterable[tuple[date, date]]) -> bool:
    """True when none of ``units`` (side, oblast) misses a month touched by any of ``periods``."""
    months = {m for start, end in periods for m in month_starts(start, end)}
    return not any((side, oblast, month) in holes for side, oblast in units for month in months)
