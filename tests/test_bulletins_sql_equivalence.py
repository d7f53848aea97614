"""The lifecycle SQL (bulletins alone, with first_found_on kept by the writers) gives exactly the frames of the
previous SQL, which joined the confirmed matches to the finds and incidents on every call.

The previous queries are kept here verbatim as the reference; both run on the KPI fixture of test_bulletins
at several dates, periods and limits (ties of sent_on included).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd
import pytest

from analytics import bulletins
from tests.test_bulletins import insert_bulletins, insert_finds, kpi_con  # noqa: F401 — the fixture

OLD_STATE = """-- Per-bulletin lifecycle state as of $as_of (a CTE prefix: the query that follows selects FROM state).
-- found_on: the first confirmed find (or fabula) of the bulletin, or closed_on of a found/returned bulletin,
-- whichever is earlier; a found/returned bulletin without closed_on counts as found with an unknown date.
-- Inner joins from the (few) confirmed matches: with none, the finds and incidents are not read at all. A confirmed
-- match whose record is gone gives no date, as before (min over nothing).
WITH confirmed AS (
    SELECT bulletin_no, ref_kind, ref_id FROM matches WHERE status = 'confirmed'
),
first_find AS (
    SELECT bulletin_no, min(found_on) AS first_found_on
    FROM (
        SELECT c.bulletin_no, f.found_at::DATE AS found_on
        FROM confirmed c JOIN finds f ON c.ref_kind = 'find' AND f.find_id = c.ref_id
        UNION ALL
        -- ref_id is 'side:source_id': split it rather than build the key of every incident
        SELECT c.bulletin_no, i.registered_on
        FROM confirmed c JOIN incidents i ON c.ref_kind = 'incident' AND i.side = split_part(c.ref_id, ':', 1)
            AND i.source_id = substr(c.ref_id, strpos(c.ref_id, ':') + 1)
    )
    GROUP BY bulletin_no
),
dated AS (
    SELECT b.*,
           CASE b.initiator_side WHEN 'KZ' THEN 'KZ→KG' WHEN 'KG' THEN 'KG→KZ' ELSE b.initiator_side END AS direction,
           least(
               CASE WHEN ff.first_found_on <= $as_of::DATE THEN ff.first_found_on END,
               CASE WHEN b.status IN ('found', 'returned') AND b.closed_on <= $as_of::DATE THEN b.closed_on END
           ) AS found_on,
           b.status IN ('found', 'returned') AND (b.closed_on IS NULL OR b.closed_on <= $as_of::DATE) AS closed_found
    FROM bulletins b
    LEFT JOIN first_find ff USING (bulletin_no)
    WHERE b.sent_on <= $as_of::DATE
),
flagged AS (
    SELECT *,
           found_on IS NOT NULL OR closed_found AS is_found,
           status = 'returned' AND (closed_on IS NULL OR closed_on <= $as_of::DATE) AS is_returned
    FROM dated
),
state AS (
    SELECT *,
           NOT is_found AND status = 'withdrawn' AND (closed_on IS NULL OR closed_on <= $as_of::DATE) AS is_withdrawn,
           NOT is_found AND NOT (status = 'withdrawn' AND (closed_on IS NULL OR closed_on <= $as_of::DATE)) AS is_open,
           -- a find made in the grace days before the bulletin was sent took 0 days, not a negative number
           CASE WHEN found_on IS NOT NULL THEN greatest(0, found_on - sent_on) END AS days_to_find,
           $as_of::DATE - sent_on AS age_days
    FROM flagged
)
"""
OLD_KPIS = """-- Lifecycle KPIs per direction and object kind (object_kind 'all' = every kind of the direction), for the
-- bulletins SENT in [$start, $end] (cohort by the month sent when $monthly). Appended to state.sql.
SELECT direction,
       CASE WHEN grouping(object_kind) = 1 THEN 'all' ELSE object_kind END AS object_kind,
       month,
       count(*) AS sent,
       count(*) FILTER (WHERE is_found) AS found,
       count(*) FILTER (WHERE is_returned) AS returned,
       count(*) FILTER (WHERE is_withdrawn) AS withdrawn,
       count(*) FILTER (WHERE is_open) AS open,
       count(*) FILTER (WHERE is_found) / count(*) AS resolution_rate,
       quantile_cont(days_to_find, 0.5) AS median_days,
       quantile_cont(days_to_find, 0.9) AS p90_days
