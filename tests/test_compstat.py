"""CompStat windows, counts, % change, Poisson z, rates and coverage on hand-counted fixtures.

The main fixture (as of Wednesday 2024-03-13), KZ livestock theft, by registration date:
  in: 03-13 (as-of), 03-12 (occurred in 2020), 03-11 (Mon), 03-10, 03-07, 03-06, 03-04, 03-03, 02-15,
      02-14, 01-18, 01-17, 01-01 (2024); 2023-03-13, 2023-01-01
  out of every window: 03-14 (after as-of), 2023-12-31, 2023-03-14, 2022-12-31,
      2023-06-01 (occurred 2024-03-12: only the registration date counts)
  WTD  2024-03-11..13 = {13, 12, 11}                          → 3   vs 03-04..06 = {06, 04} → 2
  28d  2024-02-15..03-13 = {13,12,11,10,07,06,04,03,02-15}     → 9   vs 01-18..02-14 = {02-14, 01-18} → 2
  YTD  2024-01-01..03-13 = the 9 above + 02-14, 01-18, 01-17, 01-01 → 13  vs 2023-01-01..03-13 → 2
"""

from __future__ import annotations

import itertools
import json
import math
from datetime import date, timedelta

import pandas as pd
import pytest

from analytics import cli, compstat
from analytics.filters import Filters

AS_OF = date(2024, 3, 13)
LIVESTOCK_IN = ["2024-03-13", "2024-03-12", "2024-03-11", "2024-03-10", "2024-03-07", "2024-03-06", "2024-03-04",
                "2024-03-03", "2024-02-15", "2024-02-14", "2024-01-18", "2024-01-17", "2024-01-01", "2023-03-13",
                "2023-01-01"]
LIVESTOCK_OUT = ["2024-03-14", "2023-12-31", "2023-03-14", "2022-12-31"]


class Rows:
    """Inserts incidents with SQL (no loader), numbering source ids."""

    serial = itertools.count(1)  # shared by every instance: source ids stay unique per database

    def __init__(self, con) -> None:
        self.con = con

    def add(self, side: str, registered: str, category: str, *, oblast: str | None = None,
            district: str | None = None, occurred: str | None = None, online: bool | None = False,
            minor: bool | None = False, foreign: bool | None = False, status: str = "in_progress",
            times: int = 1) -> None:
        oblast = oblast or ("ZHA" if side == "KZ" else "CHU")
        for _ in range(times):
            self.con.execute(
                "INSERT INTO incidents (side, source_id, registered_on, occurred_at, category, oblast, district, "
                "status, online, minor_involved, foreign_national, upload_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,1)",
                [side, f"{next(self.serial):06d}", registered, occurred, category, oblast, district, status, online, minor,
                 foreign])


def cover(con, side: str, oblast: str, first: str, last: str, skip: tuple[str, ...] = ()) -> None:
    """Coverage rows for every month first..last (YYYY-MM), except ``skip``."""
    year, month = map(int, first.split("-"))
    while f"{year:04d}-{month:02d}" <= last:
        if f"{year:04d}-{month:02d}" not in skip:
            con.execute("INSERT INTO coverage VALUES (?, ?, ?, 1)", [side, oblast, date(year, month, 1)])
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def cover_all(con, skip_tal: tuple[str, ...] = ()) -> None:
    cover(con, "KZ", "ZHA", "2022-12", "2024-03")
    cover(con, "KG", "CHU", "2022-12", "2024-03")
    cover(con, "KG", "TAL", "2022-12", "2024-03", skip=skip_tal)


@pytest.fixture
def fixture_db(con):
    rows = Rows(con)
    for day in LIVESTOCK_IN + LIVESTOCK_OUT:
        rows.add("KZ", day, "livestock_theft", district="KORDAI",
                 occurred="2020-05-05 10:00:00" if day == "2024-03-12" else None)
    rows.add("KZ", "2023-06-01", "livestock_theft", district="KORDAI", occurred="2024-03-12 09:00:00")
    # KG drugs: two in the current 28 days, none in the prior → % change undefined
    rows.add("KG", "2024-03-01", "drugs", oblast="TAL", district="TALAS_KG", online=True)
    rows.add("KG", "2024-02-20", "drugs", oblast="TAL", district="TALAS_KG")
    cover_all(con)
    return con


