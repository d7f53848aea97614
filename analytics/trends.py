"""Monthly and weekly series by side/oblast/district/category/flags, honest about missing data.

A period in which a side/oblast in scope uploaded nothing is *missing*: its count is NaN (a gap in a
line), never 0. A period cut by the start or end of the selection is flagged ``partial`` (its count is
true for the days it covers, but is not comparable with whole periods). Rates per 100k are per period
(month or week), not annualised.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import duckdb
import pandas as pd

from analytics import compstat, coverage, reference
from analytics.filters import Filters

GEO_DIMS = ("side", "oblast", "district")
SERIES_DIMS = ("side", "oblast", "district", "category", "online", "minor_involved", "foreign_national")
FREQS = {"month": "month", "week": "week"}


def _period_end(start: date, freq: str) -> date:
    return coverage.month_end(start) if freq == "month" else start + timedelta(days=6)


def _period_starts(start: date, end: date, freq: str) -> list[date]:
    if freq == "month":
        return coverage.month_starts(start, end)
    first = start - timedelta(days=start.weekday())
    return [first + timedelta(days=7 * i) for i in range((end - first).days // 7 + 1)]


def _series_columns(by: Sequence[str]) -> dict[str, Any]:
    return {**{d: compstat.dimension_dtype(d) for d in by}, "period": "datetime64[us]", "count": "float64",
            "missing": "bool", "partial": "bool", "per_100k": "float64"}


def _empty_series(by: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in _series_columns(by).items()})


def _geo_groups(con: duckdb.DuckDBPyConnection, scope: compstat.Scope, by: Sequence[str],
                filters: Filters, tables: reference.Tables | None = None,
                ) -> list[tuple[dict[str, Any], list[tuple[str, str]], float]]:
    """Geographic groups of ``by`` with the (side, oblast) units each depends on and its population."""
    if "district" in by:
        groups = []
        pops = compstat.latest_populations(con, tables)
        for side, oblast, district, *_ in compstat.district_rows(con, [o for _, o in scope.units], filters.districts,
                                                                 tables):
            key = {"side": side, "oblast": oblast, "district": district}
            groups.append(({k: v for k, v in key.items() if k in by}, [(side, oblast)],
                           pops.get(("district", district), math.nan)))
        return groups
    if "oblast" in by:
        return [({k: v for k, v in {"side": side, "oblast": oblast}.items() if k in by}, [(side, oblast)],
                 scope.oblast_population.get(oblast, math.nan)) for side, oblast in scope.units]
    if "side" in by:
        return [({"side": side}, [(side, o) for o in scope.oblasts_of(side)], scope.population.get(side, math.nan))
                for side in scope.sides]
    return [({}, list(scope.units), math.fsum(scope.population.values()))]


def _other_values(con: duckdb.DuckDBPyConnection, dim: str, filters: Filters,
                  tables: reference.Tables | None = None) -> list[Any]:
    if dim == "category":
        return [c for c, _ in compstat.category_directions(con, filters, tables)]
    flag = getattr(filters, dim)
    return [False, True] if flag is None else [flag]


def series(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
           by: Sequence[str] = ("side", "category"), freq: str = "month",
           start: date | None = None, end: date | None = None) -> pd.DataFrame:
    """Counts per period for every group of ``by`` (zeros included), missing periods NaN.

    Parameters
    ----------
    con : open database.
    filters : sidebar filters; their period is the default range.
    by : any of ``side, oblast, district, category, online, minor_involved, foreign_national``.
    freq : ``month`` or ``week`` (weeks start on Monday).
    start, end : override the range (default: the filters' period, else the data's first/last date).

    Returns
    -------
    pd.DataFrame
        Columns ``*by, period, count, missing, partial, per_100k``. ``count`` is NaN where a side/oblast
        the group depends on has no coverage in a month the period touches. ``per_100k`` is per period
        (only when a population applies). Rows ordered by group then period.
    """
    if freq not in FREQS:
        raise ValueError(f"freq must be month or week, not {freq!r}")
    unknown = [d for d in by if d not in SERIES_DIMS]
    if unknown:
        raise ValueError(f"unknown dimensions {unknown}")
    flt = filters or Filters()
    state = compstat.data_state(con)
    first, last = state.first_day, state.last_day
    start = start or flt.start or first
    end = end or flt.end or last
    scope = compstat.selection_scope(con, flt, state.tables)
    if last is None or start is None or end is None or end < start or not scope.units:
        return _empty_series(by)  # no incidents at all: nothing to draw (not a line of missing months)
    periods = _period_starts(start, end, freq)
    counts: dict[tuple[Any, ...], int] = {}
    dims = (*by, FREQS[freq])
    for row in compstat.count_rows(con, [(start, end)], dims, flt, fresh=state.fresh):
        counts[tuple(row[:-1])] = int(row[-1])
    holes = coverage.missing_set(con, periods[0], _period_end(periods[-1], freq), flt, scope.units)
    others = [d for d in by if d not in GEO_DIMS]
    other_values = [_other_values(con, d, flt, state.tables) for d in others]
    spans = [(period, _period_end(period, freq)) for period in periods]
    partial = [period < start or period_end > end for period, period_end in spans]
    # Built column by column (not records + astype): the frame has hundreds of rows and this is its hot path.
    dtypes = _series_columns(by)
    data: dict[str, list[Any]] = {name: [] for name in dtypes}
    for geo, units, population in _geo_groups(con, scope, by, flt, state.tables):
        gaps = [not coverage.period_complete(holes, units, [span]) for span in spans]
        for values in itertools.product(*other_values):
            group = {**geo, **dict(zip(others, values, strict=True))}
            key_prefix = tuple(group[d] for d in by)
            group_counts = [math.nan if missing else float(counts.get((*key_prefix, period), 0))
                            for period, missing in zip(periods, gaps, strict=True)]
            for d in by:
                data[d].extend([group[d]] * len(periods))
            data["period"].extend(periods)
            data["count"].extend(group_counts)
            data["missing"].extend(gaps)
            data["partial"].extend(partial)
            data["per_100k"].extend([count * 100_000 / population if population > 0 else math.nan
                                     for count in group_counts])
    if not data["period"]:
        return _empty_series(by)
    return compstat.typed_frame({name: (values, dtypes[name]) for name, values in data.items()})


def monthly_series(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
                   by: Sequence[str] = ("side", "category")) -> pd.DataFrame:
    """Monthly counts by ``by`` over the filters' period; missing months NaN (see :func:`series`).

    Parameters
    ----------
    con : open database.
    filters : sidebar filters (period = range of months).
    by : grouping, default side and category.

    Returns
    -------
    pd.DataFrame
        Columns ``*by, period, count, missing, partial, per_100k``.
    """
    return series(con, filters, by, "month")


def weekly_series(con: duckdb.DuckDBPyConnection, filters: Filters | None = None,
                  by: Sequence[str] = ("side",)) -> pd.DataFrame:
    """Weekly (Monday-based) counts; a week touching a missing month is NaN (see :func:`series`)."""
    return series(con, filters, by, "week")


def direction_monthly(con: duckdb.DuckDBPyConnection, as_of: date | None = None, filters: Filters | None = None,
                      months: int = 24) -> pd.DataFrame:
    """Monthly counts per side and Overview direction for the sparklines.

    Parameters
    ----------
    con : open database.
    as_of : last day (default: as :func:`analytics.compstat.default_as_of`).
    filters : sidebar filters (their period is ignored: the sparkline spans ``months`` months to as-of).
    months : number of months shown.

    Returns
    -------
    pd.DataFrame
        Columns ``side, direction, period, count, missing, partial``; ``count`` NaN in missing months.
    """
    columns = {"side": "str", "direction": "str", "period": "datetime64[us]", "count": "float64",
               "missing": "bool", "partial": "bool"}
    state = compstat.data_state(con)
    as_of = as_of or compstat.as_of_from(state.last_day, filters)
    scope = compstat.selection_scope(con, filters, state.tables)
    if as_of is None or not scope.units:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})
    first = coverage.month_start(as_of)
    for _ in range(months - 1):
        first = coverage.month_start(first - timedelta(days=1))
    periods = coverage.month_starts(first, as_of)
    direction_of = dict(compstat.category_directions(con, None, state.tables))
    totals: dict[tuple[str, str, date], int] = {}
    for side, category, minor, month, n in compstat.count_rows(
            con, [(first, as_of)], ("side", "category", "minor_involved", "month"), filters, fresh=state.fresh):
        for direction in [direction_of.get(category, "other")] + (["minors"] if minor else []):
            key = (side, direction, month)
            totals[key] = totals.get(key, 0) + int(n)
    holes = coverage.missing_set(con, first, as_of, filters, scope.units)
    data: dict[str, list[Any]] = {name: [] for name in columns}
    partial = [coverage.month_end(period) > as_of for period in periods]
    for side in scope.sides:
        gaps = [not coverage.period_complete(holes, [(side, o) for o in scope.oblasts_of(side)],
                                             [(p, coverage.month_end(p))]) for p in periods]
        for direction in compstat.DIRECTIONS:
            data["side"].extend([side] * len(periods))
            data["direction"].extend([direction] * len(periods))
            data["period"].extend(periods)
            data["count"].extend([math.nan if gap else float(totals.get((side, direction, period), 0))
                                  for period, gap in zip(periods, gaps, strict=True)])
            data["missing"].extend(gaps)
            data["partial"].extend(partial)
    # column by column, not records + astype (cheaper for a few hundred rows)
    return compstat.typed_frame({name: (values, columns[name]) for name, values in data.items()})


def yoy_frame(monthly: pd.DataFrame) -> pd.DataFrame:
    """Monthly series with ``year`` and ``month_of_year`` columns for a year-over-year overlay."""
    frame = monthly.copy()
    frame["year"] = frame["period"].dt.year.astype("int64")
    frame["month_of_year"] = frame["period"].dt.month.astype("int64")
    return frame


def seasonality_profile(monthly: pd.DataFrame, by: Sequence[str] = ("side",)) -> pd.DataFrame:
    """Average count per month of the year, over whole, covered months only.

    Parameters
    ----------
    monthly : output of :func:`monthly_series` (it must contain the ``by`` columns).
    by : groups kept apart (default: side).

    Returns
    -------
    pd.DataFrame
        Columns ``*by, month_of_year (1..12), mean, mean_per_100k, months`` where ``months`` is how many
        whole covered months were averaged; a month of the year with none is NaN, not 0.
    """
    keys = [*by, "month_of_year"]
    columns = {**{d: compstat.dimension_dtype(d) for d in by}, "month_of_year": "int64", "mean": "float64",
               "mean_per_100k": "float64", "months": "int64"}
    if monthly.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})
    usable = monthly[~monthly["missing"] & ~monthly["partial"]].copy()
    # Sum the categories/flags not in ``by`` first, so a month is one observation per group.
    usable["month_of_year"] = usable["period"].dt.month
    per_month = usable.groupby([*by, "period", "month_of_year"], dropna=False)[["count", "per_100k"]].sum(
        min_count=1).reset_index()
    profile = per_month.groupby(keys).agg(mean=("count", "mean"), mean_per_100k=("per_100k", "mean"),
                                          months=("count", "count")).reset_index()
    groups = monthly[list(by)].drop_duplicates() if by else pd.DataFrame(index=[0])
    grid = groups.merge(pd.DataFrame({"month_of_year": range(1, 13)}), how="cross")
    profile = grid.merge(profile, on=keys, how="left").fillna({"months": 0})
    return profile[list(columns)].astype(columns)


def series_table(frame: pd.DataFrame, columns: Sequence[str], value: str = "count") -> pd.DataFrame:
    """Wide table for display: one row per period, one column per group (``KZ · livestock_theft``).

    Missing cells stay NaN so the page can grey them out (never 0).
    """
    if frame.empty:
        return pd.DataFrame({"period": pd.Series(dtype="datetime64[us]")})
    labels = frame[list(columns)].astype(str).agg(" · ".join, axis=1) if columns else pd.Series("total",
                                                                                                 index=frame.index)
    wide = frame.assign(group=labels).pivot_table(index="period", columns="group", values=value, aggfunc="sum",
                                                  dropna=False, sort=False)
    missing = frame.assign(group=labels).pivot_table(index="period", columns="group", values="missing",
                                                     aggfunc="any", sort=False)
    wide = wide.where(~missing.astype(bool))
    wide.columns.name = None
    return wide.reset_index()


