"""Monthly/weekly series: exact counts by registration month, NaN for missing months, rates, seasonality.

Fixture (registration dates; occurrence dates deliberately elsewhere):
  KZ livestock: 2024-01-05, 2024-01-31, 2024-03-15 (occurred 2023-12-01), 2024-04-02
  KZ drugs:     2024-01-20 (online)
  KG livestock (Talas): 2024-01-10, 2024-03-03 ×2; Chuy: 2024-01-11
Coverage: everything 2024-01..2024-04 except Talas 2024-02 and KZ 2024-04 is covered.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from analytics import trends
from analytics.filters import Filters

PERIOD = Filters(start=date(2024, 1, 1), end=date(2024, 4, 30))


@pytest.fixture
def series_db(con):
    rows = [("KZ", "2024-01-05", "livestock_theft", "ZHA", None, False),
            ("KZ", "2024-01-31", "livestock_theft", "ZHA", None, False),
            ("KZ", "2024-03-15", "livestock_theft", "ZHA", "2023-12-01 08:00:00", False),
            ("KZ", "2024-04-02", "livestock_theft", "ZHA", None, False),
            ("KZ", "2024-01-20", "drugs", "ZHA", None, True),
            ("KG", "2024-01-10", "livestock_theft", "TAL", None, False),
            ("KG", "2024-03-03", "livestock_theft", "TAL", None, False),
            ("KG", "2024-03-03", "livestock_theft", "TAL", None, False),
            ("KG", "2024-01-11", "livestock_theft", "CHU", None, False)]
    for i, (side, day, category, oblast, occurred, online) in enumerate(rows):
        con.execute("INSERT INTO incidents (side, source_id, registered_on, occurred_at, category, oblast, online, "
                    "upload_id) VALUES (?, ?, ?, ?, ?, ?, ?, 1)", [side, str(i), day, occurred, category, oblast,
                                                                    online])
    for side, oblast in (("KZ", "ZHA"), ("KG", "CHU"), ("KG", "TAL")):
        for month in (1, 2, 3, 4):
            if (oblast, month) in {("TAL", 2), ("ZHA", 4)}:
                continue
            con.execute("INSERT INTO coverage VALUES (?, ?, ?, 1)", [side, oblast, date(2024, month, 1)])
    return con


def values(frame: pd.DataFrame, **keys) -> list[float]:
    mask = pd.Series(True, index=frame.index)
    for key, value in keys.items():
        mask &= frame[key] == value
    return frame[mask].sort_values("period")["count"].tolist()


def same(left: list[float], right: list[float]) -> bool:
    return len(left) == len(right) and all((math.isnan(a) and math.isnan(b)) or a == b
                                           for a, b in zip(left, right, strict=True))


def test_monthly_counts_by_registration_month_with_gaps(series_db):
    monthly = trends.monthly_series(series_db, PERIOD)
    assert list(monthly.columns) == ["side", "category", "period", "count", "missing", "partial", "per_100k"]
    assert len(monthly) == 2 * 10 * 4  # dense: every side × category × month
    nan = math.nan
    # February covered and empty → 0; April not uploaded by KZ → missing, not 0
    assert same(values(monthly, side="KZ", category="livestock_theft"), [2.0, 0.0, 1.0, nan])
    assert same(values(monthly, side="KZ", category="drugs"), [1.0, 0.0, 0.0, nan])
    # Talas missed February: the KG total for February is unknown
    assert same(values(monthly, side="KG", category="livestock_theft"), [2.0, nan, 2.0, 0.0])
    assert monthly.loc[monthly["count"].isna(), "missing"].all()
    assert not monthly["partial"].any()


def test_per_100k_is_per_month(series_db):
    monthly = trends.monthly_series(series_db, PERIOD)
    january = monthly[(monthly["side"] == "KZ") & (monthly["category"] == "livestock_theft")].iloc[0]
    assert january["per_100k"] == 2 * 100_000 / 1_220_000
    by_oblast = trends.series(series_db, PERIOD, ("oblast",))
    talas_march = by_oblast[(by_oblast["oblast"] == "TAL") & (by_oblast["period"] == "2024-03-01")].iloc[0]
    assert talas_march["count"] == 2.0 and abs(talas_march["per_100k"] - 2 * 100_000 / 270_000) < 1e-9
    chuy_february = by_oblast[(by_oblast["oblast"] == "CHU") & (by_oblast["period"] == "2024-02-01")].iloc[0]
    assert chuy_february["count"] == 0.0  # Chuy uploaded February: its zero is a real zero


def test_total_without_side_is_missing_when_any_oblast_is(series_db):
    totals = trends.series(series_db, PERIOD, ("category",))
    assert same(values(totals, category="livestock_theft"), [4.0, math.nan, 3.0, math.nan])


def test_flags_filter_and_partial_edges(series_db):
    online = trends.monthly_series(series_db, Filters(start=date(2024, 1, 15), end=date(2024, 3, 20), online=True))
    assert same(values(online, side="KZ", category="drugs"), [1.0, 0.0, 0.0])
    edges = online[(online["side"] == "KZ") & (online["category"] == "drugs")].sort_values("period")
    assert edges["partial"].tolist() == [True, False, True]
    cut = trends.monthly_series(series_db, Filters(start=date(2024, 1, 15), end=date(2024, 3, 20)))
    assert same(values(cut, side="KZ", category="livestock_theft"), [1.0, 0.0, 1.0])  # 01-05 is before start


def test_weekly_series_gaps_follow_months(series_db):
    weekly = trends.weekly_series(series_db, Filters(start=date(2024, 1, 1), end=date(2024, 2, 11), sides=("KG",)))
    kg = weekly.sort_values("period")
    assert kg["period"].dt.strftime("%m-%d").tolist() == ["01-01", "01-08", "01-15", "01-22", "01-29", "02-05"]
    # week of 8 Jan: Talas 10 Jan + Chuy 11 Jan; the week of 29 Jan reaches into February (Talas missing)
    assert same(kg["count"].tolist(), [0.0, 2.0, 0.0, 0.0, math.nan, math.nan])


def test_direction_monthly(series_db):
    sparks = trends.direction_monthly(series_db, date(2024, 4, 30), months=4)
    kz_live = sparks[(sparks["side"] == "KZ") & (sparks["direction"] == "livestock")].sort_values("period")
    assert same(kz_live["count"].tolist(), [2.0, 0.0, 1.0, math.nan])
    kz_drugs = sparks[(sparks["side"] == "KZ") & (sparks["direction"] == "smuggling_drugs")]
    assert kz_drugs.sort_values("period")["count"].tolist()[0] == 1.0
    assert set(sparks["direction"]) == {"extremism", "stolen_property", "livestock", "smuggling_drugs", "minors"}
    assert trends.direction_monthly(series_db, date(2024, 4, 15), months=2)["partial"].tolist()[-1]


def test_seasonality_uses_whole_covered_months_only(series_db):
    monthly = trends.monthly_series(series_db, PERIOD)
    profile = trends.seasonality_profile(monthly, ("side",))
    kz = profile[profile["side"] == "KZ"].set_index("month_of_year")
    assert len(kz) == 12
    assert kz.loc[1, "mean"] == 3.0 and kz.loc[1, "months"] == 1  # livestock 2 + drugs 1
    assert math.isnan(kz.loc[4, "mean"]) and kz.loc[4, "months"] == 0  # April missing: no value, not 0
    assert math.isnan(kz.loc[7, "mean"])
    kg = profile[profile["side"] == "KG"].set_index("month_of_year")
    assert math.isnan(kg.loc[2, "mean"]) and kg.loc[3, "mean"] == 2.0


def test_yoy_frame_and_series_table(series_db):
    monthly = trends.monthly_series(series_db, PERIOD)
    yoy = trends.yoy_frame(monthly)
    assert yoy["year"].unique().tolist() == [2024] and yoy["month_of_year"].max() == 4
    wide = trends.series_table(monthly[monthly["category"] == "livestock_theft"], ["side"])
    assert list(wide.columns) == ["period", "KZ", "KG"]
    assert math.isnan(wide.loc[3, "KZ"]) and math.isnan(wide.loc[1, "KG"]) and wide.loc[1, "KZ"] == 0.0


def test_empty_database(con):
    assert trends.monthly_series(con).empty
    assert trends.direction_monthly(con).empty
    assert trends.seasonality_profile(trends.monthly_series(con)).empty
    assert list(trends.monthly_series(con).columns) == ["side", "category", "period", "count", "missing",
                                                        "partial", "per_100k"]


def test_unknown_dimension_is_refused(series_db):
    with pytest.raises(ValueError):
        trends.series(series_db, PERIOD, ("summary",))