def row(frame: pd.DataFrame, **keys) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for key, value in keys.items():
        mask &= frame[key] == value
    assert mask.sum() == 1, f"expected one row for {keys}, got {int(mask.sum())}"
    return frame[mask].iloc[0]


# ---------------------------------------------------------------- windows

def test_windows_mid_week():
    wtd, d28, ytd = compstat.compstat_windows(AS_OF)  # Wednesday
    assert (wtd.current_start, wtd.current_end, wtd.prior_start, wtd.prior_end) == (
        date(2024, 3, 11), AS_OF, date(2024, 3, 4), date(2024, 3, 6))
    assert (d28.current_start, d28.current_end, d28.prior_start, d28.prior_end) == (
        date(2024, 2, 15), AS_OF, date(2024, 1, 18), date(2024, 2, 14))
    assert (d28.current_end - d28.current_start).days + 1 == 28
    assert (d28.prior_end - d28.prior_start).days + 1 == 28
    assert (ytd.current_start, ytd.current_end, ytd.prior_start, ytd.prior_end) == (
        date(2024, 1, 1), AS_OF, date(2023, 1, 1), date(2023, 3, 13))


def test_windows_29_february_prior_ends_28_february():
    wtd, d28, ytd = compstat.compstat_windows(date(2024, 2, 29))  # Thursday
    assert (ytd.prior_start, ytd.prior_end) == (date(2023, 1, 1), date(2023, 2, 28))
    assert (wtd.current_start, wtd.prior_start, wtd.prior_end) == (date(2024, 2, 26), date(2024, 2, 19),
                                                                   date(2024, 2, 22))
    assert (d28.current_start, d28.prior_start, d28.prior_end) == (date(2024, 2, 2), date(2024, 1, 5),
                                                                   date(2024, 2, 1))


def test_ytd_after_a_leap_year_uses_the_same_calendar_days():
    ytd = compstat.compstat_windows(date(2025, 2, 28))[2]
    assert (ytd.prior_start, ytd.prior_end) == (date(2024, 1, 1), date(2024, 2, 28))


def test_29_february_counts(con):
    rows = Rows(con)
    for day in ("2024-02-29", "2024-01-01", "2023-02-28", "2023-01-01", "2023-03-01"):
        rows.add("KZ", day, "other")
    r = row(compstat.compstat_table(con, date(2024, 2, 29)), side="KZ", category="other", window="ytd")
    assert (r.current, r.prior) == (2, 2)  # 2023-03-01 is outside the prior span


def test_windows_year_boundary():
    wtd, d28, ytd = compstat.compstat_windows(date(2025, 1, 2))  # Thursday
    assert (wtd.current_start, wtd.current_end) == (date(2024, 12, 30), date(2025, 1, 2))
    assert (wtd.prior_start, wtd.prior_end) == (date(2024, 12, 23), date(2024, 12, 26))
    assert (d28.current_start, d28.prior_start, d28.prior_end) == (date(2024, 12, 6), date(2024, 11, 8),
                                                                   date(2024, 12, 5))
    assert (ytd.current_start, ytd.prior_start, ytd.prior_end) == (date(2025, 1, 1), date(2024, 1, 1),
                                                                   date(2024, 1, 2))


def test_week_across_new_year_counts(con):
    rows = Rows(con)
    for day in ("2025-01-02", "2024-12-30", "2024-12-29", "2024-12-26", "2024-12-23", "2024-12-27", "2024-01-02"):
        rows.add("KG", day, "smuggling")
    table = compstat.compstat_table(con, date(2025, 1, 2))
    wtd = row(table, side="KG", category="smuggling", window="wtd")
    assert (wtd.current, wtd.prior) == (2, 2)  # 12-30, 01-02 vs 12-23, 12-26 (12-27 is a Friday: out)
    ytd = row(table, side="KG", category="smuggling", window="ytd")
    assert (ytd.current, ytd.prior) == (1, 1)  # 2025-01-02 vs 2024-01-02


def test_monday_as_of_is_a_one_day_week():
    wtd = compstat.compstat_windows(date(2024, 3, 11))[0]
    assert (wtd.current_start, wtd.current_end, wtd.prior_start, wtd.prior_end) == (
        date(2024, 3, 11), date(2024, 3, 11), date(2024, 3, 4), date(2024, 3, 4))


