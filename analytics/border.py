"""Border corridor: how much happens how close to the KZ–KG border, per side, category, district and month.

Bands are closed on the right: ``0–5`` is ``border_km ≤ 5``, ``5–15`` is ``5 < border_km ≤ 15``, ``15–30`` is
``15 < border_km ≤ 30``, ``>30`` beyond. Every geocoded incident has a ``border_km`` (filled at ingest by
:func:`analytics.geo.annotate_points`), so the bands account for every geocoded incident in the filter.
"""

from __future__ import annotations

import warnings
from datetime import date, timedelta
from typing import Any, cast

import duckdb
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pyarrow as pa

from analytics import db, reference, sharing
from analytics.access import SYSTEM, Viewer
from analytics.filters import Filters, where_clause
from analytics.i18n import category_label, format_int, pick

BAND_EDGES = (5.0, 15.0, 30.0)
BAND_LABELS = ("0-5", "5-15", "15-30", ">30")
SIDES = ("KZ", "KG")
SIDE_COLOURS = {"KZ": "#1f77b4", "KG": "#d62728"}
MIN_SENTENCE_COUNT = 10
TABLE_COLUMNS: dict[str, Any] = {"side": object, "category": object, "district": object, "month": "datetime64[s]",
                 "band": np.int64, "band_km": object, "count": np.int64}

# Category phrases in the genitive plural for "62 % краж скота ...".
GENITIVE_RU = {
    "extremism_terrorism": "преступлений экстремистского и террористического характера",
    "vehicle_theft": "краж и угонов автотранспорта",
    "phone_theft": "краж сотовых телефонов",
    "weapons": "преступлений в сфере оборота оружия",
    "livestock_theft": "краж скота",
    "drugs": "наркопреступлений",
    "smuggling": "фактов контрабанды",
    "illegal_border_crossing": "незаконных пересечений границы",
    "other_theft": "прочих краж",
    "other": "прочих преступлений",
}
PLURAL_EN = {
    "extremism_terrorism": "extremism and terrorism offences",
    "vehicle_theft": "vehicle thefts",
    "phone_theft": "mobile phone thefts",
    "weapons": "weapons offences",
    "livestock_theft": "livestock thefts",
    "drugs": "drug offences",
    "smuggling": "smuggling cases",
    "illegal_border_crossing": "illegal border crossings",
    "other_theft": "other thefts",
    "other": "other offences",
}
TEXT = {
    "ru": {"sentence": "{pct} % {what} {where} — в пределах {km} км от границы ({n} из {total})",
           "band": "Расстояние до границы, км", "count": "Происшествий", "share": "Доля",
           "title": "Происшествия по удалённости от границы", "all_districts": "на обеих сторонах",
           "trend": "Доля происшествий в пределах {km} км от границы, по месяцам"},
    "en": {"sentence": "{pct}% of {what} {where} are within {km} km of the border ({n} of {total})",
           "band": "Distance to the border, km", "count": "Incidents", "share": "Share",
           "title": "Incidents by distance to the border", "all_districts": "on both sides",
           "trend": "Share of incidents within {km} km of the border, by month"},
}


def assign_band(border_km: np.ndarray) -> np.ndarray:
    """Band index 0..3 of each distance (closed on the right); -1 for NaN.

    Parameters
    ----------
    border_km : distances in km.

    Returns
    -------
    numpy.ndarray of int64.
    """
    km = np.asarray(border_km, dtype=np.float64)
    band = np.searchsorted(np.asarray(BAND_EDGES), km, side="left").astype(np.int64)
    band[~np.isfinite(km)] = -1
    return band


