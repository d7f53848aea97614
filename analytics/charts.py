"""Shared chart helpers: one colour per side, gaps for missing data, hatched missing cells.

Every function takes a tidy frame (as the analytics functions return it) and a language and returns a
plotly figure, so the same figure goes to a page, a slide and a test. Missing periods are NaN in the
input and stay gaps (``connectgaps=False``); they are never drawn as zero.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analytics.i18n import MONTHS_SHORT, category_label, month_label, pick, t

# Kazakhstan sky blue and Kyrgyzstan red, darkened for contrast on white; distinct for colour-blind
# viewers by lightness as well as hue.
SIDE_COLORS = {"KZ": "#0a7abf", "KG": "#c8102e"}
SIDE_DASH = {"KZ": "solid", "KG": "dash"}
CATEGORY_COLORS = {
    "extremism_terrorism": "#6a3d9a", "vehicle_theft": "#1f78b4", "phone_theft": "#33a02c",
    "weapons": "#e31a1c", "livestock_theft": "#b15928", "drugs": "#ff7f00", "smuggling": "#cab2d6",
    "illegal_border_crossing": "#a6cee3", "other_theft": "#8c8c8c", "other": "#bdbdbd",
}
MISSING_COLOR = "#d9d9d9"
MUTED_COLOR = "#8c8c8c"
FONT = "DejaVu Sans, Noto Sans, Arial, sans-serif"
GROUP_COLUMNS = ("side", "oblast", "district", "category", "direction", "online", "minor_involved",
                 "foreign_national")

TEXT = {
    "ru": {"count": "Зарегистрировано", "per_100k": "На 100 тыс. населения", "mean": "В среднем за месяц",
           "mean_per_100k": "В среднем на 100 тыс.", "missing": "нет данных", "covered": "данные есть",
           "partial": "неполный период", "month": "Месяц", "week": "Неделя", "year": "Год",
           "coverage": "Наличие данных по месяцам", "true": "да", "false": "нет"},
    "en": {"count": "Registered", "per_100k": "Per 100k population", "mean": "Monthly average",
           "mean_per_100k": "Monthly average per 100k", "missing": "no data", "covered": "data present",
           "partial": "partial period", "month": "Month", "week": "Week", "year": "Year",
           "coverage": "Data coverage by month", "true": "yes", "false": "no"},
}


def side_color(side: str) -> str:
    """The colour of a side (KZ blue, KG red); grey for anything else."""
    return SIDE_COLORS.get(side, MUTED_COLOR)


def chart_config(file_name: str) -> dict[str, Any]:
    """Plotly config for ``st.plotly_chart``: the modebar's PNG download (works offline), no logo.

    Parameters
    ----------
    file_name : name of the downloaded PNG, without extension.

    Returns
    -------
    dict
    """
    return {
        "displaylogo": False,
        "displayModeBar": True,
        "toImageButtonOptions": {"format": "png", "filename": file_name, "scale": 2},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


def _layout(fig: go.Figure, lang: str, title: str | None = None, height: int | None = None) -> go.Figure:
    fig.update_layout(template="plotly_white", font={"family": FONT, "size": 13},
                      margin={"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
                      legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
                      hoverlabel={"font_family": FONT}, separators=", " if lang == "ru" else ".,")
    if title:
        fig.update_layout(title={"text": title, "x": 0})
    if height:
        fig.update_layout(height=height)
    return fig


def _month_ticks(fig: go.Figure, periods: pd.Series, lang: str, max_ticks: int = 8) -> None:
    """Month axis labels in the user's language (plotly would write English month names)."""
    values = sorted(pd.to_datetime(pd.Series(periods)).dropna().unique())
    if not values:
        return
    step = max(1, math.ceil(len(values) / max_ticks))
    ticks = [pd.Timestamp(v) for v in values[::step]]
    names = MONTHS_SHORT.get(lang, MONTHS_SHORT["ru"])
    fig.update_xaxes(tickvals=ticks, ticktext=[f"{names[v.month - 1]} {v.year}" for v in ticks], tickangle=0)


def group_label(column: str, value: Any, lang: str, names: Mapping[str, str] | None = None) -> str:
    """Readable label of one group value (side, category, flag, key with ``names``)."""
    if names and str(value) in names:
        return names[str(value)]
    if column == "side":
        return t(f"{value}_short", lang)
    if column == "category":
        return category_label(str(value), lang)
    if column == "direction":
        return t(f"dir_{value}", lang)
    if column in ("online", "minor_involved", "foreign_national"):
        return f"{t(column, lang)}: {pick(TEXT, 'true' if bool(value) else 'false', lang)}"
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _groups(frame: pd.DataFrame) -> list[str]:
    return [c for c in GROUP_COLUMNS if c in frame.columns]


