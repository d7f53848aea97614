"""Messy variants of the samples (tests/data/messy): exact counts, categories, places, warnings."""

from __future__ import annotations

from datetime import date, datetime

from analytics.ingest import load_file
from tests.data.messy import make_messy
from tests.ingest.conftest import MESSY, column, one
from tests.ingest.test_samples import KG_CATEGORIES, KZ_CATEGORIES


def test_fixtures_match_builder():
    for name, build in make_messy.BUILDERS.items():
        assert (MESSY / name).read_bytes() == build(), f"{name}: run tests/data/messy/make_messy.py"


def test_kazakh_headers_utf8_bom(con):
    result = load_file(con, MESSY / "kz_kazakh_headers_utf8bom.csv")
    assert (result.rows_read, result.accepted, result.rejected, result.duplicates, result.updated) == (13, 9, 3, 1, 0)
    assert result.warnings_by_reason == {"coordinates_zero": 1, "coordinates_swapped": 1, "unknown_category": 1,
                                         "unknown_district": 1}
    got = {r[0]: (r[1], r[2]) for r in con.execute("SELECT source_id, category, district FROM incidents").fetchall()}
    assert got == {**KZ_CATEGORIES, "241131031000522": ("other", None)}
    assert con.execute("SELECT line_no, reason FROM rejects ORDER BY line_no").fetchall() == [
        (11, "bad_date"), (12, "future_date"), (13, "missing_number")]
    row = con.execute("SELECT registered_on, occurred_at, damage, online, minor_involved, foreign_national, "
                      "extra->>'Тергеуші' FROM incidents WHERE source_id = '241131031000412'").fetchone()
    assert row == (date(2024, 1, 3), datetime(2024, 1, 2, 23, 40), 1450000.0, False, False, True, "Ахметов")
    assert one(con, "SELECT damage FROM incidents WHERE source_id = '241131031000437'") == 185000.0
    assert con.execute("SELECT online, minor_involved, foreign_national FROM incidents "
                       "WHERE source_id = '241131031000468'").fetchone() == (True, False, True)
    assert con.execute("SELECT online, minor_involved FROM incidents "
                       "WHERE source_id = '241131031000489'").fetchone() == (None, None)
    assert con.execute("SELECT lat, lon, geo_flag FROM incidents WHERE source_id = '241131031000468'").fetchone() == \
        (42.8731, 73.1802, "swapped")


def test_kyrgyz_english_headers_cp1251(con):
    result = load_file(con, MESSY / "kg_english_cp1251.csv")
    assert (result.kind, result.encoding, result.accepted, result.rejected, result.warnings) == \
        ("kg_incidents", "cp1251", 10, 0, 0)
    got = {r[0]: r[1:] for r in con.execute("SELECT source_id, category, oblast, district FROM incidents").fetchall()}
    assert got == {**KG_CATEGORIES,
                   "07-2024-000040": ("phone_theft", "TAL", "TALAS_KG"),   # «Кража» + «смартфон» in the fabula
                   "02-2024-000190": ("other_theft", "CHU", "ALAMUDUN"),
                   "02-2024-000191": ("illegal_border_crossing", "CHU", "CHUY_D")}
    assert con.execute("SELECT foreign_national, status, damage FROM incidents "
                       "WHERE source_id = '02-2024-000118'").fetchone() == (True, "in_progress", 210000.0)
    assert one(con, "SELECT count(*) FROM incidents WHERE geo_ok") == 6


def test_utf16_tab_iso_dates_numeric_flags(con):
    result = load_file(con, MESSY / "kz_utf16le_tab.csv")
    assert (result.encoding, result.delimiter, result.accepted) == ("utf-16", "\t", 8)
    got = {r[0]: (r[1], r[2]) for r in con.execute("SELECT source_id, category, district FROM incidents").fetchall()}
    assert got == KZ_CATEGORIES
    assert con.execute("SELECT online, minor_involved FROM incidents WHERE source_id = '241131031000489'"
                       ).fetchone() == (True, True)


def test_utf16_be(con):
    result = load_file(con, MESSY / "kg_utf16be.csv")
    assert (result.encoding, result.accepted) == ("utf-16", 7)
    assert {r[0]: r[1:] for r in con.execute("SELECT source_id, category, oblast, district FROM incidents"
                                             ).fetchall()} == KG_CATEGORIES


def test_title_rows_pipe_and_short_header_spellings(con):
    result = load_file(con, MESSY / "kz_titled_pipe_cp1251.csv")
    assert (result.accepted, result.rejected) == (2, 1)
    assert con.execute("SELECT line_no, reason FROM rejects").fetchall() == [(7, "missing_date")]
    assert con.execute("SELECT source_id, category, district, online, minor_involved, foreign_national, damage "
                       "FROM incidents ORDER BY 1").fetchall() == [
        ("241131031000601", "phone_theft", "BAIZAK", True, True, None, 95000.0),
        ("241131031000602", "other_theft", "ZHUALY", False, None, True, 20000.0)]


def test_canonical_layout_both_sides(con):
    result = load_file(con, MESSY / "incidents_canonical.csv")
    assert (result.kind, result.side, result.accepted, result.rejected) == ("incidents", None, 3, 1)
    assert con.execute("SELECT side, source_id, category, oblast, district, status, foreign_national "
                       "FROM incidents ORDER BY registered_on").fetchall() == [
        ("KZ", "241131031000701", "livestock_theft", "ZHA", "KORDAI", "in_progress", True),
        ("KG", "02-2024-000701", "drugs", "CHU", "TOKMOK", "to_court", False),
        ("KG", "07-2024-000701", "livestock_theft", "TAL", "TALAS_KG", "terminated", None)]
    assert column(con, "SELECT reason FROM rejects") == ["missing_side"]
    # the same bytes again: nothing added, whatever the options
    again = load_file(con, MESSY / "incidents_canonical.csv", side="KG", file_name="again.csv")
    assert again.already_loaded and one(con, "SELECT count(*) FROM incidents") == 3


def test_canonical_layout_side_fallback(con, tmp_path):
    copy = tmp_path / "canonical.csv"
    copy.write_bytes((MESSY / "incidents_canonical.csv").read_bytes())
    result = load_file(con, copy, side="KG")
    assert (result.accepted, result.rejected) == (4, 0)
    assert one(con, "SELECT side FROM incidents WHERE source_id = '09-2024-000701'") == "KG"


def test_lookalike_identifiers_agree_between_bulletins_and_finds(con):
    bulletins = load_file(con, MESSY / "bulletins_lookalike.csv")
    finds = load_file(con, MESSY / "finds_lookalike.csv")
    assert (bulletins.accepted, bulletins.rejected, finds.accepted, finds.duplicates) == (3, 1, 3, 1)
    assert con.execute("SELECT bulletin_no, initiator_side, status FROM bulletins ORDER BY 1").fetchall() == [
        ("ЖО-2024-0101", "KZ", "wanted"), ("ЖО-2024-0102", "KZ", "found"), ("ЧУЙ-2024-0103", "KG", "withdrawn")]
    # the same object typed differently on each side gets one key
    for key in ("plate_norm", "vin_norm", "imei_norm", "tag_norm"):
        both = one(con, f"SELECT count(*) FROM bulletins b JOIN finds f USING ({key})")
        assert both == 1, key
    assert con.execute("SELECT side, found_at FROM finds ORDER BY found_at").fetchall()[:2] == [
        ("KG", datetime(2024, 2, 10, 8, 30)), ("KG", datetime(2024, 2, 11))]