def fetch_frame(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> pd.DataFrame:
    """``con.execute(sql, params).df()``, fetched through Arrow: the same frame (same dtypes, dates as
    ``datetime64[us]``) in about two thirds of the time for rows with several text columns. (``con.sql`` would
    save DuckDB a copy but refuses a connection with an unfinished result, which callers' cursors may hold.)

    Parameters
    ----------
    con : database.
    sql : one SELECT.
    params : its bound parameters.

    Returns
    -------
    pandas.DataFrame
    """
    result = con.execute(sql, params)
    if not all(str(column[1]) in _ARROW_TYPES for column in result.description or []):
        return result.df()  # a type whose Arrow conversion differs (decimals, lists …): DuckDB's own frame
    with warnings.catch_warnings():
        # DuckDB advises con.sql() for Arrow output (one copy fewer): known, see above.
        warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)
        table = cast(pa.Table, result.to_arrow_table())
    frame = table.to_pandas(date_as_object=False)
    for name, kind in zip(table.column_names, table.schema.types, strict=True):
        if pa.types.is_date(kind):
            frame[name] = frame[name].astype("datetime64[us]")
        elif pa.types.is_string(kind) and table.column(name).null_count == table.num_rows:
            frame[name] = pd.Series([None] * table.num_rows, dtype=object, index=frame.index)  # as DuckDB's
        elif (pa.types.is_integer(kind) or pa.types.is_boolean(kind)) and table.column(name).null_count:
            # DuckDB gives integers and booleans with NULLs as pandas' nullable types (Arrow: floats, inexact
            # for ids, and objects).
            frame[name] = table.column(name).to_pandas(types_mapper=_NULLABLE.get)
    return frame


# The DuckDB types fetch_frame converts through Arrow (the others go through DuckDB's DataFrame).
_ARROW_TYPES = {"VARCHAR", "DATE", "DOUBLE", "FLOAT", "BOOLEAN", "TIMESTAMP", "BIGINT", "INTEGER", "SMALLINT",
                "TINYINT", "UBIGINT", "UINTEGER", "USMALLINT", "UTINYINT"}


_NULLABLE = {pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(), pa.int32(): pd.Int32Dtype(),
             pa.int64(): pd.Int64Dtype(), pa.uint8(): pd.UInt8Dtype(), pa.uint16(): pd.UInt16Dtype(),
             pa.uint32(): pd.UInt32Dtype(), pa.uint64(): pd.UInt64Dtype(), pa.bool_(): pd.BooleanDtype()}


def band_table(con: duckdb.DuckDBPyConnection, filters: Filters, viewer: Viewer = SYSTEM) -> pd.DataFrame:
    """Geocoded incidents in the filter counted by side, category, district, month and band.

    Only incidents whose coordinates the viewer may see count (sharing policy). Whole months come from the
    ``border_monthly`` pre-aggregate when it is fresh, partial months from the incidents.

    Returns
    -------
    pandas.DataFrame with ``side, category, district, month, band, band_km, count``.
    """
    months = _whole_months(filters)
    if months is None or not monthly_fresh(con):
        return _band_frame(con, *_raw_part(filters, viewer))
    first, end = months
    where_b, params_b = where_clause(filters, "b", dates=False)
    parts = [db.load_sql("hotspots/border_monthly_bands") + where_b]
    params: list[object] = [viewer.sees_everything, viewer.side, first, end, *params_b]
    # Partial months at either end of the period from the incidents themselves (one date range each, so
    # that the scan skips the row groups outside it).
    where, filter_params = where_clause(filters)
    edge_sql = sharing.sql_for_viewer(db.load_sql("hotspots/border_bands"), viewer) + where
    for low, high in ((filters.start, first), (end, _day_after(filters.end))):
        if low is not None and high is not None and low < high:
            parts.append(edge_sql + " AND registered_on >= ? AND registered_on < ? GROUP BY ALL")
            params += [*BAND_EDGES, *filter_params, low, high]
    return _band_frame(con, parts, params)


def _day_after(day: date | None) -> date | None:
    return None if day is None else day + timedelta(days=1)


def _raw_part(filters: Filters, viewer: Viewer) -> tuple[list[str], list[object]]:
    """band_table's counts from the incidents alone (any period; the pre-aggregate stale or not worth it)."""
    where, params = where_clause(filters)
    sql = sharing.sql_for_viewer(db.load_sql("hotspots/border_bands"), viewer) + where + " GROUP BY ALL"
    return [sql], [*BAND_EDGES, *params]