def _period_text(period: pd.Timestamp, lang: str, freq: str) -> str:
    if freq == "week":
        return period.strftime("%d.%m.%Y") if lang == "ru" else period.strftime("%Y-%m-%d")
    return month_label(period.date(), lang)


def _line_style(keys: Mapping[str, Any], index: int) -> dict[str, Any]:
    """Side alone → the side's colour; otherwise a colour per category/group and a dash per side."""
    if list(keys) == ["side"]:
        return {"color": side_color(str(keys["side"])), "dash": "solid"}
    palette = list(CATEGORY_COLORS.values())
    color = CATEGORY_COLORS.get(str(keys.get("category")), palette[index % len(palette)])
    return {"color": color, "dash": SIDE_DASH.get(str(keys.get("side")), "solid")}


def trend_chart(frame: pd.DataFrame, lang: str = "ru", value: str = "count", freq: str = "month",
                title: str | None = None, names: Mapping[str, str] | None = None) -> go.Figure:
    """Lines over time, one per group; missing periods are gaps, partial periods hollow markers.

    Parameters
    ----------
    frame : output of :func:`analytics.trends.series` (``period``, ``value``, optional ``partial`` and
        group columns such as ``side``/``category``).
    lang : ``ru`` or ``en``.
    value : column plotted (``count`` or ``per_100k``).
    freq : ``month`` or ``week`` (hover text).
    title : optional title.
    names : optional labels for key values (e.g. district names).

    Returns
    -------
    go.Figure
    """
    fig = go.Figure()
    groups = _groups(frame)
    grouped = frame.groupby(groups, sort=False) if groups else [((), frame)]
    for index, (key, part) in enumerate(grouped):
        keys = dict(zip(groups, key if isinstance(key, tuple) else (key,), strict=True))
        label = " · ".join(group_label(c, v, lang, names) for c, v in keys.items()) or pick(TEXT, value, lang)
        part = part.sort_values("period")
        partial = part["partial"] if "partial" in part else pd.Series(False, index=part.index)
        hover = [f"{_period_text(p, lang, freq)}: " + (pick(TEXT, "missing", lang) if pd.isna(v) else
                 (f"{v:,.0f}" if value == "count" else f"{v:,.2f}").replace(",", "\u202f" if lang == "ru" else ","))
                 + (f" ({pick(TEXT, 'partial', lang)})" if is_partial else "")
                 for p, v, is_partial in zip(part["period"], part[value], partial, strict=True)]
        style = _line_style(keys, index)
        fig.add_trace(go.Scatter(
            x=part["period"], y=part[value], name=label, mode="lines+markers", connectgaps=False,
            line={"color": style["color"], "dash": style["dash"], "width": 2},
            marker={"size": 6, "symbol": ["circle-open" if p else "circle" for p in partial]},
            text=hover, hovertemplate="%{text}<extra>" + label + "</extra>"))
    fig.update_yaxes(title=pick(TEXT, value, lang), rangemode="tozero")
    fig.update_xaxes(title=None)
    if freq == "month" and "period" in frame:
        _month_ticks(fig, frame["period"], lang)
    return _layout(fig, lang, title)


def sparkline(frame: pd.DataFrame, lang: str = "ru", value: str = "count", height: int = 70) -> go.Figure:
    """A tiny monthly line per side (KZ blue, KG red) without axes; missing months are gaps.

    Parameters
    ----------
    frame : ``period``, ``side`` and ``value`` columns (e.g. one direction of
        :func:`analytics.trends.direction_monthly`).
    lang : ``ru`` or ``en``.
    value : column plotted.
    height : pixels.

    Returns
    -------
    go.Figure
    """
    fig = go.Figure()
    for key, part in (frame.groupby("side", sort=False) if "side" in frame else [("", frame)]):
        side = str(key)
        part = part.sort_values("period")
        hover = [f"{month_label(p.date(), lang)}: " + (pick(TEXT, "missing", lang) if pd.isna(v) else f"{v:.0f}")
                 for p, v in zip(part["period"], part[value], strict=True)]
        fig.add_trace(go.Scatter(x=part["period"], y=part[value], mode="lines", connectgaps=False,
                                 name=t(f"{side}_short", lang) if side else "", text=hover,
                                 line={"color": side_color(side), "width": 2},
                                 hovertemplate="%{text}<extra>%{fullData.name}</extra>"))
    fig.update_layout(template="plotly_white", height=height, showlegend=False, font={"family": FONT, "size": 11},
                      margin={"l": 0, "r": 0, "t": 0, "b": 0}, hovermode="x unified")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, rangemode="tozero")
    return fig


