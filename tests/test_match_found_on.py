"""``matches.found_on`` (migration 100): the matched record's date, kept right by every writer.

The bulletin lifecycle reads the first find of a bulletin from its confirmed matches alone, so the date on the
pair must follow the record: set when proposed, moved when a load replaces the incident version, restored or
cleared by an undo, cleared by a full pass when the record was removed some other way.
"""

from __future__ import annotations

from datetime import date

import pytest

from analytics.bulletins import bulletin_kpis, decide_match, propose_matches
from analytics.config import MIGRATIONS_DIR
from analytics.ingest import load_file, undo_upload
from tests.ingest.conftest import kz_file, kz_row
from tests.test_bulletins import insert_bulletins

TODAY = date(2024, 12, 31)
PHONE = dict(bulletin_no="ЧУЙ-2024-100", sent_on=date(2024, 1, 2), initiator_side="KG", object_kind="phone",
             imei_raw="356938035643809", status="wanted")
FABULA = "Изъят телефон IMEI 35693803564380 у гр. Б."


def _found_on(con, bulletin_no: str):
    return con.execute("SELECT ref_id, found_on FROM matches WHERE bulletin_no = ? ORDER BY ref_id",
                       [bulletin_no]).fetchall()


def _phone_kpi(con):
    kpis = bulletin_kpis(con, TODAY)
    row = kpis[(kpis["direction"] == "KG→KZ") & (kpis["object_kind"] == "phone")].iloc[0]
    return int(row.found), int(row.open), row.median_days


def _load_kz(con, write, name: str, registered: str) -> int:
    path = write(name, kz_file([kz_row(number="241131031000777", registered=registered, summary=FABULA)]),
                 "cp1251")
    result = load_file(con, path, today=TODAY)
    assert result.upload_id is not None
    return result.upload_id


@pytest.fixture
def write(tmp_path):
    def _write(name: str, text: str, encoding: str = "utf-8"):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return _write


def test_incident_date_follows_replacement_and_undo(con, write):
    insert_bulletins(con, [PHONE])
    first = _load_kz(con, write, "v1.csv", "05.01.2024")
    assert _found_on(con, "ЧУЙ-2024-100") == [("KZ:241131031000777", date(2024, 1, 5))]
    decide_match(con, "ЧУЙ-2024-100", "incident", "KZ:241131031000777", "confirmed", "analyst")
    assert _phone_kpi(con) == (1, 0, 3.0)

    second = _load_kz(con, write, "v2.csv", "07.01.2024")   # the same number, registered two days later
    assert _found_on(con, "ЧУЙ-2024-100") == [("KZ:241131031000777", date(2024, 1, 7))]
    assert _phone_kpi(con) == (1, 0, 5.0)

    undo_upload(con, second, "admin")                        # the first version comes back, and its date
    assert _found_on(con, "ЧУЙ-2024-100") == [("KZ:241131031000777", date(2024, 1, 5))]
    assert _phone_kpi(con) == (1, 0, 3.0)

    undo_upload(con, first, "admin")                         # the incident is gone: the decision stays, undated
    assert _found_on(con, "ЧУЙ-2024-100") == [("KZ:241131031000777", None)]
    found, still_open, _ = _phone_kpi(con)
    assert (found, still_open) == (0, 1)


def test_undone_finds_clear_the_date_of_decided_pairs(con, samples):
    load_file(con, samples / "bulletins_2024-01.csv", today=TODAY)
    finds = load_file(con, samples / "finds_2024-01.csv", today=TODAY)
    pair = con.execute("SELECT ref_id, found_on FROM matches WHERE bulletin_no = 'ЧУЙ-2024-015'").fetchone()
    assert pair[1] == date(2024, 1, 21)                      # the find of the VIN, 21.01.2024
    decide_match(con, "ЧУЙ-2024-015", "find", pair[0], "confirmed", "analyst")
    car = bulletin_kpis(con, TODAY)
    assert car[(car["direction"] == "KG→KZ") & (car["object_kind"] == "vehicle")].iloc[0].found == 1

    assert finds.upload_id is not None
    undo_upload(con, finds.upload_id, "admin")
    assert _found_on(con, "ЧУЙ-2024-015") == [(pair[0], None)]
    car = bulletin_kpis(con, TODAY)
    assert car[(car["direction"] == "KG→KZ") & (car["object_kind"] == "vehicle")].iloc[0].found == 0


def test_full_pass_clears_dates_of_records_removed_without_an_undo(con, samples):
    load_file(con, samples / "bulletins_2024-01.csv", today=TODAY)
    load_file(con, samples / "finds_2024-01.csv", today=TODAY)
    ref_id = con.execute("SELECT ref_id FROM matches WHERE bulletin_no = 'ЧУЙ-2024-015'").fetchone()[0]
    decide_match(con, "ЧУЙ-2024-015", "find", ref_id, "confirmed", "analyst")
    con.execute("DELETE FROM finds WHERE find_id = ?", [ref_id])
    assert propose_matches(con) == 0
    assert _found_on(con, "ЧУЙ-2024-015") == [(ref_id, None)]


def test_migration_dates_pairs_made_before_it(con, samples):
    load_file(con, samples / "bulletins_2024-01.csv", today=TODAY)
    load_file(con, samples / "finds_2024-01.csv", today=TODAY)
    dated = con.execute("SELECT bulletin_no, ref_id, found_on FROM matches ORDER BY 1, 2").fetchall()
    assert len(dated) == 3 and all(row[2] is not None for row in dated)
    con.execute("UPDATE matches SET found_on = NULL")        # as the rows were before migration 100
    con.execute((MIGRATIONS_DIR / "100_match_found_on.sql").read_text(encoding="utf-8"))
    assert con.execute("SELECT bulletin_no, ref_id, found_on FROM matches ORDER BY 1, 2").fetchall() == dated