def _raw_bands(con: duckdb.DuckDBPyConnection, filters: Filters, viewer: Viewer) -> pd.DataFrame:
    """:func:`band_table` from the incidents alone, whatever the state of the pre-aggregate."""
    return _band_frame(con, *_raw_part(filters, viewer))


def _band_frame(con: duckdb.DuckDBPyConnection, parts: list[str], params: list[object]) -> pd.DataFrame:
    """The rows of ``parts`` united, grouped and labelled in SQL (border_bands_table.sql)."""
    sql = db.load_sql("hotspots/border_bands_table").replace("{parts}", "\nUNION ALL\n".join(parts))
    frame = fetch_frame(con, sql, [list(BAND_LABELS), *params])
    if frame.empty:
        return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in TABLE_COLUMNS.items()})
    return frame


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _whole_months(filters: Filters) -> tuple[date, date] | None:
    """First whole month of the filter's period and the end of its whole months (exclusive), or ``None``
    when the period holds no whole month."""
    first = date(1, 1, 1) if filters.start is None else (
        filters.start if filters.start.day == 1 else _next_month(filters.start))
    if filters.end is None:
        end = date(9999, 12, 1)
    else:
        end = _next_month(filters.end) if _next_month(filters.end) - timedelta(days=1) == filters.end \
            else _month_start(filters.end)
    return (first, end) if first < end else None


def monthly_fresh(con: duckdb.DuckDBPyConnection, before_upload: int | None = None) -> bool:
    """True when ``border_monthly`` was built from the incidents as they are (count and upload fingerprint).

    Parameters
    ----------
    con : database.
    before_upload : compare with the state as it was before this upload (its rows and fingerprint left out
        of the fingerprint; used by :func:`refresh_after_load`).

    Returns
    -------
    bool
    """
    row = con.execute(db.load_sql("hotspots/border_monthly_state"), [before_upload, before_upload]).fetchone()
    return row is not None and row[2] is not None and int(row[0]) == int(row[2]) and int(row[1]) == int(row[3])


