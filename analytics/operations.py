"""Joint operations: the board (one row per operation), totals by direction and period, timeline and map.

A result column an operation did not report is *missing* (NULL), not zero: totals add what was reported
(``sum(min_count=1)``) and a total nobody reported stays missing.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import duckdb
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analytics.charts import MUTED_COLOR, side_color
from analytics.db import load_sql
from analytics.i18n import format_date, format_int, pick

MEASURES = ("detained", "cases_opened", "drugs_seized_g", "weapons_seized", "ammunition_seized",
            "livestock_returned", "vehicles_returned", "phones_returned", "online_resources_blocked",
            "prevention_events", "minors_reached")
DIRECTIONS = ("extremism_terrorism", "bulletins", "livestock_theft", "drugs", "weapons", "smuggling", "minors",
              "other")
GROUPINGS = ("direction", "month", "year")
DIRECTION_COLORS = {
    "extremism_terrorism": "#6a3d9a", "bulletins": "#1f78b4", "livestock_theft": "#b15928", "drugs": "#ff7f00",
    "weapons": "#e31a1c", "smuggling": "#8f7bb5", "minors": "#33a02c", "other": MUTED_COLOR,
}
BOARD_COLUMNS = ["code", "name", "direction", "direction_raw", "started_on", "ended_on", "participants", "districts",
                 "districts_raw", *MEASURES, "note"]

TEXT = {
    "ru": {
        "detained": "Задержано лиц", "cases_opened": "Возбуждено дел", "drugs_seized_g": "Изъято наркотиков, г",
        "weapons_seized": "Изъято оружия, ед.", "ammunition_seized": "Изъято боеприпасов, ед.",
        "livestock_returned": "Возвращено голов скота", "vehicles_returned": "Возвращено автомобилей",
        "phones_returned": "Возвращено телефонов", "online_resources_blocked": "Заблокировано интернет-ресурсов",
        "prevention_events": "Профилактических мероприятий", "minors_reached": "Охвачено несовершеннолетних",
        "extremism_terrorism": "Экстремизм и терроризм", "bulletins": "Ориентировки",
        "livestock_theft": "Скотокрадство", "drugs": "Наркотики", "weapons": "Оружие", "smuggling": "Контрабанда",
        "minors": "Несовершеннолетние", "other": "Прочее",
        "totals_title": "Результаты совместных операций", "timeline_title": "Сроки совместных операций",
        "map_title": "Районы проведения операций", "operations": "операций", "value": "Значение",
        "code": "Код", "name": "Название", "direction": "Направление", "started_on": "Начало",
        "ended_on": "Окончание", "participants": "Участники", "districts": "Районы", "note": "Примечание",
    },
    "en": {
        "detained": "Persons detained", "cases_opened": "Cases opened", "drugs_seized_g": "Drugs seized, g",
        "weapons_seized": "Weapons seized", "ammunition_seized": "Ammunition seized, rounds",
        "livestock_returned": "Livestock returned, heads", "vehicles_returned": "Vehicles returned",
        "phones_returned": "Phones returned", "online_resources_blocked": "Online resources blocked",
        "prevention_events": "Prevention events", "minors_reached": "Minors reached",
        "extremism_terrorism": "Extremism and terrorism", "bulletins": "Wanted bulletins",
        "livestock_theft": "Livestock theft", "drugs": "Drugs", "weapons": "Weapons", "smuggling": "Smuggling",
        "minors": "Minors", "other": "Other",
        "totals_title": "Results of joint operations", "timeline_title": "Joint operations over time",
        "map_title": "Districts of joint operations", "operations": "operations", "value": "Value",
        "code": "Code", "name": "Name", "direction": "Direction", "started_on": "Start", "ended_on": "End",
        "participants": "Participants", "districts": "Districts", "note": "Note",
    },
}


def operations_board(con: duckdb.DuckDBPyConnection, start: date | None = None, end: date | None = None,
                     direction: str | None = None) -> pd.DataFrame:
    """Joint operations that overlap a period, oldest first.

    Parameters
    ----------
    con : open database connection.
    start, end : period (inclusive); an operation counts when any of its days falls inside. None = unbounded.
    direction : one of :data:`DIRECTIONS`, or None for all.

    Returns
    -------
    pandas.DataFrame
        :data:`BOARD_COLUMNS`: code, name, direction, dates, participants, districts (reference keys), the
        results (:data:`MEASURES`, missing where not reported) and the note.
    """
    frame = con.execute(load_sql("operations/board"), {"start": start, "end": end, "direction": direction}).df()
    return frame[BOARD_COLUMNS]


def operation_totals(board: pd.DataFrame, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """Sum the results of the operations on a board, overall or per direction / month / year.

    Parameters
    ----------
    board : the frame of :func:`operations_board`.
    by : grouping columns from :data:`GROUPINGS` (month and year of the start date); () = one total row.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``operations`` (count) and every measure of :data:`MEASURES` (float; NaN when no
        operation of the group reported it).
    """
    unknown = set(by) - set(GROUPINGS)
    if unknown:
        raise ValueError(f"unknown grouping {sorted(unknown)}; expected some of {GROUPINGS}")
    frame = board.copy()
    started = pd.to_datetime(frame["started_on"])
    frame["month"] = started.dt.to_period("M").dt.to_timestamp()
    frame["year"] = started.dt.year.astype("Int64")
    values = frame[list(MEASURES)].apply(pd.to_numeric, errors="coerce").astype("float64")
    values["operations"] = 1
    keys = [frame[column] for column in by]
    if by:
        grouped = values.groupby(keys, dropna=False)
        totals = grouped[list(MEASURES)].sum(min_count=1)
        totals.insert(0, "operations", grouped["operations"].sum())
        return totals.reset_index()
    total = values[list(MEASURES)].sum(min_count=1).to_frame().T
    total.insert(0, "operations", len(frame))
    return total.astype({"operations": "int64"})


def operation_districts(con: duckdb.DuckDBPyConnection, start: date | None = None, end: date | None = None,
                        direction: str | None = None) -> pd.DataFrame:
    """Districts where operations of the period worked, with their seat coordinates.

    Parameters
    ----------
    con : open database connection.
    start, end, direction : as for :func:`operations_board`.

    Returns
    -------
    pandas.DataFrame
        district, side, oblast, name_ru, name_en, lat, lon (district seat), operations (count), codes.
    """
    return con.execute(load_sql("operations/districts"), {"start": start, "end": end, "direction": direction}).df()


def format_measure(measure: str, value: object, lang: str = "ru") -> str:
    """A result as shown on a tile: ``—`` when missing, grouped integers, grams with a decimal comma in ru."""
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return "—"
    number = float(value)  # type: ignore[arg-type]
    if measure == "drugs_seized_g":
        text = f"{number:,.1f}".rstrip("0").rstrip(".")
        return text.replace(",", "\u202f").replace(".", ",") if lang != "en" else text
    return format_int(number, lang)


def board_display(board: pd.DataFrame, lang: str = "ru", district_names: dict[str, str] | None = None) -> pd.DataFrame:
    """The board as people read it: labelled columns, direction names, district names, missing left blank.

    Parameters
    ----------
    board : the frame of :func:`operations_board`.
    lang : 'ru' or 'en'.
    district_names : ``{district key: name}`` (``reference.label``); keys are shown when None.

    Returns
    -------
    pandas.DataFrame
        One row per operation; columns in ``lang``.
    """
    names = district_names or {}
    frame = board[["code", "name", "direction", "started_on", "ended_on", "participants", "districts", *MEASURES,
                   "note"]].copy()
    frame["direction"] = [pick(TEXT, str(d), lang) for d in frame["direction"]]
    frame["districts"] = [", ".join(names.get(str(k), str(k)) for k in keys) if keys is not None else ""
                          for keys in frame["districts"]]
    for column in ("started_on", "ended_on"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame.rename(columns={c: pick(TEXT, c, lang) for c in frame.columns})


# ---------------------------------------------------------------- charts

def operations_totals_chart(totals: pd.DataFrame, lang: str = "ru") -> go.Figure:
    """One bar per reported result, each on its own scale (grams and heads beside persons), stacked by
    operation direction when the totals are given per direction.

    Parameters
    ----------
    totals : :func:`operation_totals` overall or ``by=("direction",)``.
    lang : 'ru' or 'en'.

    Returns
    -------
    plotly.graph_objects.Figure
        A row per measure with a value; measures nobody reported are left out (missing, not zero).
    """
    reported = [m for m in MEASURES if m in totals and totals[m].notna().any()]
    fig = make_subplots(rows=max(1, len(reported)), cols=1, shared_xaxes=False, vertical_spacing=0.02)
    groups = list(totals.groupby("direction", sort=False)) if "direction" in totals else [(None, totals)]
    for row, measure in enumerate(reported, start=1):
        for direction, part in groups:
            value = part[measure].sum(min_count=1)
            if pd.isna(value):
                continue
            fig.add_trace(go.Bar(
                y=[pick(TEXT, measure, lang)], x=[value], orientation="h", legendgroup=str(direction),
                name=pick(TEXT, str(direction), lang) if direction else pick(TEXT, "value", lang),
                showlegend=direction is not None and direction not in {t.legendgroup for t in fig.data},
                marker_color=DIRECTION_COLORS.get(str(direction), DIRECTION_COLORS["bulletins"]),
                text=[f"{value:g}"], textposition="inside", insidetextanchor="middle",
            ), row=row, col=1)
        total = totals[measure].sum(min_count=1)
        fig.add_annotation(text=f"<b>{total:g}</b>", x=1.0, xref="paper", xanchor="left", showarrow=False,
                           y=pick(TEXT, measure, lang), yref=f"y{row if row > 1 else ''}")
    fig.update_layout(barmode="stack", title=pick(TEXT, "totals_title", lang), legend_orientation="h",
                      height=max(200, 90 + 42 * len(reported)), margin={"t": 60, "l": 10, "r": 60, "b": 20})
    fig.update_xaxes(showticklabels=False, showgrid=False)
    return fig


def operations_timeline_chart(board: pd.DataFrame, lang: str = "ru") -> go.Figure:
    """A Gantt bar per operation from its first to its last day, coloured by direction.

    Parameters
    ----------
    board : the frame of :func:`operations_board`.
    lang : 'ru' or 'en'.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    fig = go.Figure()
    labels = [f"{code} {name}" for code, name in zip(board["code"], board["name"].fillna(""), strict=True)]
    for direction, part in board.groupby("direction", sort=False, dropna=False):
        starts = pd.to_datetime(part["started_on"])
        # the end day is included: the bar runs to the end of ended_on
        ends = pd.to_datetime(part["ended_on"].fillna(part["started_on"])) + timedelta(days=1)
        fig.add_trace(go.Bar(
            base=starts.tolist(), x=((ends - starts).dt.total_seconds() * 1000).tolist(),
            y=[f"{code} {name}" for code, name in zip(part["code"], part["name"].fillna(""), strict=True)],
            orientation="h", name=pick(TEXT, str(direction), lang),
            marker_color=DIRECTION_COLORS.get(str(direction), MUTED_COLOR),
            customdata=[[format_date(s, lang), format_date(e, lang)]
                        for s, e in zip(part["started_on"], part["ended_on"], strict=True)],
            hovertemplate="%{y}<br>%{customdata[0]} – %{customdata[1]}<extra></extra>",
        ))
    # rows in the board's order (by start date), whatever the colour grouping of the traces
    fig.update_layout(title=pick(TEXT, "timeline_title", lang), xaxis_type="date", barmode="overlay",
                      yaxis={"autorange": "reversed", "categoryorder": "array", "categoryarray": labels},
                      legend_orientation="h",
                      height=max(260, 60 + 34 * len(board)), margin={"t": 60, "l": 10, "r": 20, "b": 40})
    return fig