def test_unknown_window_is_a_named_error():
    with pytest.raises(compstat.InvalidWindow):
        compstat.window_by_name(AS_OF, "month")


# ---------------------------------------------------------------- statistics

def test_percent_change_and_z():
    assert compstat.percent_change(3, 2) == 50.0
    assert compstat.percent_change(2, 0) is None
    assert compstat.percent_change(0, 0) is None
    assert compstat.percent_change(0, 4) == -100.0
    assert compstat.poisson_z(9, 4) == 2.0
    assert compstat.poisson_z(0, 0) == 0.0
    assert abs(compstat.poisson_z(2, 1) - 2 * (math.sqrt(2) - 1)) < 1e-12
    assert not compstat.is_notable(compstat.poisson_z(2, 1))  # +100 % (1 → 2) is not alarming
    assert compstat.is_notable(compstat.poisson_z(9, 4))  # z = 2 exactly is notable
    assert compstat.is_notable(-2.5)


# ---------------------------------------------------------------- CompStat table

def test_window_counts_on_boundaries(fixture_db):
    table = compstat.compstat_table(fixture_db, AS_OF)
    expected = {"wtd": (3, 2), "28d": (9, 2), "ytd": (13, 2)}
    for window, (current, prior) in expected.items():
        r = row(table, side="KZ", category="livestock_theft", window=window)
        assert (r.current, r.prior) == (current, prior), window
    assert row(table, side="KZ", category="livestock_theft", window="wtd")["pct_change"] == 50.0
    assert row(table, side="KZ", category="livestock_theft", window="28d")["pct_change"] == 350.0
    assert row(table, side="KZ", category="livestock_theft", window="ytd")["pct_change"] == 550.0
    assert abs(row(table, side="KZ", category="livestock_theft", window="wtd").z
               - 2 * (math.sqrt(3) - math.sqrt(2))) < 1e-9
    assert abs(row(table, side="KZ", category="livestock_theft", window="28d").z - 2 * (3 - math.sqrt(2))) < 1e-9
    assert abs(row(table, side="KZ", category="livestock_theft", window="ytd").z
               - 2 * (math.sqrt(13) - math.sqrt(2))) < 1e-9


def test_table_is_dense_and_typed(fixture_db):
    table = compstat.compstat_table(fixture_db, AS_OF)
    assert list(table.columns) == compstat.COMPSTAT_COLUMNS
    assert len(table) == 2 * 10 * 3  # sides × categories × windows, zeros included
    assert table["side"].unique().tolist() == ["KZ", "KG"]
    zero = row(table, side="KZ", category="drugs", window="28d")
    assert (zero.current, zero.prior, zero.z) == (0, 0, 0.0) and pd.isna(zero["pct_change"])
    assert table["current"].dtype == "int64" and table["z"].dtype == "float64"


def test_prior_zero_gives_no_percentage(fixture_db):
    r = row(compstat.compstat_table(fixture_db, AS_OF), side="KG", category="drugs", window="28d")
    assert (r.current, r.prior) == (2, 0)
    assert pd.isna(r["pct_change"])
    assert abs(r.z - 2 * math.sqrt(2)) < 1e-9


def test_per_100k_uses_window_count_and_selected_population(fixture_db):
    table = compstat.compstat_table(fixture_db, AS_OF)
    # KZ = Zhambyl 1 220 000; KG = Chuy 1 070 000 + Talas 270 000
    assert row(table, side="KZ", category="livestock_theft", window="28d").per_100k == 9 * 100_000 / 1_220_000
    assert row(table, side="KG", category="drugs", window="28d").per_100k == 2 * 100_000 / 1_340_000
    talas = compstat.compstat_table(fixture_db, AS_OF, Filters(oblasts=("TAL",)))
    assert talas["side"].unique().tolist() == ["KG"]
    assert abs(row(talas, category="drugs", window="28d").per_100k - 2 * 100_000 / 270_000) < 1e-9
    district = compstat.compstat_table(fixture_db, AS_OF, Filters(districts=("KORDAI",)))
    assert row(district, category="livestock_theft", window="28d").per_100k == 9 * 100_000 / 128_000


