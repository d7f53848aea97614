"""CompStat for both sides: week-to-date, 28 days and year-to-date by registration date.

Definitions (issue 5), all by ``registered_on`` relative to an "as of" date (default: the last
registration date in the database, or the end of the selected period):

- **WTD** Monday..as-of vs the same weekdays of the week before;
- **28d** the 28 days ending on as-of (inclusive) vs the 28 days before;
- **YTD** 1 January..as-of vs 1 January..the same calendar day of the previous year. As-of
  29 February compares with 1 January..28 February of the previous year (that span has no 29th; the
  prior is one day shorter rather than spilling into March). Conversely as-of 28 February 2025 compares
  with 1 January..28 February 2024: the same calendar days, so 29 February 2024 is not counted.

``pct_change`` is ``None``/NA when the prior is 0 (never infinity or +100 %); ``z = 2(√current − √prior)``
is the Poisson (Anscombe-style) z-score and ``|z| ≥ 2`` marks a notable change. ``per_100k`` is the
*window* count per 100 000 population of the side (or the chosen oblasts/districts) — not annualised.
``coverage_complete`` is false when a month touched by the current or the prior span is missing for a
side/oblast in scope (see :mod:`analytics.coverage`).

Speed: whole months come from ``incidents_monthly`` (migration 050) and only the partial edge months
from ``incidents``, in one statement of FILTER aggregates (:func:`count_by`).
"""

from __future__ import annotations

import contextlib
import math
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import duckdb
import pandas as pd

from analytics import coverage, db, reference
from analytics.errors import ShekaraError
from analytics.filters import Filters, where_clause
from analytics.i18n import category_label, pick

WINDOWS = ("wtd", "28d", "ytd")
DIRECTIONS = ("extremism", "stolen_property", "livestock", "smuggling_drugs", "minors")
NOTABLE_Z = 2.0
SIDE_ORDER = ("KZ", "KG")

COMPSTAT_COLUMNS = ["side", "category", "window", "current", "prior", "pct_change", "z", "per_100k",
                    "coverage_complete"]

# name -> (expression on incidents, expression on incidents_monthly or None when only raw rows have it).
# Flags are coalesced exactly as filters.where_clause reads them: unknown counts as "no".
DIMENSIONS: dict[str, tuple[str, str | None]] = {
    "side": ("side", "side"),
    "oblast": ("oblast", "oblast"),
    "district": ("district", "district"),
    "category": ("category", "category"),
    "status": ("status", "status"),
    "online": ("coalesce(online, false)", "online"),
    "minor_involved": ("coalesce(minor_involved, false)", "minor_involved"),
    "foreign_national": ("coalesce(foreign_national, false)", "foreign_national"),
    "month": ("date_trunc('month', registered_on)::DATE", "month"),
    "week": ("date_trunc('week', registered_on)::DATE", None),
}

# The same dimensions on incidents_daily (migration 090; no district, no status).
DAILY_DIMENSIONS = {
    "side": "side", "oblast": "oblast", "category": "category", "online": "online",
    "minor_involved": "minor_involved", "foreign_national": "foreign_national",
    "month": "date_trunc('month', day)::DATE",
}


class InvalidWindow(ShekaraError):
    """An unknown CompStat window name was asked for."""


@dataclass(frozen=True)
class Window:
    """One CompStat comparison: the current span and the prior span (both inclusive)."""

    name: str
    current_start: date
    current_end: date
    prior_start: date
    prior_end: date

    @property
    def spans(self) -> tuple[tuple[date, date], tuple[date, date]]:
        return (self.current_start, self.current_end), (self.prior_start, self.prior_end)


def _same_day_previous_year(day: date) -> date:
    # 29 February has no twin: the prior span ends on 28 February (documented in the module docstring).
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


def compstat_windows(as_of: date) -> list[Window]:
    """The three windows (WTD, 28d, YTD) ending on ``as_of``.

    Parameters
    ----------
    as_of : the last day counted (inclusive).

    Returns
    -------
    list[Window]
        In the order ``wtd``, ``28d``, ``ytd``.
    """
    monday = as_of - timedelta(days=as_of.weekday())
    week_ago = timedelta(days=7)
    return [
        Window("wtd", monday, as_of, monday - week_ago, as_of - week_ago),
        Window("28d", as_of - timedelta(days=27), as_of, as_of - timedelta(days=55), as_of - timedelta(days=28)),
        Window("ytd", date(as_of.year, 1, 1), as_of, date(as_of.year - 1, 1, 1), _same_day_previous_year(as_of)),
    ]


def window_by_name(as_of: date, name: str) -> Window:
    """The window called ``name`` (``wtd``, ``28d`` or ``ytd``) ending on ``as_of``."""
    for window in compstat_windows(as_of):
        if window.name == name:
            return window
    raise InvalidWindow(f"Неизвестное окно «{name}». Допустимо: wtd, 28d, ytd.",
                        f"Unknown window '{name}'. Use one of: wtd, 28d, ytd.")


def percent_change(current: int, prior: int) -> float | None:
    """``100 × (current − prior) / prior``; ``None`` when the prior is 0 (undefined, never ∞)."""
    if prior == 0:
        return None
    return (current - prior) * 100.0 / prior


def poisson_z(current: int, prior: int) -> float:
    """``2(√current − √prior)``: about standard normal when both counts come from one Poisson rate."""
    return 2.0 * (math.sqrt(current) - math.sqrt(prior))


def is_notable(z: float | None) -> bool:
    """True when ``|z| ≥ 2``: the change is unlikely to be noise."""
    return z is not None and not pd.isna(z) and abs(z) >= NOTABLE_Z