FROM (
    SELECT *, CASE WHEN $monthly THEN date_trunc('month', sent_on)::DATE END AS month
    FROM state
    WHERE ($start::DATE IS NULL OR sent_on >= $start::DATE) AND ($end::DATE IS NULL OR sent_on <= $end::DATE)
)
GROUP BY GROUPING SETS ((direction, object_kind, month), (direction, month))
ORDER BY direction DESC, month NULLS FIRST, grouping(object_kind) DESC, object_kind
"""
OLD_OPEN = """-- Bulletins still open as of $as_of with their age and ageing bucket, oldest first ($limit NULL = all).
-- Appended to state.sql. The oldest are picked on the key columns first; only those rows fetch their details.
, oldest AS (
    SELECT bulletin_no, direction, age_days FROM state WHERE is_open
    ORDER BY age_days DESC, bulletin_no
    LIMIT $limit::BIGINT
)
SELECT o.bulletin_no, o.direction, b.initiator_side, b.object_kind, b.sent_on, b.unit, b.make_model,
       coalesce(b.plate_raw, b.vin_raw, b.imei_raw, b.serial_raw, b.tag_raw) AS identifier,
       o.age_days,
       CASE WHEN o.age_days <= 30 THEN '0-30' WHEN o.age_days <= 90 THEN '31-90'
            WHEN o.age_days <= 365 THEN '91-365' ELSE '>365' END AS age_bucket