def test_filters_apply_but_dates_come_from_windows(fixture_db):
    flt = Filters(start=date(2024, 3, 1), end=AS_OF, online=True)
    table = compstat.compstat_table(fixture_db, None, flt)
    assert row(table, side="KG", category="drugs", window="28d").current == 1
    assert row(table, side="KZ", category="livestock_theft", window="ytd").current == 0


def test_default_as_of_is_last_registration_or_period_end(fixture_db):
    assert compstat.default_as_of(fixture_db) == date(2024, 3, 14)
    assert compstat.default_as_of(fixture_db, Filters(end=AS_OF)) == AS_OF
    assert row(compstat.compstat_table(fixture_db, None, Filters(end=AS_OF)), side="KZ",
               category="livestock_theft", window="wtd").current == 3


def test_missing_month_marks_window_incomplete(con):
    Rows(con).add("KG", "2024-03-05", "drugs", oblast="TAL")
    cover_all(con, skip_tal=("2024-02",))
    table = compstat.compstat_table(con, AS_OF)
    kg = table[table["side"] == "KG"].groupby("window")["coverage_complete"].all().to_dict()
    kz = table[table["side"] == "KZ"].groupby("window")["coverage_complete"].all().to_dict()
    # WTD (March only) is complete; 28d (Jan–Mar) and YTD (Jan–Mar both years) touch February 2024
    assert kg == {"wtd": True, "28d": False, "ytd": False}
    assert kz == {"wtd": True, "28d": True, "ytd": True}
    chuy_only = compstat.compstat_table(con, AS_OF, Filters(oblasts=("CHU",)))
    assert chuy_only["coverage_complete"].all()


def test_no_coverage_rows_means_incomplete(con):
    Rows(con).add("KZ", "2024-03-05", "drugs")
    assert not compstat.compstat_table(con, AS_OF)["coverage_complete"].any()


def test_empty_database_gives_empty_typed_frames(con):
    table = compstat.compstat_table(con)
    assert table.empty and list(table.columns) == compstat.COMPSTAT_COLUMNS
    assert compstat.direction_table(con).empty
    assert compstat.district_table(con).empty
    assert compstat.compstat_records(table) == []


# ---------------------------------------------------------------- pre-aggregate equals raw rows

def test_monthly_aggregate_gives_the_same_counts_as_raw_rows(con):
    # 400 incidents spread over 2022-11..2025-02, checked for several as-of dates (29 Feb, year ends, month ends)
    con.execute(
        "INSERT INTO incidents (side, source_id, registered_on, category, oblast, district, online, upload_id) "
        "SELECT CASE WHEN i % 3 = 0 THEN 'KG' ELSE 'KZ' END, 'S' || i, DATE '2022-11-03' + (i * 7 % 850)::INT, "
        "CASE WHEN i % 4 = 0 THEN 'drugs' ELSE 'livestock_theft' END, CASE WHEN i % 3 = 0 THEN 'CHU' ELSE 'ZHA' END, "
        "NULL, i % 5 = 0, 1 FROM range(400) t(i)")
    for as_of in (date(2024, 2, 29), date(2024, 12, 31), date(2025, 1, 2), date(2024, 6, 30), date(2024, 7, 1)):
        ranges = {f"r{i}": span for i, span in
                  enumerate(span for w in compstat.compstat_windows(as_of) for span in w.spans)}
        fast = compstat.count_by(con, ranges, ("side", "category", "online"), use_aggregates=True)
        slow = compstat.count_by(con, ranges, ("side", "category", "online"), use_aggregates=False)
        key = ["side", "category", "online"]
        pd.testing.assert_frame_equal(fast.sort_values(key).reset_index(drop=True),
                                      slow.sort_values(key).reset_index(drop=True))
    assert compstat.aggregates_fresh(con)


def test_stale_aggregate_is_rebuilt(fixture_db):
    assert row(compstat.compstat_table(fixture_db, AS_OF), side="KZ", category="livestock_theft",
               window="ytd").current == 13
    Rows(fixture_db).add("KZ", "2024-01-20", "livestock_theft")  # a whole month read from the pre-aggregate
    assert not compstat.aggregates_fresh(fixture_db)
    assert row(compstat.compstat_table(fixture_db, AS_OF), side="KZ", category="livestock_theft",
               window="ytd").current == 14