def per_100k(count: float, population: float | None) -> float | None:
    """Count per 100 000 population; ``None`` when the population is unknown or zero."""
    if population is None or pd.isna(population) or population <= 0:
        return None
    return count * 100_000 / population


def default_as_of(con: duckdb.DuckDBPyConnection, filters: Filters | None = None) -> date | None:
    """End of the selected period when set, else the last registration date; ``None`` when there is no data."""
    return as_of_from(reference.date_bounds(con)[1], filters)


def as_of_from(last: date | None, filters: Filters | None) -> date | None:
    """:func:`default_as_of` given the last registration date already read (``None`` when no data)."""
    if last is not None and filters is not None and filters.end is not None:
        return filters.end
    return last


# --------------------------------------------------------------------------- pre-aggregate

def refresh_aggregates(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild ``incidents_monthly`` (and its status twin) from ``incidents`` and record what it was built from.

    Runs in the caller's transaction (ingest may call it inside the load/undo transaction) and opens none.
    Queries also rebuild it themselves when they find it stale, so calling it is an optimisation.

    Parameters
    ----------
    con : writable connection.
    """
    con.execute(db.load_sql("compstat/refresh_monthly"))
    con.execute(db.load_sql("compstat/save_state"))


def refresh_after_load(con: duckdb.DuckDBPyConnection, kind: str, upload_id: int) -> None:
    """After-load step: leave the monthly pre-aggregates fresh inside the load's (or undo's) transaction.

    The writer refreshes, so the first page after an upload finds them fresh and pays no rebuild (about
    0.3 CPU-s at 1M incidents, once per load instead of once per first reader). A load that does not touch
    incidents (bulletins, finds, operations) only re-records the state when the pre-aggregate was fresh
    before it. Readers still rebuild lazily when they find them stale (data written some other way); if
    such a rebuild races a load, one transaction conflicts: the loader retries, the reader reads raw rows.

    Parameters
    ----------
    con : connection inside the caller's open transaction (the refresh opens none, so it commits or rolls
        back with the load).
    kind : file kind of the upload (``analytics.ingest.kinds.KINDS``).
    upload_id : the upload just written (or undone).
    """
    # imported here: analytics.ingest imports the loader, whose after-load steps call this function
    from analytics.ingest.kinds import INCIDENT_KINDS

    if kind not in INCIDENT_KINDS and _fresh(
            con.execute(db.load_sql("compstat/aggregate_state_before"), [upload_id, upload_id]).fetchone()):
        con.execute(db.load_sql("compstat/save_state"))  # incidents untouched: the tables are still right
        return
    refresh_aggregates(con)


def _fresh(row: Sequence[Any] | None) -> bool:
    """Freshness from a row starting ``incidents_now, fingerprint_now, incidents, data_version``."""
    if row is None or row[2] is None:
        return False
    return int(row[0]) == int(row[2]) and int(row[1]) == int(row[3])


def aggregates_fresh(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the pre-aggregate reflects the current incidents (incident count and upload fingerprint)."""
    return _fresh(con.execute(db.load_sql("compstat/aggregate_state")).fetchone())


def ensure_aggregates(con: duckdb.DuckDBPyConnection, fresh: bool | None = None) -> bool:
    """Make ``incidents_monthly`` usable; False when it is stale and cannot be rebuilt (read-only, busy).

    A stale pre-aggregate would give wrong numbers, so callers fall back to raw rows on False.
    ``fresh`` is the caller's freshness reading of this very moment (:func:`data_state`), if it has one.
    """
    if fresh if fresh is not None else aggregates_fresh(con):
        return True
    try:
        con.execute("BEGIN TRANSACTION")
    except duckdb.Error:
        return False  # inside someone's transaction or read-only: raw rows are always right
    try:
        refresh_aggregates(con)
        con.execute("COMMIT")
    except duckdb.Error:
        # a concurrent refresh won the write conflict (or the file is read-only): raw rows are always right
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        return False
    return True


@dataclass(frozen=True)
class DataState:
    """One reading of the data a page query works on (:func:`data_state`)."""

    fresh: bool                      # the monthly pre-aggregate matches the incidents right now
    first_day: date | None           # first and last registration date (None when no incidents)
    last_day: date | None
    tables: reference.Tables         # reference rows (cached per database file)


def data_state(con: duckdb.DuckDBPyConnection) -> DataState:
    """Freshness of the pre-aggregate, the date range and the reference rows, in one round trip.

    Parameters
    ----------
    con : open database.

    Returns
    -------
    DataState
    """
    row = con.execute(db.load_sql("compstat/state")).fetchone()
    assert row is not None  # an aggregate over incidents always returns one row
    return DataState(_fresh(row), row[4], row[5], reference.cached_tables(con, database_file(con)))


# connection or cursor -> the file of its database (None in memory). A connection never changes database
# (nothing here ATTACHes or USEs another), so this is read once per connection object rather than in every
# data_state (a catalog function scan cost a fifth of that statement). Weak keys: a closed, dropped
# connection leaves the table.
_DATABASE_FILES: weakref.WeakKeyDictionary[Any, str | None] = weakref.WeakKeyDictionary()


def database_file(con: duckdb.DuckDBPyConnection) -> str | None:
    """Path of the database file ``con`` works on; ``None`` for an in-memory database.

    Parameters
    ----------
    con : open connection or cursor.

    Returns
    -------
    str or None
    """
    try:
        return _DATABASE_FILES[con]
    except (KeyError, TypeError):
        pass
    row = con.execute(db.load_sql("compstat/database_file")).fetchone()
    path = str(row[0]) if row is not None and row[0] is not None else None
    with contextlib.suppress(TypeError):  # an object without weak references: read every time
        _DATABASE_FILES[con] = path
    return path


