"""Parsing on tiny inline files: date styles, numbers, flags, coordinates — exact stored values."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from analytics.ingest import load_file
from tests.ingest.conftest import KZ_HEADER, column, kz_file, kz_row, one

TODAY = date(2025, 6, 30)


def load_kz(con, write, rows: list[str], header: str = KZ_HEADER, encoding: str = "utf-8"):
    return load_file(con, write("kz.csv", kz_file(rows, header), encoding), today=TODAY)


@pytest.mark.parametrize(("registered", "occurred", "expected_reg", "expected_occ"), [
    ("03.01.2024", "02.01.2024 23:40", date(2024, 1, 3), datetime(2024, 1, 2, 23, 40)),
    ("2024-01-03", "2024-01-02", date(2024, 1, 3), datetime(2024, 1, 2)),
    ("03.01.24", "02.01.24 23:40", date(2024, 1, 3), datetime(2024, 1, 2, 23, 40)),
    ("3.1.2024", "", date(2024, 1, 3), None),
    ("2024-01-03 10:15", "2024-01-02 23:40:05", date(2024, 1, 3), datetime(2024, 1, 2, 23, 40, 5)),
    ("03/01/2024", "29.02.2024", date(2024, 1, 3), datetime(2024, 2, 29)),
])
def test_date_styles(con, write, registered, occurred, expected_reg, expected_occ):
    result = load_kz(con, write, [kz_row(registered=registered, occurred=occurred)])
    assert (result.accepted, result.rejected) == (1, 0)
    assert con.execute("SELECT registered_on, occurred_at FROM incidents").fetchone() == (expected_reg, expected_occ)


def test_impossible_dates_are_never_coerced(con, write):
    result = load_kz(con, write, [
        kz_row("1", registered="31.02.2024"),                       # rejected: no such day
        kz_row("2", registered="03.01.2024", occurred="31.02.2024"),  # accepted, occurred unknown + warning
        kz_row("3", registered="30.02.24"),
    ])
    assert (result.accepted, result.rejected) == (1, 2)
    assert one(con, "SELECT occurred_at FROM incidents WHERE source_id = '2'") is None
    assert result.warnings_by_reason == {"bad_date": 1}
    assert column(con, "SELECT reason FROM rejects ORDER BY line_no") == ["bad_date", "bad_date"]


def test_future_missing_and_unparseable_dates_reject(con, write):
    result = load_kz(con, write, [
        kz_row("1", registered="01.07.2025"),   # the day after TODAY
        kz_row("2", registered="30.06.2025"),   # TODAY itself is fine
        kz_row("3", registered=""),
        kz_row("4", registered="вчера"),
        kz_row("", registered="01.01.2024"),
    ])
    assert (result.rows_read, result.accepted, result.rejected) == (5, 1, 4)
    assert column(con, "SELECT line_no || ':' || reason FROM rejects ORDER BY line_no") == [
        "2:future_date", "4:missing_date", "5:bad_date", "6:missing_number"]


def test_separate_time_column(con, write):
    header = "Рег. № ЕРП,Дата регистрации,Дата происшествия,Время,Наименование,Область"
    path = write("kg.csv", "\r\n".join([
        header, "02-1,2024-01-02,2024-01-01,22:10,Кража,Чуйская", "02-2,2024-01-02,,22:10,Кража,Чуйская",
        "02-3,2024-01-02,2024-01-01,25:99,Кража,Чуйская"]) + "\r\n")
    result = load_file(con, path, today=TODAY)
    assert result.accepted == 3
    assert column(con, "SELECT occurred_at FROM incidents ORDER BY source_id") == [
        datetime(2024, 1, 1, 22, 10), None, datetime(2024, 1, 1)]
    assert result.warnings_by_reason == {"bad_time": 1}


@pytest.mark.parametrize(("damage", "expected"), [
    ("1450000", 1450000.0),
    ("1 450 000", 1450000.0),
    ("1\u00a0450\u00a0000", 1450000.0),
    ("1\u202f450\u202f000", 1450000.0),
    ("1840,5", 1840.5),
    ("1 840,5", 1840.5),
    ("1.450.000,50", 1450000.5),
    ("1,450,000", 1450000.0),
    ("'1500", 1500.0),
    ("", None),
])
def test_numbers(con, write, damage, expected):
    load_kz(con, write, [kz_row(damage=damage)])
    assert one(con, "SELECT damage FROM incidents") == expected


def test_unparseable_numbers_are_warnings_not_zero(con, write):
    result = load_kz(con, write, [kz_row("1", damage="много"), kz_row("2", damage="inf"), kz_row("3", damage="nan")])
    assert result.accepted == 3
    assert column(con, "SELECT damage FROM incidents") == [None, None, None]
    assert result.warnings_by_reason == {"bad_number": 3}


@pytest.mark.parametrize(("spelling", "expected"), [
    ("да", True), ("нет", False), ("Да", True), ("НЕТ", False), ("иә", True), ("жоқ", False), ("ооба", True),
    ("жок", False), ("1", True), ("0", False), ("yes", True), ("no", False), ("+", True), ("", None),
])
def test_flag_spellings(con, write, spelling, expected):
    load_kz(con, write, [kz_row(online=spelling)])
    assert one(con, "SELECT online FROM incidents") is expected


def test_unknown_flag_is_null_with_a_warning(con, write):
    result = load_kz(con, write, [kz_row(online="возможно")])
    assert one(con, "SELECT online FROM incidents") is None
    assert result.warnings_by_reason == {"bad_flag": 1}


def test_coordinates_decimal_comma_zero_swapped_outside(con, write):
    result = load_kz(con, write, [
        kz_row("1", lat="43,0512", lon="75,1873"),
        kz_row("2", lat="0", lon="0"),
        kz_row("3", lat="73,1802", lon="42,8731"),
        kz_row("4", lat="51,1605", lon="71,4704"),
        kz_row("5", lat="", lon=""),
        kz_row("6", lat="север", lon="юг"),
    ])
    assert result.accepted == 6
    rows = con.execute("SELECT source_id, lat, lon, geo_ok, geo_flag, h3_r7 > 0 FROM incidents "
                       "ORDER BY source_id").fetchall()
    assert rows == [
        ("1", 43.0512, 75.1873, True, None, True),
        ("2", 0.0, 0.0, False, "zero", False),
        ("3", 42.8731, 73.1802, True, "swapped", True),
        ("4", 51.1605, 71.4704, False, "outside", False),
        ("5", None, None, False, "missing", False),
        ("6", None, None, False, "missing", False),
    ]
    assert result.warnings_by_reason == {"coordinates_zero": 1, "coordinates_swapped": 1,
                                         "coordinates_outside": 1, "bad_coordinates": 1}


def test_single_lat_lon_column(con, write):
    header = "Рег. № ЕРП,Дата регистрации,Наименование,Область,Координаты"
    path = write("kg.csv", "\r\n".join([header, '1,2024-01-02,Кража,Чуйская,"42.8417, 75.2912"',
                                        '2,2024-01-02,Кража,Чуйская,"42,8417, 75,2912"',
                                        '3,2024-01-02,Кража,Чуйская,42.8417 75.2912']) + "\r\n")
    load_file(con, path, today=TODAY)
    assert one(con, "SELECT count(*) FROM incidents WHERE lat = 42.8417 AND lon = 75.2912 AND geo_ok") == 3


def test_unknown_extra_columns_are_kept(con, write):
    load_kz(con, write, [kz_row() + ";Иванов;"], KZ_HEADER + ";Следователь;Комментарий")
    assert one(con, "SELECT extra->>'Следователь' FROM incidents") == "Иванов"
    assert one(con, "SELECT json_keys(extra) FROM incidents") == ["Следователь", "Комментарий"]


def test_status_is_normalised_and_raw_kept(con, write):
    load_kz(con, write, [kz_row("1", status="В производстве"), kz_row("2", status="направлено в суд"),
                         kz_row("3", status="прекращено"), kz_row("4", status="приостановлено"),
                         kz_row("5", status="передано по подследственности"), kz_row("6", status="")])
    assert con.execute("SELECT source_id, status, status_raw FROM incidents ORDER BY source_id").fetchall() == [
        ("1", "in_progress", "В производстве"), ("2", "to_court", "направлено в суд"),
        ("3", "terminated", "прекращено"), ("4", "suspended", "приостановлено"),
        ("5", "other", "передано по подследственности"), ("6", None, None)]


def test_districts_to_reference_keys(con, write):
    result = load_kz(con, write, [kz_row("1", district="Кордайский район"), kz_row("2", district="Қордай ауданы"),
                                  kz_row("3", district="г.Тараз"), kz_row("4", district="Таласский район"),
                                  kz_row("5", district="Меркенский р-н"), kz_row("6", district="Луна")])
    assert con.execute("SELECT source_id, oblast, district, district_raw FROM incidents ORDER BY 1").fetchall() == [
        ("1", "ZHA", "KORDAI", "Кордайский район"), ("2", "ZHA", "KORDAI", "Қордай ауданы"),
        ("3", "ZHA", "TARAZ", "г.Тараз"), ("4", "ZHA", "TALAS_KZ", "Таласский район"),
        ("5", "ZHA", "MERKE", "Меркенский р-н"), ("6", "ZHA", None, "Луна")]
    assert result.warnings_by_reason == {"unknown_district": 1}


def test_currency_follows_the_side(con, write):
    load_kz(con, write, [kz_row()])
    assert one(con, "SELECT currency FROM incidents") == "KZT"