def test_refresh_aggregates_runs_inside_the_callers_transaction(fixture_db):
    fixture_db.execute("BEGIN TRANSACTION")
    Rows(fixture_db).add("KZ", "2024-01-20", "livestock_theft")
    compstat.refresh_aggregates(fixture_db)
    fixture_db.execute("ROLLBACK")
    assert row(compstat.compstat_table(fixture_db, AS_OF), side="KZ", category="livestock_theft",
               window="ytd").current == 13


# ---------------------------------------------------------------- directions, districts, shares

@pytest.fixture
def direction_db(con):
    rows = Rows(con)
    rows.add("KZ", "2024-03-01", "extremism_terrorism", online=True, times=3)
    rows.add("KZ", "2024-03-02", "extremism_terrorism", online=False)
    rows.add("KZ", "2024-03-02", "vehicle_theft", minor=True)
    rows.add("KZ", "2024-03-03", "phone_theft", times=2)
    rows.add("KZ", "2024-03-04", "weapons")          # smuggling_drugs
    rows.add("KZ", "2024-03-04", "drugs", online=True, minor=True, times=2)
    rows.add("KZ", "2024-03-05", "drugs", online=None)  # unknown flag counts as not online
    rows.add("KZ", "2024-03-05", "other_theft", minor=True)
    rows.add("KZ", "2024-02-01", "livestock_theft")   # prior 28 days
    rows.add("KG", "2024-03-06", "smuggling", oblast="TAL", online=True)
    cover_all(con)
    return con


def test_direction_table(direction_db):
    table = compstat.direction_table(direction_db, AS_OF)
    assert len(table) == 2 * 5 * 3
    ext = row(table, side="KZ", direction="extremism", window="28d")
    assert (ext.current, ext.online_current, ext.online_share) == (4, 3, 0.75)
    assert pd.isna(ext.drugs_online_current)
    assert row(table, side="KZ", direction="stolen_property", window="28d").current == 3
    smug = row(table, side="KZ", direction="smuggling_drugs", window="28d")
    assert (smug.current, smug.online_current, smug.drugs_online_current) == (4, 2, 2)
    minors = row(table, side="KZ", direction="minors", window="28d")
    assert (minors.current, minors.online_current) == (4, 2)  # vehicle + 2 drugs + other_theft
    live = row(table, side="KZ", direction="livestock", window="28d")
    # 1 → 0: z = 2(0 − 1) = −2 exactly, notable by the |z| ≥ 2 rule
    assert (live.current, live.prior) == (0, 1) and live["pct_change"] == -100.0 and live.notable
    kg = row(table, side="KG", direction="smuggling_drugs", window="28d")
    assert (kg.current, kg.online_share, kg.drugs_online_current) == (1, 1.0, 0)
    assert pd.isna(row(table, side="KG", direction="minors", window="28d").online_share)


def test_district_table_ranks_and_rates(con):
    rows = Rows(con)
    rows.add("KZ", "2024-03-01", "other", district="KORDAI", times=64)
    rows.add("KZ", "2024-02-01", "other", district="KORDAI", times=16)
    rows.add("KG", "2024-03-01", "other", oblast="CHU", district="TOKMOK", times=9)
    rows.add("KG", "2024-03-01", "other", oblast="CHU", district=None, times=2)
    rows.add("KG", "2024-03-01", "other", oblast="CHU", district="NOT_A_KEY", times=1)
    cover_all(con)
    table = compstat.district_table(con, AS_OF)
    assert len(table) == 25 + 1  # every reference district + one "not given" row for Chuy
    top = table.iloc[0]
    assert (top["rank"], top.district, top.current, top.prior, top.per_100k) == (1, "KORDAI", 64, 16, 50.0)
    assert top["pct_change"] == 300.0 and top.z == 2 * (8 - 4) and top.notable
    tokmok = row(table, district="TOKMOK")
    assert (tokmok["rank"], tokmok.current) == (2, 9) and tokmok.per_100k == 9 * 100_000 / 72_000
    unknown = table[table["district"].isna()].iloc[0]
    assert (unknown.side, unknown.oblast, unknown.current, unknown["name"]) == ("KG", "CHU", 3, "Район не указан")
    assert pd.isna(unknown.per_100k)
    en = compstat.district_table(con, AS_OF, lang="en")
    assert en.iloc[0]["name"] == "Kordai district" or en.iloc[0]["name"].startswith("Kordai")
    only = compstat.district_table(con, AS_OF, Filters(districts=("TOKMOK",)))
    assert only["district"].tolist() == ["TOKMOK"]