def operations_map(districts: pd.DataFrame, lang: str = "ru") -> go.Figure:
    """District seats of the operations on an offline map (oblast outlines, no tiles).

    Parameters
    ----------
    districts : the frame of :func:`operation_districts`.
    lang : 'ru' or 'en'.

    Returns
    -------
    plotly.graph_objects.Figure
        ``scatter_map`` points (district seats, coloured by side) sized by the number of operations, over the
        oblast polygons of
        :func:`analytics.geo.region_geojson` on ``map_style="white-bg"``.
    """
    from analytics import geo  # heavy (geopandas); only the map needs it

    names = districts["name_en" if lang == "en" else "name_ru"].tolist() if not districts.empty else []
    count_word = pick(TEXT, "operations", lang)
    fig = go.Figure(go.Scattermap(
        lat=districts["lat"].tolist() if not districts.empty else [],
        lon=districts["lon"].tolist() if not districts.empty else [],
        mode="markers+text", text=names, textposition="top center",
        # area, not radius, grows with the count: a district with 9 operations is not 9 times as wide
        marker={"size": [8 + 6 * math.sqrt(int(n)) for n in districts["operations"]] if not districts.empty else [],
                "color": [side_color(side) for side in districts["side"]] if not districts.empty else [],
                "opacity": 0.8},
        customdata=districts[["operations", "codes"]].values.tolist() if not districts.empty else [],
        hovertemplate="%{text}<br>%{customdata[0]} " + count_word + ": %{customdata[1]}<extra></extra>",
    ))
    layers = [{"source": geo.region_geojson(), "type": "fill", "color": "rgba(10,122,191,0.05)", "below": "traces"},
              {"source": geo.region_geojson(), "type": "line", "color": "#7f7f7f", "line": {"width": 1}}]
    fig.update_layout(map={"style": "white-bg", "center": {"lat": 43.0, "lon": 73.0}, "zoom": 5.7, "layers": layers},
                      title=pick(TEXT, "map_title", lang), height=520, margin={"t": 50, "l": 0, "r": 0, "b": 0})
    return fig
