"""Chart helpers: side colours, gaps (never zeros) for missing months, hatched missing cells, PNG export."""

from __future__ import annotations

import math

import pandas as pd

from analytics import charts

PERIODS = pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"])


def monthly() -> pd.DataFrame:
    rows = []
    for side, counts in (("KZ", [3.0, math.nan, 5.0, 2.0]), ("KG", [1.0, 4.0, 0.0, math.nan])):
        for category in ("livestock_theft", "drugs"):
            for period, count in zip(PERIODS, counts, strict=True):
                rows.append({"side": side, "category": category, "period": period, "count": count,
                             "missing": math.isnan(count), "partial": period == PERIODS[-1],
                             "per_100k": count / 10})
    return pd.DataFrame(rows)


def test_trend_chart_keeps_gaps_and_side_colours():
    frame = monthly()
    fig = charts.trend_chart(frame[frame["category"] == "drugs"][["side", "period", "count", "missing", "partial"]],
                             "ru")
    assert [trace.name for trace in fig.data] == ["KZ", "KG"]
    kz, kg = fig.data
    assert math.isnan(kz.y[1]) and kz.y[2] == 5.0  # missing February stays a gap, not zero
    assert kg.y[2] == 0.0  # a covered month with no incidents is a real zero
    assert kz.connectgaps is False
    assert (kz.line.color, kg.line.color) == (charts.SIDE_COLORS["KZ"], charts.SIDE_COLORS["KG"])
    assert list(kz.marker.symbol) == ["circle", "circle", "circle", "circle-open"]  # partial last month
    assert "нет данных" in kz.text[1]
    assert list(fig.layout.xaxis.ticktext)[0] == "янв 2024"


def test_trend_chart_by_side_and_category_uses_dash_for_side():
    fig = charts.trend_chart(monthly(), "en", value="per_100k")
    assert len(fig.data) == 4
    styles = {trace.name: (trace.line.color, trace.line.dash) for trace in fig.data}
    assert styles["KZ · Drugs and psychoactive substances"] == (charts.CATEGORY_COLORS["drugs"], "solid")
    assert styles["KG · Drugs and psychoactive substances"] == (charts.CATEGORY_COLORS["drugs"], "dash")
    assert fig.layout.yaxis.title.text == "Per 100k population"


def test_sparkline_is_tiny_and_keeps_gaps():
    frame = monthly()
    fig = charts.sparkline(frame[frame["category"] == "drugs"], "ru")
    assert len(fig.data) == 2 and fig.layout.height == 70
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    assert math.isnan(fig.data[0].y[1])


def test_small_multiples_one_panel_per_category():
    fig = charts.small_multiples(monthly(), "ru", columns=5)
    titles = [annotation.text for annotation in fig.layout.annotations]
    assert titles == ["Скотокрадство", "Наркотики и ПАВ"]
    assert len(fig.data) == 4
    assert [trace.showlegend for trace in fig.data] == [True, True, False, False]
    assert math.isnan(fig.data[0].y[1])


def test_seasonality_chart_month_names():
    profile = pd.DataFrame({"side": ["KZ"] * 12, "month_of_year": range(1, 13),
                            "mean": [1.0] * 6 + [math.nan] + [2.0] * 5, "mean_per_100k": [0.1] * 12,
                            "months": [2] * 12})
    fig = charts.seasonality_chart(profile, "en")
    assert list(fig.data[0].x)[:3] == ["Jan", "Feb", "Mar"]
    assert math.isnan(fig.data[0].y[6])


def test_yoy_chart_one_line_per_year_and_side():
    frame = pd.DataFrame({"side": ["KZ"] * 4 + ["KG"] * 4, "year": [2023, 2023, 2024, 2024] * 2,
                          "month_of_year": [1, 2, 1, 2] * 2, "count": [1.0, 2.0, 3.0, math.nan, 4.0, 5.0, 6.0, 7.0]})
    fig = charts.yoy_chart(frame, "ru")
    assert len(fig.data) == 4
    latest_kz = fig.data[1]
    assert latest_kz.name == "2024" and latest_kz.y[0] == 3.0 and math.isnan(latest_kz.y[1])
    assert latest_kz.line.color == charts.SIDE_COLORS["KZ"]
    assert math.isnan(latest_kz.y[5])  # months without rows are gaps


def test_coverage_chart_hatches_missing_months():
    matrix = pd.DataFrame({"side": ["KG", "KG"], "oblast": ["TAL", "TAL"], "month": PERIODS[:2],
                           "covered": [True, False]})
    fig = charts.coverage_chart(matrix, "ru", {"TAL": "Таласская обл."})
    covered, missing = fig.data
    assert missing.name == "нет данных" and missing.marker.pattern.shape == "/"
    assert list(missing.marker.color) == [charts.MISSING_COLOR]
    assert list(covered.marker.color) == [charts.SIDE_COLORS["KG"]]
    assert list(missing.y) == ["KG · Таласская обл."]


def test_style_missing_shows_no_data():
    frame = pd.DataFrame({"period": ["2024-01"], "KZ": [3.0], "KG": [math.nan]})
    html = charts.style_missing(frame, "ru").to_html()
    assert "нет данных" in html and charts.MISSING_COLOR in html


def test_chart_config_keeps_png_export():
    config = charts.chart_config("trend")
    assert config["toImageButtonOptions"]["format"] == "png"
    assert config["toImageButtonOptions"]["filename"] == "trend"
    assert config["displaylogo"] is False and "toImage" not in config["modeBarButtonsToRemove"]


def test_empty_frames_give_empty_figures():
    empty = monthly().iloc[0:0]
    assert len(charts.trend_chart(empty, "ru").data) == 0
    assert len(charts.small_multiples(empty, "ru").data) == 0
    assert len(charts.coverage_chart(pd.DataFrame(columns=["side", "oblast", "month", "covered"]), "ru").data) == 0
    assert len(charts.sparkline(empty, "ru").data) == 0