def test_incident_shares(direction_db):
    shares = compstat.incident_shares(direction_db, Filters(start=date(2024, 3, 1), end=AS_OF))
    kz = row(shares, side="KZ")
    assert kz.total == 12
    assert (kz.online, kz.minor_involved) == (5, 4)
    assert kz.share_online == 5 / 12
    direction_db.execute("UPDATE incidents SET status = 'to_court' WHERE category = 'extremism_terrorism'")
    direction_db.execute("UPDATE incidents SET status = 'terminated' WHERE category = 'weapons'")
    shares = compstat.incident_shares(direction_db, Filters(start=date(2024, 3, 1), end=AS_OF))
    kz = row(shares, side="KZ")
    assert (kz.to_court, kz.terminated, kz.suspended) == (4, 1, 0)
    assert kz.share_to_court == 4 / 12 and kz.share_suspended == 0.0
    kg = row(shares, side="KG")
    assert (kg.total, kg.share_online) == (1, 1.0)


# ---------------------------------------------------------------- CLI contract

def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["compstat", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_json_matches_table(fixture_db, tmp_path, capsys):
    path = fixture_db.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
                              ).fetchone()[0]
    fixture_db.close()
    code, out, _ = run_cli(capsys, "--db", path, "--as-of", "2024-03-13", "--json")
    assert code == 0
    records = json.loads(out)
    assert len(records) == 60
    assert set(records[0]) == {"side", "category", "window", "current", "prior", "pct_change", "z", "per_100k",
                               "coverage_complete"}
    live = [r for r in records if (r["side"], r["category"], r["window"]) == ("KZ", "livestock_theft", "28d")][0]
    assert (live["current"], live["prior"], live["pct_change"]) == (9, 2, 350.0)
    assert abs(live["z"] - 2 * (3 - math.sqrt(2))) < 1e-9
    assert live["per_100k"] == 9 * 100_000 / 1_220_000 and live["coverage_complete"] is True
    drugs = [r for r in records if (r["side"], r["category"], r["window"]) == ("KG", "drugs", "28d")][0]
    assert drugs["pct_change"] is None and drugs["current"] == 2

    code, out, _ = run_cli(capsys, "--db", path, "--as-of", "2024-03-13", "--json", "--side", "KG",
                           "--oblast", "TAL")
    talas = json.loads(out)
    assert {r["side"] for r in talas} == {"KG"} and len(talas) == 30
    drugs = [r for r in talas if (r["category"], r["window"]) == ("drugs", "28d")][0]
    assert abs(drugs["per_100k"] - 2 * 100_000 / 270_000) < 1e-9

    code, out, _ = run_cli(capsys, "--db", path, "--as-of", "2024-03-13")
    assert code == 0 and "livestock_theft" in out and "+350%" in out


def test_cli_errors_are_one_line(tmp_path, capsys):
    code, _, err = run_cli(capsys, "--db", str(tmp_path / "missing.duckdb"), "--json")
    assert code == 2 and "не найден" in err and len(err.strip().splitlines()) == 1
    path = tmp_path / "x.duckdb"
    from analytics import db

    db.connect(path).close()
    code, _, err = run_cli(capsys, "--db", str(path), "--as-of", "31.03.2024")
    assert code == 2 and "ГГГГ-ММ-ДД" in err


def test_windows_reach_back_exactly(con):
    """Every day of a 28-day window counts once: one incident per day for 60 days."""
    rows = Rows(con)
    for offset in range(60):
        rows.add("KZ", (AS_OF - timedelta(days=offset)).isoformat(), "other")
    r = row(compstat.compstat_table(con, AS_OF), side="KZ", category="other", window="28d")
    assert (r.current, r.prior) == (28, 28)


# ---------------------------------------------------------------- faster paths give the same figures

