"""The border corridor's monthly pre-aggregate: band_table read from it equals band_table from raw rows, for
every viewer, sharing policy and period; a stale pre-aggregate is never read."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from analytics import border, sharing
from analytics.access import SYSTEM, Viewer
from analytics.filters import Filters
from tests.test_hotspots import BORDER_POINT, cluster_points, insert_incidents, side_of, uniform_points

KZ, KG = Viewer("kz", "analyst", "KZ"), Viewer("kg", "commander", "KG")
VIEWERS = [SYSTEM, KZ, KG, Viewer("b", "admin", "BOTH")]
FILTERS = [
    Filters(),
    Filters(start=date(2024, 2, 1), end=date(2024, 4, 30)),     # whole months only
    Filters(start=date(2024, 1, 17), end=date(2024, 5, 9)),     # partial months at both ends
    Filters(start=date(2024, 3, 3), end=date(2024, 3, 20)),     # inside one month: raw rows only
    Filters(end=date(2024, 2, 29)),
    Filters(start=date(2024, 4, 1)),
    Filters(categories=("livestock_theft",), sides=("KG",)),
    Filters(districts=("KORDAI",), online=True),
    Filters(minor_involved=False, foreign_national=True, start=date(2024, 1, 31)),
]


def fill(con) -> None:
    lat, lon = uniform_points(200, (42.8, 43.25, 74.3, 75.0), seed=1)
    c_lat, c_lon = cluster_points(60, BORDER_POINT, 3.0, seed=2)
    categories = ("livestock_theft", "vehicle_theft", "drugs")
    rows = [{"side": side_of(a, b), "lat": a, "lon": b, "source_id": f"S{i:04d}",
             "registered_on": date(2024, 1, 1) + timedelta(days=(5 * i) % 160), "category": categories[i % 3],
             "district": "KORDAI" if i % 4 == 0 else None}
            for i, (a, b) in enumerate(zip(np.r_[lat, c_lat], np.r_[lon, c_lon], strict=True))]
    insert_incidents(con, rows)
    con.execute("UPDATE incidents SET online = (hash(source_id) % 3 = 0), foreign_national = (hash(source_id) % 5 = 0)")


def raw(con, filters: Filters, viewer: Viewer) -> pd.DataFrame:
    return border._raw_bands(con, filters, viewer)


@pytest.fixture
def filled(con):
    fill(con)
    border.refresh_monthly(con)
    return con


def test_whole_months_of_a_period() -> None:
    assert border._whole_months(Filters()) == (date(1, 1, 1), date(9999, 12, 1))
    assert border._whole_months(Filters(start=date(2024, 1, 17), end=date(2024, 5, 9))) == (
        date(2024, 2, 1), date(2024, 5, 1))
    assert border._whole_months(Filters(start=date(2024, 2, 1), end=date(2024, 2, 29))) == (
        date(2024, 2, 1), date(2024, 3, 1))
    assert border._whole_months(Filters(start=date(2024, 12, 1), end=date(2024, 12, 31))) == (
        date(2024, 12, 1), date(2025, 1, 1))
    assert border._whole_months(Filters(start=date(2024, 3, 3), end=date(2024, 3, 30))) is None
    assert border._whole_months(Filters(start=date(2024, 3, 2), end=date(2024, 4, 30))) == (
        date(2024, 4, 1), date(2024, 5, 1))


@pytest.mark.parametrize("coordinates_shared", [False, True])
def test_pre_aggregate_equals_raw_rows_for_every_viewer_and_period(filled, coordinates_shared) -> None:
    if coordinates_shared:
        sharing.set_policy(filled, Viewer("kgadmin", "admin", "KG"), "KG", {"coordinates": True})
    assert border.monthly_fresh(filled)
    for viewer in VIEWERS:
        for filters in FILTERS:
            expected = raw(filled, filters, viewer)
            got = border.band_table(filled, filters, viewer)
            pd.testing.assert_frame_equal(got, expected, check_exact=True)
    # The policy is read at query time: the KZ viewer sees the KG corridor only when KG shares coordinates.
    kz_sides = set(border.band_table(filled, Filters(), KZ)["side"])
    assert kz_sides == ({"KZ", "KG"} if coordinates_shared else {"KZ"})


def test_a_row_of_an_unknown_side_counts_only_for_those_who_see_everything(filled) -> None:
    filled.execute("UPDATE incidents SET side = 'XX' WHERE source_id = 'S0001'")
    border.refresh_monthly(filled)
    for viewer in VIEWERS:
        pd.testing.assert_frame_equal(border.band_table(filled, Filters(), viewer), raw(filled, Filters(), viewer))
    assert "XX" in set(border.band_table(filled, Filters())["side"])
    assert "XX" not in set(border.band_table(filled, Filters(), KZ)["side"])


def test_pre_aggregate_is_read_and_a_stale_one_is_not(filled) -> None:
    filled.execute("UPDATE border_monthly SET n = n + 1000")  # a marker: reads from the table show it
    assert border.band_table(filled, Filters())["count"].max() > 1000
    insert_incidents(filled, [{"side": "KZ", "lat": 43.0436, "lon": 74.6492, "source_id": "NEW",
                               "registered_on": date(2024, 2, 10)}])
    assert not border.monthly_fresh(filled)
    got = border.band_table(filled, Filters())
    assert got["count"].max() < 1000
    pd.testing.assert_frame_equal(got, raw(filled, Filters(), SYSTEM))


def test_empty_database(con) -> None:
    border.refresh_monthly(con)
    assert border.monthly_fresh(con)
    table = border.band_table(con, Filters())
    assert table.empty and list(table.columns) == list(border.TABLE_COLUMNS)


def test_loads_leave_it_fresh_and_right(con, samples) -> None:
    from analytics.ingest import load_file

    load_file(con, samples / "kz_erdr_2024-01.csv")
    assert border.monthly_fresh(con)  # the load's after-load step rebuilt it inside the load
    geocoded = con.execute("SELECT count(*) FROM incidents WHERE geo_ok").fetchone()[0]
    assert geocoded > 0 and border.band_table(con, Filters())["count"].sum() == geocoded
    pd.testing.assert_frame_equal(border.band_table(con, Filters()), raw(con, Filters(), SYSTEM))
    # An upload that does not touch incidents keeps it fresh without a rebuild.
    rows = con.execute("SELECT count(*) FROM border_monthly").fetchone()[0]
    con.execute("DELETE FROM border_monthly")  # a rebuild would restore the rows; re-recording does not
    load_file(con, samples / "bulletins_2024-01.csv")
    assert border.monthly_fresh(con)
    assert con.execute("SELECT count(*) FROM border_monthly").fetchone()[0] == 0
    border.refresh_monthly(con)
    assert con.execute("SELECT count(*) FROM border_monthly").fetchone()[0] == rows > 0
    # An upload of incidents rebuilds it.
    load_file(con, samples / "kg_erp_chuy-talas_2024-01.csv")
    assert border.monthly_fresh(con)
    pd.testing.assert_frame_equal(border.band_table(con, Filters(), KZ), raw(con, Filters(), KZ))


def test_the_migration_builds_it_for_a_database_that_has_incidents(con) -> None:
    from analytics import db

    fill(con)
    con.execute("DROP TABLE border_monthly; DROP TABLE border_monthly_state")
    con.execute("DELETE FROM schema_migrations WHERE version = 70")
    assert 70 in db.migrate(con)
    assert border.monthly_fresh(con)
    for filters in FILTERS[:3]:
        pd.testing.assert_frame_equal(border.band_table(con, filters, KZ), raw(con, filters, KZ))
    assert border.band_table(con, Filters())["count"].sum() == con.execute(
        "SELECT count(*) FROM incidents WHERE geo_ok").fetchone()[0]
