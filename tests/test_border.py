"""Border corridor (analytics/border.py): exact bands, shares, sentences, chart — on hand-placed incidents."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from analytics import border
from analytics.filters import Filters
from tests.test_hotspots import insert_incidents

# Distances placed by hand on both sides of every band edge (km).
EDGE_CASES = [(0.0, "0-5"), (4.99, "0-5"), (5.0, "0-5"), (5.01, "5-15"), (14.99, "5-15"), (15.0, "5-15"),
              (15.01, "15-30"), (30.0, "15-30"), (30.01, ">30"), (250.0, ">30")]


def test_assign_band_edges_are_exact() -> None:
    km = np.array([d for d, _ in EDGE_CASES] + [np.nan])
    labels = [border.BAND_LABELS[i] if i >= 0 else None for i in border.assign_band(km)]
    assert labels == [label for _, label in EDGE_CASES] + [None]


def test_band_table_puts_hand_placed_incidents_in_the_right_band(con) -> None:
    rows = [{"side": "KZ", "lat": 43.6, "lon": 71.9, "border_km": d, "source_id": f"K{i}"}
            for i, (d, _) in enumerate(EDGE_CASES)]
    rows += [{"side": "KG", "lat": 42.8262, "lon": 73.6788, "border_km": 2.5, "source_id": "G1"},
             {"side": "KG", "lat": 42.8262, "lon": 73.6788, "border_km": 31.0, "source_id": "G2"}]
    insert_incidents(con, rows)
    counts = border.band_counts(border.band_table(con, Filters()))
    table = {(r.side, r.band_km): (r.count, r.share) for r in counts.itertuples(index=False)}
    assert {k: v[0] for k, v in table.items()} == {
        ("KZ", "0-5"): 3, ("KZ", "5-15"): 3, ("KZ", "15-30"): 2, ("KZ", ">30"): 2,
        ("KG", "0-5"): 1, ("KG", "5-15"): 0, ("KG", "15-30"): 0, ("KG", ">30"): 1}
    assert table[("KZ", "0-5")][1] == pytest.approx(0.3)
    assert table[("KG", "0-5")][1] == pytest.approx(0.5)
    # Every geocoded incident is in exactly one band.
    assert counts["count"].sum() == 12


def test_bands_follow_the_filters(con) -> None:
    insert_incidents(con, [
        {"side": "KZ", "lat": 43.6, "lon": 71.9, "border_km": 1.0, "category": "livestock_theft",
         "registered_on": date(2024, 1, 5)},
        {"side": "KZ", "lat": 43.6, "lon": 71.9, "border_km": 1.0, "category": "drugs", "registered_on": date(2024, 1, 6)},
        {"side": "KZ", "lat": 43.6, "lon": 71.9, "border_km": 1.0, "category": "livestock_theft",
         "registered_on": date(2024, 3, 1)},
        {"side": "KZ", "lat": 0.0, "lon": 0.0, "category": "livestock_theft", "registered_on": date(2024, 1, 7)},
    ])
    table = border.band_table(con, Filters(categories=("livestock_theft",), start=date(2024, 1, 1),
                                           end=date(2024, 1, 31)))
    assert table["count"].sum() == 1  # the drug case, the March case and the 0,0 one are out
    assert table["month"].iloc[0] == np.datetime64("2024-01-01")


def test_shares_by_category_and_month(con) -> None:
    insert_incidents(con, [{"side": "KG", "lat": 42.8262, "lon": 73.6788, "border_km": d, "category": c,
                            "registered_on": m}
                           for d, c, m in [(1.0, "livestock_theft", date(2024, 1, 3)),
                                           (20.0, "livestock_theft", date(2024, 1, 9)),
                                           (3.0, "livestock_theft", date(2024, 2, 3)),
                                           (40.0, "vehicle_theft", date(2024, 2, 4))]])
    table = border.band_table(con, Filters())
    by_cat = border.band_shares(table, ("side", "category"))
    near = by_cat[(by_cat["category"] == "livestock_theft") & (by_cat["band_km"] == "0-5")].iloc[0]
    assert (near["count"], near["total"]) == (2, 3)
    assert near["share"] == pytest.approx(2 / 3)
    by_month = border.band_shares(table, ("side", "month"))
    jan = by_month[(by_month["month"] == np.datetime64("2024-01-01")) & (by_month["band_km"] == "0-5")].iloc[0]
    assert jan["share"] == pytest.approx(0.5)
    assert border.band_shares(table.iloc[0:0]).empty


def test_sentence_in_plain_words(con) -> None:
    # 13 livestock thefts in Kordai district, 8 of them within 5 km of the border: 8/13 = 61.5 % → 62 %.
    rows = [{"side": "KZ", "lat": 43.0436, "lon": 74.7134, "district": "KORDAI", "category": "livestock_theft",
             "border_km": 2.0 if i < 8 else 12.0} for i in range(13)]
    rows += [{"side": "KZ", "lat": 42.9001, "lon": 71.3659, "district": "TARAZ", "category": "phone_theft",
              "border_km": 12.0} for _ in range(20)]
    insert_incidents(con, rows)
    table = border.band_table(con, Filters())
    names = border.district_names(con)
    assert border.border_sentences(table, names, "ru") == [
        "62 % краж скота в Кордайском районе — в пределах 5 км от границы (8 из 13)"]
    assert border.border_sentences(table, names, "en") == [
        "62% of livestock thefts in Kordai district are within 5 km of the border (8 of 13)"]
    assert border.border_sentences(table, names, "ru", min_count=14) == []
    assert border.border_sentences(table.iloc[0:0], names, "ru") == []


def test_band_chart_has_both_sides_and_all_bands(con) -> None:
    counts = border.band_counts(border.band_table(con, Filters()))  # empty database → zeros
    assert counts["count"].tolist() == [0] * 8 and counts["share"].isna().all()
    fig = border.border_band_chart(counts, "ru")
    assert [trace.name for trace in fig.data] == ["KZ", "KG"]
    assert list(fig.data[0].x) == list(border.BAND_LABELS)
    assert fig.layout.xaxis.title.text == "Расстояние до границы, км"


def test_near_share_by_category_and_trend(con) -> None:
    insert_incidents(con, [{"side": s, "lat": 43.6 if s == "KZ" else 42.8262, "lon": 71.9 if s == "KZ" else 73.6788,
                            "border_km": d, "category": c, "registered_on": m}
                           for s, d, c, m in [("KZ", 1.0, "livestock_theft", date(2024, 1, 3)),
                                              ("KZ", 9.0, "livestock_theft", date(2024, 1, 9)),
                                              ("KZ", 4.0, "livestock_theft", date(2024, 2, 3)),
                                              ("KG", 6.0, "livestock_theft", date(2024, 2, 4))]])
    table = border.band_table(con, Filters())
    shares = border.near_share_by_category(table, "en")
    assert shares[["category", "side", "total", "near"]].values.tolist() == [
        ["Livestock theft", "KG", 1, 0], ["Livestock theft", "KZ", 3, 2]]
    assert shares["share"].tolist() == pytest.approx([0.0, 2 / 3])
    fig = border.border_trend_chart(table, "en")
    kz = next(trace for trace in fig.data if trace.name == "KZ")
    assert list(kz.y) == pytest.approx([50.0, 100.0])  # January 1 of 2 within 5 km, February 1 of 1
    assert border.near_share_by_category(table.iloc[0:0]).empty
    assert len(border.border_trend_chart(table.iloc[0:0]).data) == 0