def refresh_monthly(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild ``border_monthly`` from the incidents and record what it was built from.

    Runs in the caller's transaction and opens none.

    Parameters
    ----------
    con : writable connection.
    """
    con.execute("DELETE FROM border_monthly")
    con.execute(db.load_sql("hotspots/border_monthly_refresh"), list(BAND_EDGES))
    con.execute("DELETE FROM border_monthly_state")
    con.execute(db.load_sql("hotspots/border_monthly_save"))


def refresh_after_load(con: duckdb.DuckDBPyConnection, kind: str, upload_id: int) -> None:
    """After-load (and after-undo) step: leave ``border_monthly`` fresh inside the caller's transaction.

    An upload that does not touch incidents only re-records the state when the table was fresh before it;
    anything else rebuilds the table (a GROUP BY over the geocoded incidents). Readers never rebuild it:
    when it is stale they count raw rows.

    Parameters
    ----------
    con : connection inside the caller's open transaction.
    kind : file kind of the upload (``analytics.ingest.kinds.KINDS``).
    upload_id : the upload just written (or undone).
    """
    # imported here: analytics.ingest imports the loader, whose after-load steps call this function
    from analytics.ingest.kinds import INCIDENT_KINDS

    if kind not in INCIDENT_KINDS and monthly_fresh(con, before_upload=upload_id):
        con.execute("DELETE FROM border_monthly_state")
        con.execute(db.load_sql("hotspots/border_monthly_save"))
        return
    refresh_monthly(con)


def band_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Counts per side and band, every side × band present (zeros included), with the share of the side.

    Parameters
    ----------
    table : :func:`band_table` output (or any frame with ``side, band, count``).

    Returns
    -------
    pandas.DataFrame with ``side, band, band_km, count, share`` (share of the side's geocoded incidents; NaN
    when the side has none).
    """
    index = pd.MultiIndex.from_product([SIDES, range(len(BAND_LABELS))], names=["side", "band"])
    counts = (table.groupby(["side", "band"])["count"].sum() if not table.empty
              else pd.Series(dtype=np.int64)).reindex(index, fill_value=0).astype(np.int64)
    out = counts.rename("count").reset_index()
    out["band_km"] = np.asarray(BAND_LABELS, dtype=object)[out["band"].to_numpy()]
    totals = out.groupby("side")["count"].transform("sum")
    out["share"] = np.where(totals > 0, out["count"] / totals.where(totals > 0, 1), np.nan)
    return out[["side", "band", "band_km", "count", "share"]]


def band_shares(table: pd.DataFrame, by: tuple[str, ...] = ("side", "category")) -> pd.DataFrame:
    """Share of each band within groups (e.g. side × category, or side × month for the trend).

    Returns
    -------
    pandas.DataFrame with the ``by`` columns, ``band, band_km, count, total, share``.
    """
    keys = [*by, "band"]
    if table.empty:
        return pd.DataFrame({**{c: pd.Series([], dtype=object) for c in by}, "band": pd.Series([], dtype=np.int64),
                             "band_km": pd.Series([], dtype=object), "count": pd.Series([], dtype=np.int64),
                             "total": pd.Series([], dtype=np.int64), "share": pd.Series([], dtype=np.float64)})
    grouped = table.groupby(keys, as_index=False)["count"].sum()
    grouped["total"] = grouped.groupby(list(by))["count"].transform("sum").astype(np.int64)
    grouped["share"] = grouped["count"] / grouped["total"]
    grouped["band_km"] = np.asarray(BAND_LABELS, dtype=object)[grouped["band"].to_numpy()]
    return pd.DataFrame(grouped[[*by, "band", "band_km", "count", "total", "share"]])


def _district_in(name: str) -> str:
    """«Кордайский район» → «в Кордайском районе»; «г. Тараз» → «в г. Тараз»."""
    if name.endswith("ский район"):
        return "в " + name[: -len("ский район")] + "ском районе"
    if name.endswith("район"):
        return "в районе «" + name[: -len("район")].strip() + "»"
    return "в " + name


def border_sentences(table: pd.DataFrame, district_names: dict[str, dict[str, str]], lang: str = "ru",
                     km_band: int = 0, top: int = 3, min_count: int = MIN_SENTENCE_COUNT) -> list[str]:
    """Plain-words findings such as «62 % краж скота в Кордайском районе — в пределах 5 км от границы».

    Parameters
    ----------
    table : :func:`band_table` output.
    district_names : ``{"ru": {key: name}, "en": {key: name}}``.
    lang : ``ru`` / ``en``.
    km_band : the band up to which "within" counts (0 → within 5 km).
    top : how many sentences (highest shares first, ties by count).
    min_count : district × category groups smaller than this are not worth a sentence.

    Returns
    -------
    list of str.
    """
    if table.empty:
        return []
    frame = table.dropna(subset=["district"])
    grouped = (frame.assign(near=frame["count"].where(frame["band"] <= km_band, 0))
               .groupby(["district", "category"], as_index=False)[["near", "count"]].sum()
               .rename(columns={"count": "total"}))
    grouped = grouped[(grouped["total"] >= min_count) & (grouped["near"] > 0)]
    if grouped.empty:
        return []
    grouped["share"] = grouped["near"] / grouped["total"]
    grouped = grouped.sort_values(["share", "total", "district", "category"], ascending=[False, False, True, True])
    names = district_names.get("en" if lang == "en" else "ru", {})
    sentences = []
    for district_key, category, near, total, share in grouped.head(top)[
            ["district", "category", "near", "total", "share"]].itertuples(index=False, name=None):
        district = str(names.get(str(district_key), district_key))
        what = (PLURAL_EN if lang == "en" else GENITIVE_RU).get(str(category), category_label(str(category), lang))
        where = f"in {district}" if lang == "en" else _district_in(district)
        sentences.append(pick(TEXT, "sentence", lang).format(
            pct=round(100 * float(share)), what=what, where=where, km=int(BAND_EDGES[km_band]),
            n=format_int(int(near), lang), total=format_int(int(total), lang)))
    return sentences


def district_names(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """``{"ru": {district: name_ru}, "en": {district: name_en}}`` from the reference table."""
    ref = reference.districts(con)
    return {lang: reference.label(ref, "district", lang) for lang in ("ru", "en")}


def border_band_chart(df: pd.DataFrame, lang: str = "ru") -> go.Figure:
    """Grouped bars: incidents per distance band, one colour per side, share of the side on each bar.

    Parameters
    ----------
    df : :func:`band_counts` output.
    lang : ``ru`` / ``en``.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    fig = go.Figure()
    for side in SIDES:
        part = df[df["side"] == side] if not df.empty else df
        shares = [("" if pd.isna(s) else f"{100 * s:.0f}%") for s in part.get("share", [])]
        fig.add_bar(x=list(part.get("band_km", [])), y=list(part.get("count", [])), name=side,
                    marker_color=SIDE_COLOURS[side], text=shares, textposition="outside")
    fig.update_layout(barmode="group", title=pick(TEXT, "title", lang), xaxis_title=pick(TEXT, "band", lang),
                      yaxis_title=pick(TEXT, "count", lang), legend_title_text="", margin=dict(t=50, b=40),
                      xaxis=dict(categoryorder="array", categoryarray=list(BAND_LABELS)))
    return fig


def near_share_by_category(table: pd.DataFrame, lang: str = "ru", km_band: int = 0) -> pd.DataFrame:
    """Per category and side: incidents, how many within the band's outer edge, and the share.

    Parameters
    ----------
    table : :func:`band_table` output.
    lang : category labels' language.
    km_band : 0 → within 5 km, 1 → within 15 km, 2 → within 30 km.

    Returns
    -------
    pandas.DataFrame with ``category, side, total, near, share`` (share NaN when total is 0), sorted by
    category label and side.
    """
    columns = {"category": object, "side": object, "total": np.int64, "near": np.int64, "share": np.float64}
    if table.empty:
        return pd.DataFrame({c: pd.Series([], dtype=t) for c, t in columns.items()})
    near = table["count"].where(table["band"] <= km_band, 0)
    grouped = (table.assign(near=near).groupby(["category", "side"], as_index=False)[["count", "near"]].sum()
               .rename(columns={"count": "total"}))
    grouped["share"] = grouped["near"] / grouped["total"]
    grouped["category"] = grouped["category"].map(lambda c: category_label(str(c), lang))
    return pd.DataFrame(grouped.sort_values(["category", "side"], ignore_index=True)[list(columns)])


def border_trend_chart(table: pd.DataFrame, lang: str = "ru", km_band: int = 0) -> go.Figure:
    """Monthly share of each side's geocoded incidents within the band's outer edge (5 km by default).

    Parameters
    ----------
    table : :func:`band_table` output.
    lang : ``ru`` / ``en``.
    km_band : 0 → within 5 km.

    Returns
    -------
    plotly.graph_objects.Figure with one line per side (months without incidents of a side are gaps).
    """
    fig = go.Figure()
    shares = band_shares(table, ("side", "month"))
    for side in SIDES:
        part = shares[shares["side"] == side] if not shares.empty else shares
        if part.empty:
            continue
        by_month = part.assign(near=part["count"].where(part["band"] <= km_band, 0)).groupby("month").agg(
            near=("near", "sum"), total=("count", "sum"))
        fig.add_scatter(x=by_month.index, y=100 * by_month["near"] / by_month["total"], mode="lines+markers",
                        name=side, line={"color": SIDE_COLOURS[side]})
    fig.update_layout(title=pick(TEXT, "trend", lang).format(km=int(BAND_EDGES[km_band])),
                      yaxis_title="%", yaxis={"rangemode": "tozero"}, margin={"t": 50, "b": 40}, legend_title_text="")
    return fig