def small_multiples(frame: pd.DataFrame, lang: str = "ru", value: str = "count", columns: int = 5,
                    facet: str = "category") -> go.Figure:
    """One small panel per category (or ``facet``), KZ and KG lines in each, own y scale per panel.

    Parameters
    ----------
    frame : monthly series with ``side``, ``period``, ``value`` and the ``facet`` column.
    lang : ``ru`` or ``en``.
    value : ``count`` or ``per_100k`` (per 100k compares the sides on the same basis).
    columns : panels per row.
    facet : column giving the panels.

    Returns
    -------
    go.Figure
    """
    facets = list(dict.fromkeys(frame[facet])) if facet in frame else []
    if not facets:
        return _layout(go.Figure(), lang)
    rows = math.ceil(len(facets) / columns)
    fig = make_subplots(rows=rows, cols=min(columns, len(facets)), shared_xaxes=True,
                        subplot_titles=[group_label(facet, f, lang) for f in facets],
                        vertical_spacing=0.12 if rows > 1 else 0.05, horizontal_spacing=0.04)
    for index, key in enumerate(facets):
        part = frame[frame[facet] == key]
        for side, side_part in part.groupby("side", sort=False):
            side_part = side_part.sort_values("period")
            fig.add_trace(go.Scatter(
                x=side_part["period"], y=side_part[value], mode="lines", connectgaps=False,
                name=t(f"{side}_short", lang), legendgroup=str(side), showlegend=index == 0,
                line={"color": side_color(str(side)), "width": 1.8},
                hovertemplate="%{x|%m.%Y}: %{y}<extra>" + t(f"{side}_short", lang) + "</extra>"),
                row=index // columns + 1, col=index % columns + 1)
    fig.update_annotations(font_size=11)
    fig.update_yaxes(rangemode="tozero")
    _month_ticks(fig, frame["period"], lang, max_ticks=2)
    fig = _layout(fig, lang, height=230 * rows + 80)
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.08, "x": 0},
                      margin={"t": 40, "b": 40})
    return fig


def seasonality_chart(profile: pd.DataFrame, lang: str = "ru", value: str = "mean") -> go.Figure:
    """Month-of-year profile (average per calendar month), one line per side/group.

    Parameters
    ----------
    profile : output of :func:`analytics.trends.seasonality_profile`.
    lang : ``ru`` or ``en``.
    value : ``mean`` or ``mean_per_100k``.

    Returns
    -------
    go.Figure
    """
    fig = go.Figure()
    groups = _groups(profile)
    grouped = profile.groupby(groups, sort=False) if groups else [((), profile)]
    months = MONTHS_SHORT.get(lang, MONTHS_SHORT["ru"])
    for index, (key, part) in enumerate(grouped):
        keys = dict(zip(groups, key if isinstance(key, tuple) else (key,), strict=True))
        label = " · ".join(group_label(c, v, lang) for c, v in keys.items()) or pick(TEXT, value, lang)
        part = part.sort_values("month_of_year")
        style = _line_style(keys, index)
        fig.add_trace(go.Scatter(
            x=[months[m - 1] for m in part["month_of_year"]], y=part[value], name=label, mode="lines+markers",
            connectgaps=False, line={"color": style["color"], "dash": style["dash"], "width": 2},
            customdata=part["months"] if "months" in part else None,
            hovertemplate="%{x}: %{y:.1f}<extra>" + label + "</extra>"))
    fig.update_xaxes(categoryorder="array", categoryarray=months)
    fig.update_yaxes(title=pick(TEXT, value, lang), rangemode="tozero")
    return _layout(fig, lang)