FROM oldest o JOIN bulletins b USING (bulletin_no)
ORDER BY o.age_days DESC, o.bulletin_no
"""
OLD_AGEING = """-- Open bulletins as of $as_of counted per direction and ageing bucket: every bucket of each direction that has
-- open bulletins (0 where none), directions KZ→KG, KG→KZ first. Appended to state.sql.
, counts AS (
    SELECT direction,
           CASE WHEN age_days <= 30 THEN '0-30' WHEN age_days <= 90 THEN '31-90'
                WHEN age_days <= 365 THEN '91-365' ELSE '>365' END AS age_bucket,
           count(*) AS open
    FROM state
    WHERE is_open
    GROUP BY ALL
)
SELECT d.direction, b.age_bucket, coalesce(c.open, 0)::BIGINT AS open
FROM (SELECT DISTINCT direction FROM counts) d
CROSS JOIN (VALUES ('0-30', 1), ('31-90', 2), ('91-365', 3), ('>365', 4)) b(age_bucket, position)
LEFT JOIN counts c ON c.direction = d.direction AND c.age_bucket = b.age_bucket
ORDER BY CASE d.direction WHEN 'KZ→KG' THEN 0 WHEN 'KG→KZ' THEN 1 ELSE 2 END, d.direction, b.position
"""

DATES = [date(2024, 1, 5), date(2024, 2, 4), date(2024, 2, 5), date(2024, 3, 15), date(2024, 6, 12),
         date(2024, 6, 17), date(2024, 12, 31), date(2025, 6, 1)]


def _old(con, sql, params):
    return con.execute(OLD_STATE + sql, params).df()


@pytest.mark.parametrize("as_of", DATES)
@pytest.mark.parametrize("monthly", [False, True])
@pytest.mark.parametrize("period", [(None, None), (date(2024, 2, 1), None), (date(2024, 1, 1), date(2024, 6, 10))])
def test_kpis_same_as_previous_sql(kpi_con, as_of, monthly, period):  # noqa: F811
    start, end = period
    new = bulletins.bulletin_kpis(kpi_con, as_of, start=start, end=end, monthly=monthly)
    old = _old(kpi_con, OLD_KPIS, {"as_of": as_of, "start": start, "end": end, "monthly": monthly})[
        bulletins.KPI_COLUMNS]
    pd.testing.assert_frame_equal(new, old)


@pytest.mark.parametrize("as_of", DATES)
@pytest.mark.parametrize("limit", [None, 1, 2, 3, 4, 200])
def test_open_list_same_as_previous_sql(kpi_con, as_of, limit):  # noqa: F811
    new = bulletins.open_bulletins(kpi_con, as_of, limit=limit)
    old = _old(kpi_con, OLD_OPEN, {"as_of": as_of, "limit": limit})
    pd.testing.assert_frame_equal(new, old)


@pytest.mark.parametrize("as_of", DATES)
def test_ageing_same_as_previous_sql(kpi_con, as_of):  # noqa: F811
    new = bulletins.ageing_counts(kpi_con, as_of)
    old = _old(kpi_con, OLD_AGEING, {"as_of": as_of})
    if old.empty:
        assert new.empty
        return
    old = old.astype({"direction": "string", "age_bucket": "string", "open": "int64"})
    pd.testing.assert_frame_equal(new, old)


# ---- without confirmed matches, and on many groups with and without confirmed finds

@pytest.fixture
def undecided_con(kpi_con):  # noqa: F811
    """The KPI fixture with its confirmed matches turned back into proposals: no bulletin is found by a find."""
    kpi_con.execute("UPDATE matches SET status = 'proposed', decided_by = NULL, decided_at = NULL")
    bulletins.refresh_first_found(kpi_con)  # what decide_match does after every decision
    return kpi_con


@pytest.mark.parametrize("as_of", DATES)
@pytest.mark.parametrize("monthly", [False, True])
@pytest.mark.parametrize("period", [(None, None), (date(2024, 2, 1), None), (date(2024, 1, 1), date(2024, 6, 10))])
def test_kpis_without_confirmed_matches_same_as_previous_sql(undecided_con, as_of, monthly, period):
    start, end = period
    new = bulletins.bulletin_kpis(undecided_con, as_of, start=start, end=end, monthly=monthly)
    old = _old(undecided_con, OLD_KPIS, {"as_of": as_of, "start": start, "end": end, "monthly": monthly})
    pd.testing.assert_frame_equal(new, old[bulletins.KPI_COLUMNS])


@pytest.mark.parametrize("as_of", DATES)
@pytest.mark.parametrize("limit", [None, 1, 2, 3, 4, 200])
def test_open_list_without_confirmed_matches_same_as_previous_sql(undecided_con, as_of, limit):
    new = bulletins.open_bulletins(undecided_con, as_of, limit=limit)
    pd.testing.assert_frame_equal(new, _old(undecided_con, OLD_OPEN, {"as_of": as_of, "limit": limit}))


@pytest.mark.parametrize("as_of", DATES)
def test_ageing_without_confirmed_matches_same_as_previous_sql(undecided_con, as_of):
    new = bulletins.ageing_counts(undecided_con, as_of)
    old = _old(undecided_con, OLD_AGEING, {"as_of": as_of})
    if old.empty:
        assert new.empty
        return
    pd.testing.assert_frame_equal(new, old.astype({"direction": "string", "age_bucket": "string", "open": "int64"}))


def test_kpis_exact_without_confirmed_matches(undecided_con):
    # B3 and C2 are no longer found through their finds: B3 is open, C2 counts from its closing date (7 days)
    kpis = bulletins.bulletin_kpis(undecided_con, date(2024, 12, 31))
    car = kpis[(kpis["direction"] == "KZ→KG") & (kpis["object_kind"] == "vehicle")].iloc[0]
    assert (car.sent, car.found, car.returned, car.withdrawn, car.open) == (6, 3, 1, 1, 2)
    assert car.median_days == 20.0                       # days 10, 20, 30
    phone = kpis[(kpis["direction"] == "KG→KZ") & (kpis["object_kind"] == "phone")].iloc[0]
    assert (phone.sent, phone.found, phone.open) == (3, 2, 1)
    assert phone.median_days == 7.0


@pytest.fixture
def many_con(con):
    """400 bulletins of every status, kind and side (an unknown side too), closed before and after the dates
    below or without a closing date; a quarter of them with one to three confirmed finds (some made before the
    bulletin was sent, some after the dates): the KPI path's Python quantiles and 'all' rows meet many groups."""
    rng = random.Random(10)
    rows, finds, matches = [], [], []
    for n in range(400):
        sent = date(2023, 1, 1) + timedelta(days=rng.randrange(730))
        status = rng.choice(["wanted", "found", "returned", "withdrawn"])
        closed = None if status == "wanted" or rng.random() < 0.15 else sent + timedelta(days=rng.randrange(-5, 400))
        rows.append(dict(bulletin_no=f"R{n:04d}", sent_on=sent, initiator_side=rng.choice(["KZ", "KG", "KZ", "XX"]),
                         object_kind=rng.choice(bulletins.OBJECT_KINDS), status=status, closed_on=closed))
        for k in range(rng.choice([0, 0, 0, 1, 2, 3])):
            found = sent + timedelta(days=rng.randrange(-3, 500))
            finds.append(dict(find_id=f"F{n:04d}-{k}", found_at=datetime.combine(found, datetime.min.time()),
                              side="KG"))
            matches.append((f"R{n:04d}", f"F{n:04d}-{k}", found, rng.choice(["confirmed", "confirmed", "rejected"])))
    insert_bulletins(con, rows)
    insert_finds(con, finds)
    con.executemany("INSERT INTO matches (bulletin_no, ref_kind, ref_id, match_key, method, status, found_on) "
                    "VALUES (?, 'find', ?, 'vin', 'exact-normalised', ?, ?)",
                    [(b, f, status, day) for b, f, day, status in matches])
    bulletins.refresh_first_found(con)
    return con