# --------------------------------------------------------------------------- counting engine

def _split_range(start: date, end: date) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """Whole months inside ``start..end`` (first and last month start) and the day spans left over."""
    first_full = start if start.day == 1 else coverage.month_end(start) + timedelta(days=1)
    last_full_end = end if end == coverage.month_end(end) else coverage.month_start(end) - timedelta(days=1)
    if first_full > last_full_end:
        return None, [(start, end)]
    raw = []
    if start < first_full:
        raw.append((start, first_full - timedelta(days=1)))
    if last_full_end < end:
        raw.append((last_full_end + timedelta(days=1), end))
    return (first_full, coverage.month_start(last_full_end)), raw


def _merge_spans(spans: Sequence[tuple[date, date]]) -> list[tuple[date, date]]:
    merged: list[tuple[date, date]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _between_any(column: str, spans: Sequence[tuple[date, date]], params: list[object]) -> str:
    if not spans:
        return "false"
    params.extend(value for span in spans for value in span)
    return "(" + " OR ".join(f"{column} BETWEEN ? AND ?" for _ in spans) + ")"


def _fill(template: str, **fragments: str) -> str:
    """SQL template text with its ``/*name*/`` markers replaced by fixed fragments (never by values)."""
    sql = db.load_sql(template)
    for name, fragment in fragments.items():
        sql = sql.replace(f"/*{name}*/", fragment)
    return sql


def count_rows(con: duckdb.DuckDBPyConnection, ranges: Sequence[tuple[date, date]], dims: Sequence[str],
                filters: Filters | None, use_aggregates: bool = True, *,
                fresh: bool | None = None) -> list[tuple[Any, ...]]:
    """Rows ``(*dims, count_range_0, count_range_1, ...)`` — the engine behind :func:`count_by`.

    ``fresh``: the pre-aggregate's freshness as read by the caller's :func:`data_state` (saves a query).
    """
    unknown = [d for d in dims if d not in DIMENSIONS]
    if unknown:
        raise ValueError(f"unknown dimensions {unknown}")
    if not ranges:
        return []
    # The pre-aggregate only when it has the dimensions and is fresh (or can be rebuilt): never stale numbers.
    use_aggregates = use_aggregates and all(DIMENSIONS[d][1] is not None for d in dims) \
        and ensure_aggregates(con, fresh)
    # Without districts or status, edge days come from incidents_daily and whole months from
    # incidents_monthly_coarse (migration 090): the same counts from far fewer rows.
    coarse = use_aggregates and "district" not in dims and "status" not in dims \
        and not (filters is not None and filters.districts)
    flt_sql, flt_params = where_clause(filters or Filters(), dates=False)

    months_per_range: list[tuple[date, date] | None] = []
    raw_per_range: list[list[tuple[date, date]]] = []
    for start, end in ranges:
        months, raw = (None, [] if end < start else [(start, end)])
        if use_aggregates and start <= end:
            months, raw = _split_range(start, end)
        months_per_range.append(months)
        raw_per_range.append(raw)

    dim_list = ", ".join(dims)
    fragments = {"group_by": f"GROUP BY {dim_list}" if dims else "", "filters": flt_sql}
    width = len(dims)
    totals: dict[tuple[Any, ...], list[int]] = {}

    def merge(rows: list[tuple[Any, ...]], columns: list[int]) -> None:
        # Hot loop (up to a thousand rows per statement): a dict lookup before allocating, values are
        # Python ints already (None when a FILTER matched nothing).
        size = len(ranges)
        for row in rows:
            key = row[:width]
            counts = totals.get(key)
            if counts is None:
                counts = totals[key] = [0] * size
            for column, value in zip(columns, row[width:], strict=True):
                if value:
                    counts[column] += value

    # Edge days (incidents or incidents_daily) and whole months (a monthly pre-aggregate) are each grouped in
    # their own SELECT and merged here: cheaper than an outer re-aggregation. Every part has one value column
    # per range (NULL where the part does not serve the range), so the parts go to DuckDB as one UNION ALL:
    # one statement to parse, plan and run instead of two. Positional parameters bind in text order.
    statements: list[tuple[str, list[object]]] = []

    def widen(expressions: dict[int, str]) -> str:
        return ", ".join(expressions.get(i, "NULL") for i in range(len(ranges)))

    raw_spans = _merge_spans([span for spans in raw_per_range for span in spans])
    if raw_spans and coarse:
        params: list[object] = []
        sums = {i: f"sum(n) FILTER (WHERE {_between_any('day', spans, params)})"
                for i, spans in enumerate(raw_per_range) if spans}
        day_dims = "".join(f"{DAILY_DIMENSIONS[d]} AS {d}, " for d in dims)
        params.extend([raw_spans[0][0], raw_spans[-1][1], *flt_params])
        statements.append((_fill("compstat/count_daily", dims=day_dims, sums=widen(sums), filters=flt_sql,
                                 group_by="GROUP BY ALL" if dims else ""), params))
    elif raw_spans:
        params = []
        raw_dims = "".join(f"{DIMENSIONS[d][0]} AS {d}, " for d in dims)
        if len(raw_spans) == 1:
            # One span: a flat scan-and-group without the UNION subquery (a quarter cheaper at 1M rows).
            counts = {i: f"count(*) FILTER (WHERE {_between_any('registered_on', spans, params)})"
                      for i, spans in enumerate(raw_per_range) if spans}
            params.extend([*raw_spans[0], *flt_params])
            sql = _fill("compstat/count_raw_flat", dims=raw_dims, counts=widen(counts),
                        filters=flt_sql, group_by="GROUP BY ALL" if dims else "")
        else:
            counts = {i: f"count(*) FILTER (WHERE {_between_any('day', spans, params)})"
                      for i, spans in enumerate(raw_per_range) if spans}
            # One scan per disjoint span, each a plain range predicate that row-group zonemaps can prune.
            scans = []
            for start, end in raw_spans:
                scans.append(_fill("compstat/count_raw_scan", dims=raw_dims, **fragments))
                params.extend([start, end, *flt_params])
            sql = _fill("compstat/count_raw", dims="".join(f"{d}, " for d in dims), counts=widen(counts),
                        scans=" UNION ALL ".join(scans), **fragments)
        statements.append((sql, params))
    month_spans = [span for span in months_per_range if span is not None]
    if month_spans:
        params = []
        sums = {i: f"sum(n) FILTER (WHERE {_between_any('month', [span], params)})"
                for i, span in enumerate(months_per_range) if span is not None}
        agg_dims = "".join(f"{DIMENSIONS[d][1]} AS {d}, " for d in dims)
        table = "incidents_monthly_coarse" if coarse else \
            "incidents_monthly_status" if "status" in dims else "incidents_monthly"
        params.extend([min(span[0] for span in month_spans), max(span[1] for span in month_spans), *flt_params])
        statements.append((_fill("compstat/count_monthly", dims=agg_dims, sums=widen(sums), table=table,
                                 **fragments), params))
    if len(statements) == 1 and dims:
        # One grouped SELECT: its keys are distinct already, nothing to merge (NULL sums are zeros).
        sql, params = statements[0]
        return [row if None not in row else (*row[:width], *(value or 0 for value in row[width:]))
                for row in con.execute(sql, params).fetchall() if any(row[width:])]
    if statements:
        sql = statements[0][0] if len(statements) == 1 else \
            "\nUNION ALL\n".join(f"(\n{part}\n)" for part, _ in statements)
        merge(con.execute(sql, [value for _, params in statements for value in params]).fetchall(),
              list(range(len(ranges))))
    if not dims:
        return [tuple(totals.get((), [0] * len(ranges)))]
    return [(*key, *counts) for key, counts in totals.items() if any(counts)]


def dimension_dtype(dim: str) -> Any:
    """pandas dtype of a :data:`DIMENSIONS` column in result frames."""
    if dim in ("month", "week"):
        return "datetime64[us]"
    if dim in ("online", "minor_involved", "foreign_national"):
        return "bool"
    return "str"


def count_by(con: duckdb.DuckDBPyConnection, ranges: Mapping[str, tuple[date, date]],
             dims: Sequence[str] = (), filters: Filters | None = None, *,
             use_aggregates: bool = True) -> pd.DataFrame:
    """Incidents registered in each named date range, grouped by ``dims``, in one SQL statement.

    Whole months are read from the pre-aggregate, edge days from ``incidents``.

    Parameters
    ----------
    con : open database.
    ranges : ``{name: (first_day, last_day)}``, inclusive; one count column per name.
    dims : grouping columns from :data:`DIMENSIONS` (``month``/``week`` give the period start).
    filters : sidebar filters; their dates are ignored (the ranges set the dates).
    use_aggregates : read whole months from the pre-aggregate when it is fresh or can be rebuilt (default);
        ``False`` forces raw rows (same numbers, slower — tests compare both).

    Returns
    -------
    pd.DataFrame
        ``dims`` columns plus one int64 column per range name; only groups with a non-zero count appear.
    """
    names = list(ranges)
    rows = count_rows(con, list(ranges.values()), dims, filters, use_aggregates)
    columns = [*dims, *names]
    data = {name: [row[i] for row in rows] for i, name in enumerate(columns)}
    dtypes = {**{d: dimension_dtype(d) for d in dims}, **{name: "int64" for name in names}}
    return pd.DataFrame({name: pd.Series(data[name], dtype=dtypes[name]) for name in columns})


# --------------------------------------------------------------------------- scope: sides, units, population

@dataclass(frozen=True)
class Scope:
    """What the filters select: (side, oblast) units and the population base per side and per oblast."""

    units: tuple[tuple[str, str], ...]
    population: Mapping[str, float]          # side -> population (NaN when unknown)
    oblast_population: Mapping[str, float]   # oblast -> population (NaN when unknown)

    @property
    def sides(self) -> list[str]:
        return list(dict.fromkeys(side for side, _ in self.units))

    def oblasts_of(self, side: str) -> list[str]:
        return [oblast for s, oblast in self.units if s == side]


def latest_populations(con: duckdb.DuckDBPyConnection, tables: reference.Tables | None = None,
                       ) -> dict[tuple[str, str], float]:
    """``{(level, key): population}`` of the latest year per key (levels ``oblast``, ``district``).

    ``tables``: reference rows already read (:func:`data_state`); saves the query.
    """
    if tables is not None:
        return dict(tables.populations)
    latest: dict[tuple[str, str], tuple[int, float]] = {}
    for level, key, year, population in con.execute(db.load_sql("compstat/populations")).fetchall():
        if population is None:
            continue
        entry = (str(level), str(key))
        if entry not in latest or int(year) > latest[entry][0]:
            latest[entry] = (int(year), float(population))
    return {entry: value for entry, (_, value) in latest.items()}


def district_rows(con: duckdb.DuckDBPyConnection, oblasts: Sequence[str] = (), districts: Sequence[str] = (),
                  tables: reference.Tables | None = None) -> list[tuple[str, str, str, str, str]]:
    """``[(side, oblast, district, name_ru, name_en)]`` of the reference, optionally of some oblasts/districts."""
    rows = tables.districts if tables is not None else con.execute(db.load_sql("compstat/districts")).fetchall()
    return [(str(s), str(o), str(d), str(ru), str(en)) for s, o, d, ru, en in rows
            if (not oblasts or o in oblasts) and (not districts or d in districts)]


def selection_scope(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
                    tables: reference.Tables | None = None) -> Scope:
    """Sides, oblasts and population bases the filters select (KZ first).

    With districts chosen the base is the sum of those districts' populations; a chosen district
    without a figure makes the base unknown (no rate rather than a wrong one).

    Parameters
    ----------
    con : open database.
    filters : sidebar filters (sides, oblasts, districts matter).
    tables : reference rows already read (:func:`data_state`); saves the queries.

    Returns
    -------
    Scope
    """
    flt = filters or Filters()
    units = coverage.expected_units(con, flt, tables)
    pops = latest_populations(con, tables)
    oblast_population: dict[str, float] = {}
    if flt.districts:
        for _side, oblast, district, *_ in district_rows(con, [o for _, o in units], flt.districts, tables):
            # fsum of a NaN is NaN: one chosen district without a figure leaves the base unknown
            oblast_population[oblast] = math.fsum([oblast_population.get(oblast, 0.0),
                                                   pops.get(("district", district), math.nan)])
    else:
        oblast_population = {oblast: pops.get(("oblast", oblast), math.nan) for _, oblast in units}
    population: dict[str, float] = {}
    for side, oblast in units:
        population[side] = population.get(side, 0.0) + oblast_population.get(oblast, math.nan)
    return Scope(tuple(units), population, oblast_population)


# --------------------------------------------------------------------------- CompStat tables

def _window_ranges(windows: Sequence[Window]) -> list[tuple[date, date]]:
    """Current and prior span of each window, in that order."""
    return [span for window in windows for span in window.spans]


def _resolve_as_of(state: DataState, as_of: date | None, filters: Filters | None) -> date | None:
    return as_of if as_of is not None else as_of_from(state.last_day, filters)


def category_directions(con: duckdb.DuckDBPyConnection, filters: Filters | None,
                        tables: reference.Tables | None = None) -> list[tuple[str, str]]:
    """``[(category, direction)]`` in reference order, restricted to the filters' categories."""
    rows = list(tables.categories) if tables is not None else \
        [(str(c), str(d)) for c, d in con.execute(db.load_sql("compstat/categories")).fetchall()]
    if filters is not None and filters.categories:
        rows = [(c, d) for c, d in rows if c in filters.categories]
    return rows


def _side_completeness(con: duckdb.DuckDBPyConnection, scope: Scope, windows: Sequence[Window],
                       filters: Filters | None) -> dict[tuple[str, str], bool]:
    """``{(side, window): no missing month for any oblast of the side in the current or prior span}``."""
    holes = coverage.missing_set(con, min(w.prior_start for w in windows), max(w.current_end for w in windows),
                                 filters, scope.units)
    return {(side, w.name): coverage.period_complete(holes, [(side, o) for o in scope.oblasts_of(side)], w.spans)
            for side in scope.sides for w in windows}


def typed_frame(columns: Mapping[str, tuple[Sequence[Any], Any]]) -> pd.DataFrame:
    """DataFrame from ``{name: (values, dtype)}`` in one go (cheaper than building and casting).

    Parameters
    ----------
    columns : column name → (values, pandas dtype), in column order.

    Returns
    -------
    pd.DataFrame
        With a RangeIndex; equal to a frame of ``pd.Series(values, dtype=dtype)`` columns. Built from typed
        arrays without a copy: a frame of Series aligns and copies each one (3× the cost).
    """
    return pd.DataFrame({name: pd.array(list(values), dtype=dtype) for name, (values, dtype) in columns.items()},
                        copy=False)


def _compstat_frame(keys: Mapping[str, Sequence[str]], counts: Sequence[tuple[int, int]],
                    rates: Sequence[float | None], complete: Sequence[bool], windows: Sequence[str],
                    extra: Mapping[str, tuple[Sequence[Any], Any]] | None = None,
                    order: Sequence[str] | None = None) -> pd.DataFrame:
    """The CompStat columns (plus ``notable`` and ``extra``), in ``order`` when given.

    Built in their final order in one go: adding columns and reordering a frame afterwards costs as much
    as building it.
    """
    currents = [c for c, _ in counts]
    priors = [p for _, p in counts]
    zs = [poisson_z(c, p) for c, p in counts]
    columns: dict[str, tuple[Sequence[Any], Any]] = {name: (values, "str") for name, values in keys.items()}
    columns.update({
        "window": (windows, "str"),
        "current": (currents, "int64"),
        "prior": (priors, "int64"),
        "pct_change": ([percent_change(c, p) for c, p in counts], "Float64"),
        "z": (zs, "float64"),
        "per_100k": (rates, "Float64"),
        "coverage_complete": (complete, "bool"),
    })
    columns.update(extra or {})
    if order is None:
        return typed_frame(columns)
    columns["notable"] = ([abs(z) >= NOTABLE_Z for z in zs], "bool")
    return typed_frame({name: columns[name] for name in order})


def compstat_table(con: duckdb.DuckDBPyConnection, as_of: date | None = None,
                   filters: Filters | None = None) -> pd.DataFrame:
    """CompStat per side × category × window (WTD, 28d, YTD).

    Parameters
    ----------
    con : open database.
    as_of : last day counted; default the end of ``filters`` or the last registration date.
    filters : sidebar filters; their period is ignored except its end as the default as-of.

    Returns
    -------
    pd.DataFrame
        Columns ``side, category, window, current, prior, pct_change, z, per_100k, coverage_complete``;
        every side in scope × every category (zeros included) × the three windows; empty for an empty DB.
    """
    state = data_state(con)
    as_of = _resolve_as_of(state, as_of, filters)
    scope = selection_scope(con, filters, state.tables)
    categories = [c for c, _ in category_directions(con, filters, state.tables)]
    if as_of is None or not scope.units or not categories:
        return _compstat_frame({"side": [], "category": []}, [], [], [], [])
    windows = compstat_windows(as_of)
    counts = {(row[0], row[1]): row[2:] for row in
              count_rows(con, _window_ranges(windows), ("side", "category"), filters, fresh=state.fresh)}
    complete = _side_completeness(con, scope, windows, filters)
    keys: dict[str, list[str]] = {"side": [], "category": []}
    pairs, rates, flags, names = [], [], [], []
    for side in scope.sides:
        for category in categories:
            values = counts.get((side, category), (0,) * (2 * len(windows)))
            for i, window in enumerate(windows):
                keys["side"].append(side)
                keys["category"].append(category)
                pairs.append((int(values[2 * i]), int(values[2 * i + 1])))
                rates.append(per_100k(values[2 * i], scope.population.get(side)))
                flags.append(complete[(side, window.name)])
                names.append(window.name)
    return _compstat_frame(keys, pairs, rates, flags, names)


def direction_table(con: duckdb.DuckDBPyConnection, as_of: date | None = None,
                    filters: Filters | None = None) -> pd.DataFrame:
    """CompStat for the five Overview directions per side and window.

    Directions come from ``ref_categories.direction``; ``minors`` is every incident with
    ``minor_involved`` true, whatever its category.

    Parameters
    ----------
    con, as_of, filters : as :func:`compstat_table`.

    Returns
    -------
    pd.DataFrame
        Columns ``side, direction, window, current, prior, pct_change, z, per_100k, coverage_complete,
        notable, online_current, online_share, drugs_online_current``. ``online_share`` is the share of
        the current window's incidents committed online (NA when none); ``drugs_online_current`` counts
        online drug sales (drugs category, online) and is filled for ``smuggling_drugs`` only.
    """
    state = data_state(con)
    as_of = _resolve_as_of(state, as_of, filters)
    scope = selection_scope(con, filters, state.tables)
    direction_of = dict(category_directions(con, None, state.tables))
    windows = compstat_windows(as_of) if as_of is not None else []
    width = 2 * len(windows)
    totals: dict[tuple[str, str], list[int]] = {}
    online: dict[tuple[str, str], list[int]] = {}
    drugs_online: dict[str, list[int]] = {}
    for side, category, is_online, is_minor, *values in (
            count_rows(con, _window_ranges(windows), ("side", "category", "online", "minor_involved"), filters,
                       fresh=state.fresh)
            if windows and scope.units else []):
        targets = [direction_of.get(category, "other")] + (["minors"] if is_minor else [])
        for direction in targets:
            _add(totals, (side, direction), values)
            if is_online:
                _add(online, (side, direction), values)
        if is_online and category == "drugs":
            _add(drugs_online, side, values)
    complete = _side_completeness(con, scope, windows, filters) if windows else {}
    keys: dict[str, list[str]] = {"side": [], "direction": []}
    pairs, rates, flags, names, online_now, drugs_now = [], [], [], [], [], []
    for side in scope.sides if windows else []:
        for direction in DIRECTIONS:
            values = totals.get((side, direction), [0] * width)
            online_values = online.get((side, direction), [0] * width)
            for i, window in enumerate(windows):
                keys["side"].append(side)
                keys["direction"].append(direction)
                pairs.append((values[2 * i], values[2 * i + 1]))
                rates.append(per_100k(values[2 * i], scope.population.get(side)))
                flags.append(complete[(side, window.name)])
                names.append(window.name)
                online_now.append(online_values[2 * i])
                drugs_now.append(drugs_online.get(side, [0] * width)[2 * i] if direction == "smuggling_drugs"
                                 else None)
    return _compstat_frame(keys, pairs, rates, flags, names, {
        "online_current": (online_now, "int64"),
        "drugs_online_current": (drugs_now, "Int64"),
        "online_share": ([o / c if c else None for o, (c, _) in zip(online_now, pairs, strict=True)], "Float64"),
    }, order=[*COMPSTAT_COLUMNS[:1], "direction", *COMPSTAT_COLUMNS[2:], "notable", "online_current",
              "online_share", "drugs_online_current"])


def _add(store: dict[Any, list[int]], key: Any, values: Sequence[int]) -> None:
    current = store.setdefault(key, [0] * len(values))
    for i, value in enumerate(values):
        current[i] += int(value)


UNKNOWN_DISTRICT = {"ru": "Район не указан", "en": "District not given"}


def district_table(con: duckdb.DuckDBPyConnection, as_of: date | None = None, filters: Filters | None = None,
                   window: str = "28d", lang: str = "ru") -> pd.DataFrame:
    """Districts ranked by the current count of one window, with rate, change and z.

    Parameters
    ----------
    con, as_of, filters : as :func:`compstat_table`.
    window : ``wtd``, ``28d`` (default) or ``ytd``.
    lang : language of the ``name`` column.

    Returns
    -------
    pd.DataFrame
        Columns ``rank, side, oblast, district, name, current, prior, pct_change, z, notable, per_100k,
        coverage_complete``; every district in scope (zeros included) plus one row per oblast for incidents
        without a recognised district (``district`` NA) when there are any; sorted by current count, then
        rate, descending. ``per_100k`` uses the district's population (NA when unknown).
    """
    state = data_state(con)
    as_of = _resolve_as_of(state, as_of, filters)
    scope = selection_scope(con, filters, state.tables)
    chosen = window_by_name(as_of, window) if as_of is not None else None
    rows: list[dict[str, Any]] = []
    if chosen is not None and scope.units:
        flt = filters or Filters()
        counts = {(s, o, d): (int(c), int(p)) for s, o, d, c, p in
                  count_rows(con, _window_ranges([chosen]), ("side", "oblast", "district"), filters,
                             fresh=state.fresh)}
        refs = district_rows(con, [o for _, o in scope.units], flt.districts, state.tables)
        pops = state.tables.populations
        holes = coverage.missing_set(con, chosen.prior_start, chosen.current_end, filters, scope.units)
        name_index = 4 if lang == "en" else 3
        known = set()
        for ref in refs:
            side, oblast, district = ref[0], ref[1], ref[2]
            population = pops.get(("district", district))
            known.add((side, oblast, district))
            current, prior = counts.get((side, oblast, district), (0, 0))
            rows.append({"side": side, "oblast": oblast, "district": district, "name": ref[name_index],
                         "current": current, "prior": prior, "per_100k": per_100k(current, population)})
        for (side, oblast, district), (current, prior) in counts.items():
            if (side, oblast, district) in known or flt.districts:
                continue
            rows.append({"side": side, "oblast": oblast, "district": None,
                         "name": UNKNOWN_DISTRICT.get(lang, UNKNOWN_DISTRICT["ru"]),
                         "current": current, "prior": prior, "per_100k": None})
        _merge_unknown(rows)
        for row in rows:
            # a row without a known oblast depends on every oblast of its side
            units = [(row["side"], row["oblast"])] if row["oblast"] else \
                [(row["side"], o) for o in scope.oblasts_of(row["side"])]
            row["complete"] = coverage.period_complete(holes, units, chosen.spans)
        rows.sort(key=lambda r: (-r["current"], -(r["per_100k"] or 0.0), r["name"]))
    return _compstat_frame(
        {"side": [r["side"] for r in rows], "oblast": [r["oblast"] for r in rows]},
        [(r["current"], r["prior"]) for r in rows], [r["per_100k"] for r in rows],
        [r["complete"] for r in rows], [window] * len(rows),
        {"district": ([r["district"] for r in rows], "str"), "name": ([r["name"] for r in rows], "str"),
         "rank": (range(1, len(rows) + 1), "int64")},
        order=["rank", "side", "oblast", "district", "name", "current", "prior", "pct_change", "z", "notable",
               "per_100k", "coverage_complete"])


def _merge_unknown(rows: list[dict[str, Any]]) -> None:
    """Several unrecognised district codes of one oblast → one "district not given" row."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for row in [r for r in rows if r["district"] is None]:
        rows.remove(row)
        key = (row["side"], row["oblast"])
        if key in merged:
            merged[key]["current"] += row["current"]
            merged[key]["prior"] += row["prior"]
        else:
            merged[key] = row
    rows.extend(merged.values())


SHARE_KEYS = ("online", "minor_involved", "foreign_national", "to_court", "terminated", "suspended")


def incident_shares(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
                    as_of: date | None = None) -> pd.DataFrame:
    """Per side: incidents registered in the selected period and the shares with each flag and outcome.

    Parameters
    ----------
    con : open database.
    filters : the period is ``filters.start..filters.end`` (defaults: 1 January of the as-of year..as-of).
    as_of : default end when the filters have none.

    Returns
    -------
    pd.DataFrame
        Columns ``side, start, end, total, online, minor_involved, foreign_national, to_court, terminated,
        suspended`` (counts) and ``share_<each>`` (0..1, NA when total is 0). Outcomes are the *current*
        status of the incidents registered in the period.
    """
    flt = filters or Filters()
    state = data_state(con)
    end = flt.end or _resolve_as_of(state, as_of, flt)
    scope = selection_scope(con, flt, state.tables)
    start = flt.start or (date(end.year, 1, 1) if end is not None else None)
    per_side: dict[str, dict[str, int]] = {side: dict.fromkeys(("total", *SHARE_KEYS), 0) for side in scope.sides}
    if start is not None and end is not None and scope.units:
        dims = ("side", "online", "minor_involved", "foreign_national", "status")
        for side, is_online, is_minor, is_foreign, status, n in count_rows(con, [(start, end)], dims, flt,
                                                                                fresh=state.fresh):
            if side not in per_side:
                continue
            record = per_side[side]
            record["total"] += n
            for key, hit in (("online", is_online), ("minor_involved", is_minor), ("foreign_national", is_foreign),
                             ("to_court", status == "to_court"), ("terminated", status == "terminated"),
                             ("suspended", status == "suspended")):
                record[key] += n if hit else 0
    sides = list(per_side)
    columns: dict[str, tuple[Sequence[Any], Any]] = {
        "side": (sides, "str"), "start": ([start] * len(sides), "datetime64[us]"),
        "end": ([end] * len(sides), "datetime64[us]"),
        **{key: ([per_side[s][key] for s in sides], "int64") for key in ("total", *SHARE_KEYS)},
        **{f"share_{key}": ([per_side[s][key] / per_side[s]["total"] if per_side[s]["total"] else None
                             for s in sides], "Float64") for key in SHARE_KEYS},
    }
    return typed_frame(columns)


def compstat_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of :func:`compstat_table` as JSON-ready dicts (NA → ``None``), in the CLI contract's keys."""
    records: list[dict[str, Any]] = []
    for row in frame[COMPSTAT_COLUMNS].itertuples(index=False):
        record: dict[str, Any] = {}
        for key, value in zip(COMPSTAT_COLUMNS, row, strict=True):
            if value is pd.NA or (isinstance(value, float) and math.isnan(value)):
                record[key] = None
            else:
                record[key] = value.item() if hasattr(value, "item") else value
        records.append(record)
    return records


# --------------------------------------------------------------------------- display text (pages, slides)

TEXT = {
    "ru": {
        "wtd": "С начала недели", "28d": "28 дней", "ytd": "С начала года",
        "counts": "{window}: было {prior}, стало {current}. Цвет — только при |z| ≥ 2 (заметное изменение).",
        "incomplete": "неполные данные",
        "rank": "№", "district": "Район", "side": "Сторона", "oblast": "Область", "current": "Сейчас",
        "prior": "Ранее", "pct_change": "Изменение, %", "z": "z", "per_100k": "На 100 тыс.",
        "notable": "Заметно", "coverage": "Данные", "complete": "полные", "category": "Категория",
        "window": "Окно", "indicator": "Показатель", "total": "Зарегистрировано за период",
        "online": "С использованием интернета", "minor_involved": "С участием несовершеннолетних",
        "foreign_national": "С участием граждан другой стороны", "to_court": "Направлено в суд",
        "terminated": "Прекращено", "suspended": "Приостановлено",
    },
    "en": {
        "wtd": "Week to date", "28d": "28 days", "ytd": "Year to date",
        "counts": "{window}: {prior} before, {current} now. Coloured only when |z| ≥ 2 (a notable change).",
        "incomplete": "incomplete data",
        "rank": "#", "district": "District", "side": "Side", "oblast": "Oblast", "current": "Now",
        "prior": "Before", "pct_change": "Change, %", "z": "z", "per_100k": "Per 100k",
        "notable": "Notable", "coverage": "Data", "complete": "complete", "category": "Category",
        "window": "Window", "indicator": "Indicator", "total": "Registered in the period",
        "online": "Committed online", "minor_involved": "Minor involved",
        "foreign_national": "National of the other side involved", "to_court": "Sent to court",
        "terminated": "Terminated", "suspended": "Suspended",
    },
}


def change_text(current: int, prior: int, lang: str = "ru") -> str:
    """Short delta for a tile: ``+50 % · z +0,6``, or ``0 → 3 · z +3,5`` when the prior is 0 (no percentage)."""
    pct = percent_change(current, prior)
    z = poisson_z(current, prior)
    z_text = f"{z:+.1f}".replace(".", ",") if lang == "ru" else f"{z:+.1f}"
    if pct is None:
        return f"{prior} → {current} · z {z_text}"
    pct_text = f"{pct:+.0f} %" if lang == "ru" else f"{pct:+.0f}%"
    return f"{pct_text} · z {z_text}"


def counts_text(current: int, prior: int, window: str, lang: str = "ru") -> str:
    """Tooltip of a tile: ``28 дней: было 2, стало 5`` with the rule for notable changes."""
    return pick(TEXT, "counts", lang).format(window=window_label(window, lang), prior=prior, current=current)


def window_label(window: str, lang: str = "ru") -> str:
    """``28 дней`` / ``28 days`` for a window key."""
    return pick(TEXT, window, lang)


def district_display(frame: pd.DataFrame, lang: str = "ru") -> pd.DataFrame:
    """:func:`district_table` with readable column names (for the page and its CSV)."""
    shown = frame[["rank", "name", "side", "current", "prior", "pct_change", "z", "per_100k", "notable",
                   "coverage_complete"]].copy()
    shown["coverage_complete"] = [pick(TEXT, "complete" if ok else "incomplete", lang)
                                  for ok in shown["coverage_complete"]]
    return shown.rename(columns={"name": pick(TEXT, "district", lang), "coverage_complete": pick(TEXT, "coverage", lang),
                                 **{c: pick(TEXT, c, lang) for c in ("rank", "side", "current", "prior",
                                                                     "pct_change", "z", "per_100k", "notable")}})


def shares_display(frame: pd.DataFrame, lang: str = "ru") -> pd.DataFrame:
    """:func:`incident_shares` as rows of indicators × sides: a total row, then ``12,5 % (45)``."""
    indicator = pick(TEXT, "indicator", lang)
    rows: list[dict[str, str]] = [{indicator: pick(TEXT, "total", lang),
                                   **{str(r.side): str(r.total) for r in frame.itertuples(index=False)}}]
    for key in SHARE_KEYS:
        row: dict[str, str] = {indicator: pick(TEXT, key, lang)}
        for record in frame.itertuples(index=False):
            share = format_share(getattr(record, f"share_{key}"), lang, digits=1)
            row[str(record.side)] = f"{share} ({getattr(record, key)})"
        rows.append(row)
    return pd.DataFrame(rows)


def compstat_display(frame: pd.DataFrame, lang: str = "ru") -> pd.DataFrame:
    """:func:`compstat_table` with category labels and readable column names."""
    shown = frame.copy()
    shown["category"] = [category_label(c, lang) for c in shown["category"]]
    shown["window"] = [window_label(w, lang) for w in shown["window"]]
    shown["coverage_complete"] = [pick(TEXT, "complete" if ok else "incomplete", lang)
                                  for ok in shown["coverage_complete"]]
    return shown.rename(columns={c: pick(TEXT, "coverage" if c == "coverage_complete" else c, lang)
                                 for c in shown.columns})


def format_share(value: Any, lang: str = "ru", digits: int = 0) -> str:
    """``40 %`` / ``40%`` for a 0..1 share (``digits`` decimals); ``—`` when undefined."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{float(value) * 100:.{digits}f}"
    return f"{text.replace('.', ',')} %" if lang == "ru" else f"{text}%"


def format_rate(value: Any, lang: str = "ru") -> str:
    """Rate per 100k with two decimals (``1,25`` / ``1.25``); ``—`` when the population is unknown."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = f"{float(value):.2f}"
    return text.replace(".", ",") if lang == "ru" else text