def yoy_chart(frame: pd.DataFrame, lang: str = "ru", value: str = "count") -> go.Figure:
    """Year-over-year overlay: x = month of the year, one line per year, one panel per side.

    Parameters
    ----------
    frame : output of :func:`analytics.trends.yoy_frame` (``year``, ``month_of_year``, ``value``,
        optional ``side``); other groups are summed (a missing month stays missing).
    lang : ``ru`` or ``en``.
    value : ``count`` or ``per_100k``.

    Returns
    -------
    go.Figure
    """
    sides = list(dict.fromkeys(frame["side"])) if "side" in frame else [""]
    fig = make_subplots(rows=1, cols=max(1, len(sides)), shared_yaxes=False,
                        subplot_titles=[t(f"{s}_short", lang) if s else "" for s in sides])
    months = MONTHS_SHORT.get(lang, MONTHS_SHORT["ru"])
    years = sorted(frame["year"].unique()) if not frame.empty else []
    for col, side in enumerate(sides, start=1):
        part = frame[frame["side"] == side] if side else frame
        totals = part.groupby(["year", "month_of_year"]).agg(
            total=(value, lambda s: s.sum(min_count=1) if not s.isna().any() else math.nan)).reset_index()
        for rank, year in enumerate(years):
            year_part = totals[totals["year"] == year].set_index("month_of_year").reindex(range(1, 13))
            latest = rank == len(years) - 1
            shade = side_color(side) if latest else f"rgba(90,90,90,{0.25 + 0.5 * rank / max(1, len(years) - 1)})"
            fig.add_trace(go.Scatter(
                x=months, y=year_part["total"], name=str(year), legendgroup=str(year), showlegend=col == 1,
                mode="lines+markers", connectgaps=False, line={"color": shade, "width": 3 if latest else 1.5},
                hovertemplate=f"%{{x}} {year}: %{{y}}<extra></extra>"), row=1, col=col)
    fig.update_xaxes(categoryorder="array", categoryarray=months)
    fig.update_yaxes(rangemode="tozero")
    fig = _layout(fig, lang)
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0}, margin={"t": 40, "b": 40})
    return fig


def coverage_chart(matrix: pd.DataFrame, lang: str = "ru", names: Mapping[str, str] | None = None) -> go.Figure:
    """Months with and without data per side/oblast: covered in the side's colour, missing grey hatched.

    Parameters
    ----------
    matrix : output of :func:`analytics.coverage.coverage_matrix`.
    lang : ``ru`` or ``en``.
    names : oblast key → label.

    Returns
    -------
    go.Figure
    """
    fig = go.Figure()
    if matrix.empty:
        return _layout(fig, lang)
    frame = matrix.copy()
    frame["unit"] = [f"{t(f'{s}_short', lang)} · {(names or {}).get(o, o)}" for s, o in
                     zip(frame["side"], frame["oblast"], strict=True)]
    for covered in (True, False):
        part = frame[frame["covered"] == covered]
        if part.empty:
            continue
        colors = [side_color(s) if covered else MISSING_COLOR for s in part["side"]]
        label = pick(TEXT, "covered" if covered else "missing", lang)
        fig.add_trace(go.Bar(
            x=[28 * 24 * 3600 * 1000] * len(part), base=part["month"], y=part["unit"], orientation="h",
            name=label, marker={"color": colors, "line": {"color": "white", "width": 1},
                                "pattern": {"shape": "" if covered else "/", "fgcolor": "#7f7f7f"}},
            text=[month_label(m.date(), lang) for m in part["month"]], textposition="none",
            hovertemplate="%{y} · %{text}: " + label + "<extra></extra>"))
    fig.update_xaxes(type="date")
    _month_ticks(fig, frame["month"], lang)
    fig.update_layout(barmode="overlay", bargap=0.3)
    fig = _layout(fig, lang, pick(TEXT, "coverage", lang), height=130 + 45 * frame["unit"].nunique())
    fig.update_layout(legend={"orientation": "h", "yanchor": "top", "y": -0.25, "x": 0}, margin={"b": 40})
    return fig


def style_missing(frame: pd.DataFrame, lang: str = "ru", columns: Sequence[str] | None = None,
                  digits: int = 0) -> Any:
    """A pandas Styler that shows NaN cells as grey "нет данных" (missing, never zero).

    Parameters
    ----------
    frame : table with NaN for missing values.
    lang : ``ru`` or ``en``.
    columns : numeric columns to format (default: all numeric).
    digits : decimals shown.

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    numeric: list[Any] = list(columns) if columns is not None else frame.select_dtypes("number").columns.tolist()
    styler = frame.style.format(precision=digits, na_rep=pick(TEXT, "missing", lang), subset=numeric,
                                thousands="\u202f" if lang == "ru" else ",", decimal="," if lang == "ru" else ".")
    return styler.highlight_null(color=MISSING_COLOR, subset=numeric)