@pytest.mark.parametrize("as_of", [date(2023, 6, 30), date(2024, 3, 1), date(2025, 6, 1)])
@pytest.mark.parametrize("monthly", [False, True])
@pytest.mark.parametrize("period", [(None, None), (date(2023, 9, 1), date(2024, 8, 31))])
def test_kpis_bit_identical_on_many_groups(many_con, as_of, monthly, period):
    start, end = period
    params = {"as_of": as_of, "start": start, "end": end, "monthly": monthly}
    new = bulletins.bulletin_kpis(many_con, as_of, start=start, end=end, monthly=monthly)
    old = _old(many_con, OLD_KPIS, params)[bulletins.KPI_COLUMNS]
    assert new.empty or new["median_days"].notna().sum() > 3
    pd.testing.assert_frame_equal(new, old, check_exact=True)


@pytest.mark.parametrize("as_of", [date(2023, 6, 30), date(2025, 6, 1)])
def test_ageing_and_open_list_on_many_groups(many_con, as_of):
    new = bulletins.ageing_counts(many_con, as_of)
    old = _old(many_con, OLD_AGEING, {"as_of": as_of})
    pd.testing.assert_frame_equal(new, old.astype({"direction": "string", "age_bucket": "string", "open": "int64"}))
    for limit in (None, 7, 50):
        pd.testing.assert_frame_equal(bulletins.open_bulletins(many_con, as_of, limit=limit),
                                      _old(many_con, OLD_OPEN, {"as_of": as_of, "limit": limit}))


def test_first_found_is_the_earliest_confirmed_find(many_con):
    mismatched = many_con.execute(
        "SELECT count(*) FROM bulletins b LEFT JOIN (SELECT bulletin_no, min(found_on) AS first FROM matches "
        "WHERE status = 'confirmed' GROUP BY ALL) m USING (bulletin_no) WHERE b.first_found_on IS DISTINCT FROM m.first"
    ).fetchone()
    assert mismatched == (0,)
    assert many_con.execute("SELECT count(*) FROM bulletins WHERE first_found_on IS NOT NULL").fetchone()[0] > 50


def test_python_quantile_is_duckdbs_to_the_last_bit():
    rng = random.Random(3)
    con = duckdb.connect()
    for _ in range(300):
        values = [rng.randrange(0, 1500) for _ in range(rng.randrange(1, 60))]
        for q in (0.5, 0.9):
            expected = con.execute("SELECT quantile_cont(x, ?) FROM unnest(?::INTEGER[]) t(x)", [q, values]).fetchone()
            assert bulletins._quantile_cont(values, q) == expected[0]
    assert pd.isna(bulletins._quantile_cont([], 0.5))