def test_one_raw_span_and_several_raw_spans_count_the_same(fixture_db):
    # disjoint ranges in one call take the UNION-of-scans path; each range alone takes the flat scan
    ranges = [(date(2024, 1, 3), date(2024, 1, 20)), (date(2024, 2, 10), date(2024, 3, 14)),
              (date(2023, 6, 1), date(2023, 6, 1))]
    dims = ("side", "oblast", "district", "category", "online")
    together = compstat.count_rows(fixture_db, ranges, dims, None, use_aggregates=False)
    alone: dict[tuple, list[int]] = {}
    for i, span in enumerate(ranges):
        for *key, n in compstat.count_rows(fixture_db, [span], dims, None, use_aggregates=False):
            alone.setdefault(tuple(key), [0] * len(ranges))[i] = n
    assert {tuple(r[:-3]): list(r[-3:]) for r in together} == alone
    # by hand: 2 in January (17th, 18th); 10 KZ + 1 out-of-window (14 March) + 2 KG drugs from 10 February; 1 on 1 June
    assert [sum(v[i] for v in alone.values()) for i in range(3)] == [2, 13, 1]


def test_cached_reference_rows_equal_the_tables(con, tmp_path):
    from analytics import reference

    state = compstat.data_state(con)
    assert state.tables == reference.read_tables(con)
    assert state.tables.categories == tuple(
        (str(c), str(d)) for c, d in con.execute("SELECT category, direction FROM ref_categories ORDER BY sort").fetchall())
    assert compstat.data_state(con).tables is state.tables  # read once per database file
    memory = compstat.data_state(__import__("analytics.db", fromlist=["connect"]).connect(":memory:"))
    assert memory.tables == state.tables and memory.first_day is None


def test_scope_with_and_without_cached_tables_is_the_same(fixture_db):
    tables = compstat.data_state(fixture_db).tables
    for flt in (None, Filters(sides=("KG",)), Filters(districts=("KORDAI", "TALAS_KG")), Filters(oblasts=("TAL",))):
        assert compstat.selection_scope(fixture_db, flt, tables) == compstat.selection_scope(fixture_db, flt)


def test_refresh_after_load_leaves_the_aggregate_fresh_and_right(con, samples, monkeypatch):
    from analytics.ingest import after_load, load_file

    monkeypatch.setattr(after_load, "STEPS", ())  # the step is called by hand below

    result = load_file(con, samples / "kz_erdr_2024-01.csv")
    assert not compstat.aggregates_fresh(con)
    con.execute("BEGIN TRANSACTION")
    compstat.refresh_after_load(con, result.kind, result.upload_id)
    con.execute("COMMIT")
    assert compstat.aggregates_fresh(con)
    assert con.execute("SELECT sum(n) FROM incidents_monthly WHERE side = 'KZ'").fetchone()[0] == 8
    # a load that does not touch incidents keeps them fresh without a rebuild
    bulletins = load_file(con, samples / "bulletins_2024-01.csv")
    con.execute("BEGIN TRANSACTION")
    con.execute("DELETE FROM incidents_monthly_status")  # a rebuild would restore it; re-recording does not
    compstat.refresh_after_load(con, bulletins.kind, bulletins.upload_id)
    assert compstat.aggregates_fresh(con)
    assert con.execute("SELECT count(*) FROM incidents_monthly_status").fetchone()[0] == 0
    con.execute("ROLLBACK")
    assert not compstat.aggregates_fresh(con)  # rolled back with the caller's transaction


def test_refresh_after_load_as_an_after_load_step(con, samples, monkeypatch):
    from analytics.ingest import after_load, load_file, undo_upload

    monkeypatch.setattr(after_load, "STEPS", (compstat.refresh_after_load,))
    load_file(con, samples / "kz_erdr_2024-01.csv")
    assert compstat.aggregates_fresh(con)
    kg = load_file(con, samples / "kg_erp_chuy-talas_2024-01.csv")
    assert compstat.aggregates_fresh(con)
    fast = compstat.compstat_table(con, date(2024, 1, 31))
    slow_counts = compstat.count_by(con, {"jan": (date(2024, 1, 1), date(2024, 1, 31))}, ("side",),
                                    use_aggregates=False)
    assert dict(zip(slow_counts["side"], slow_counts["jan"], strict=True)) == {
        side: int(fast[(fast["side"] == side) & (fast["window"] == "ytd")]["current"].sum()) for side in ("KZ", "KG")}
    undo_upload(con, kg.upload_id, "system")
    assert compstat.compstat_table(con, date(2024, 1, 31)).query("side == 'KG'")["current"].sum() == 0


