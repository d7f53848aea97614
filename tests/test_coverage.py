"""Coverage: a month without a coverage row is missing (never zero), reported per oblast."""

from __future__ import annotations

from datetime import date

import pandas as pd

from analytics import coverage
from analytics.filters import Filters


def cover(con, side: str, oblast: str, months: list[str]) -> None:
    for month in months:
        con.execute("INSERT INTO coverage VALUES (?, ?, ?, 1)", [side, oblast, date.fromisoformat(month + "-01")])


def months(first: str, last: str) -> list[str]:
    return [m.strftime("%Y-%m") for m in coverage.month_starts(date.fromisoformat(first + "-01"),
                                                               date.fromisoformat(last + "-01"))]


def test_month_helpers():
    assert coverage.month_end(date(2024, 2, 10)) == date(2024, 2, 29)
    assert coverage.month_end(date(2023, 2, 1)) == date(2023, 2, 28)
    assert coverage.month_end(date(2024, 12, 31)) == date(2024, 12, 31)
    assert coverage.month_starts(date(2023, 11, 30), date(2024, 2, 1)) == [
        date(2023, 11, 1), date(2023, 12, 1), date(2024, 1, 1), date(2024, 2, 1)]
    assert coverage.month_starts(date(2024, 3, 5), date(2024, 3, 1)) == []


def test_missing_months_per_oblast(con):
    cover(con, "KZ", "ZHA", months("2023-12", "2024-03"))
    cover(con, "KG", "CHU", months("2023-12", "2024-03"))
    cover(con, "KG", "TAL", ["2023-12", "2024-01", "2024-03"])
    holes = coverage.missing_months(con, date(2024, 1, 15), date(2024, 3, 2))
    assert holes.to_dict("records") == [{"side": "KG", "oblast": "TAL", "month": pd.Timestamp("2024-02-01")}]
    assert coverage.missing_months(con, date(2024, 1, 15), date(2024, 3, 2), Filters(sides=("KZ",))).empty
    talas = coverage.missing_months(con, date(2024, 1, 1), date(2024, 4, 30), Filters(districts=("TALAS_KG",)))
    assert talas["month"].dt.strftime("%Y-%m").tolist() == ["2024-02", "2024-04"]
    assert set(talas["oblast"]) == {"TAL"}


def test_a_side_without_rows_is_missing_everywhere(con):
    cover(con, "KZ", "ZHA", ["2024-01"])
    holes = coverage.missing_months(con, date(2024, 1, 1), date(2024, 1, 31))
    assert sorted(zip(holes["side"], holes["oblast"], strict=True)) == [("KG", "CHU"), ("KG", "TAL")]


def test_matrix_is_typed_and_ordered(con):
    cover(con, "KZ", "ZHA", ["2024-01"])
    matrix = coverage.coverage_matrix(con, date(2024, 1, 1), date(2024, 2, 29))
    assert list(matrix.columns) == ["side", "oblast", "month", "covered"]
    assert matrix["side"].tolist()[:2] == ["KZ", "KZ"] and len(matrix) == 3 * 2
    assert matrix["covered"].tolist() == [True, False, False, False, False, False]
    assert str(matrix["month"].dtype).startswith("datetime64")
    empty = coverage.coverage_matrix(con, None, date(2024, 1, 1))
    assert empty.empty and list(empty.columns) == list(matrix.columns)


def test_banners_join_consecutive_months(con):
    cover(con, "KZ", "ZHA", months("2023-10", "2024-06"))
    cover(con, "KG", "CHU", months("2023-10", "2024-06"))
    cover(con, "KG", "TAL", ["2023-10", "2023-11", "2024-01", "2024-02", "2024-06"])
    ru = coverage.coverage_banners(con, date(2023, 10, 1), date(2024, 6, 30), "ru")
    assert ru == ["Таласская обл.: нет данных за декабрь 2023, март–май 2024"]
    en = coverage.coverage_banners(con, date(2023, 10, 1), date(2024, 6, 30), "en")
    assert en == ["Talas oblast: no data for December 2023, March–May 2024"]
    across_year = coverage.coverage_banners(con, date(2023, 10, 1), date(2024, 6, 30), "ru",
                                            Filters(oblasts=("ZHA",)))
    assert across_year == []


def test_banner_for_run_across_new_year_and_cap(con):
    cover(con, "KZ", "ZHA", ["2023-11", "2024-03", "2024-05", "2024-07"])
    cover(con, "KG", "CHU", months("2023-11", "2024-08"))
    cover(con, "KG", "TAL", months("2023-11", "2024-08"))
    banners = coverage.coverage_banners(con, date(2023, 11, 1), date(2024, 8, 31), "ru", max_runs=2)
    assert banners == ["Жамбылская обл.: нет данных за декабрь 2023 – февраль 2024, апрель 2024 и ещё 2"]


def test_period_complete():
    holes = {("KG", "TAL", date(2024, 2, 1))}
    assert not coverage.period_complete(holes, [("KG", "TAL")], [(date(2024, 1, 20), date(2024, 2, 2))])
    assert coverage.period_complete(holes, [("KG", "CHU")], [(date(2024, 1, 20), date(2024, 2, 2))])
    assert coverage.period_complete(holes, [("KG", "TAL")], [(date(2024, 1, 1), date(2024, 1, 31)),
                                                             (date(2024, 3, 1), date(2024, 3, 5))])