@pytest.mark.parametrize("dims, flt", [
    (("side", "category", "online", "minor_involved"), None),
    (("side", "oblast", "category", "month"), Filters(categories=("drugs",))),
    (("side", "foreign_national"), Filters(sides=("KZ",), online=True)),
    ((), Filters(oblasts=("CHU", "TAL"))),
    (("side", "oblast", "district"), None),
    (("side", "month"), Filters(districts=("KORDAI",))),
    (("side", "status", "online"), None),
])
def test_daily_and_coarse_monthly_aggregates_count_like_raw_rows(con, dims, flt):
    # 600 incidents over 2022-11..2025-02 with every flag and a few unknown oblasts/districts
    con.execute(
        "INSERT INTO incidents (side, source_id, registered_on, category, oblast, district, online, minor_involved, "
        "foreign_national, status, upload_id) "
        "SELECT CASE WHEN i % 3 = 0 THEN 'KG' ELSE 'KZ' END, 'D' || i, DATE '2022-11-03' + (i * 7 % 850)::INT, "
        "CASE WHEN i % 4 = 0 THEN 'drugs' ELSE 'livestock_theft' END, "
        "CASE WHEN i % 3 = 0 THEN (CASE WHEN i % 2 = 0 THEN 'CHU' ELSE 'TAL' END) WHEN i % 11 = 0 THEN NULL "
        "ELSE 'ZHA' END, CASE WHEN i % 5 = 1 THEN 'KORDAI' END, CASE WHEN i % 7 = 0 THEN NULL ELSE i % 5 = 0 END, "
        "i % 6 = 0, i % 9 = 0, CASE WHEN i % 2 = 0 THEN 'to_court' ELSE 'in_progress' END, 1 FROM range(600) t(i)")
    ranges = {f"r{i}": span for i, span in enumerate(
        [span for w in compstat.compstat_windows(date(2024, 12, 31)) for span in w.spans]
        + [span for w in compstat.compstat_windows(date(2024, 2, 29)) for span in w.spans]
        + [(date(2023, 1, 15), date(2024, 3, 10))])}
    fast = compstat.count_by(con, ranges, dims, flt, use_aggregates=True)
    assert compstat.aggregates_fresh(con)
    slow = compstat.count_by(con, ranges, dims, flt, use_aggregates=False)
    key = list(dims) or list(ranges)
    pd.testing.assert_frame_equal(fast.sort_values(key).reset_index(drop=True),
                                  slow.sort_values(key).reset_index(drop=True))
    assert int(slow["r12"].sum()) > 0  # the long range counts something, so the comparison is not empty


def test_migration_090_forgets_a_state_its_new_tables_do_not_match(tmp_path):
    from analytics import db

    path = tmp_path / "old.duckdb"
    first = db.connect(path)
    Rows(first).add("KZ", "2024-01-20", "livestock_theft")
    compstat.refresh_aggregates(first)
    assert compstat.aggregates_fresh(first)
    # as a database built before 090: the new tables empty, the state still recorded
    first.execute("DELETE FROM incidents_daily; DELETE FROM incidents_monthly_coarse; "
                  "DELETE FROM schema_migrations WHERE version = 90")
    first.close()
    again = db.connect(path)
    assert not compstat.aggregates_fresh(again)
    assert compstat.count_by(again, {"jan": (date(2024, 1, 1), date(2024, 1, 31))})["jan"].tolist() == [1]
    again.close()


def test_database_file_is_read_once_per_connection_and_right(tmp_path):
    from analytics import db

    first, second = db.connect(tmp_path / "a.duckdb"), db.connect(tmp_path / "b.duckdb")
    assert compstat.database_file(first) == str(tmp_path / "a.duckdb")
    assert compstat.database_file(second) == str(tmp_path / "b.duckdb")  # each connection its own file
    assert compstat.database_file(first.cursor()) == str(tmp_path / "a.duckdb")
    assert compstat.database_file(db.connect(":memory:")) is None
    assert compstat._DATABASE_FILES[first] == str(tmp_path / "a.duckdb")  # remembered for the connection
    first.close()
    second.close()
