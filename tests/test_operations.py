"""Joint operations: board, totals (hand-checked against tests/data/samples/operations_2024.csv), charts, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pandas as pd
import pytest

from analytics.operations import (
    BOARD_COLUMNS,
    MEASURES,
    format_measure,
    operation_districts,
    operation_totals,
    operations_board,
    operations_map,
    operations_timeline_chart,
    operations_totals_chart,
)
from tests.conftest import ROOT

# operations_2024.csv summed by hand, column by column (empty cells are not reported, so missing):
#   detained 6 + 11 + 0 = 17; cases 4 + 9 + 1 = 14; drugs 1840,5 (one operation); livestock 23 (one);
#   online resources 37 (СО-2024-02) + 12 (СО-2024-03) = 49; prevention 48; minors 3150;
#   weapons, ammunition, vehicles, phones: reported by none.
SAMPLE_TOTALS = {"detained": 17, "cases_opened": 14, "drugs_seized_g": 1840.5, "weapons_seized": None,
                 "ammunition_seized": None, "livestock_returned": 23, "vehicles_returned": None,
                 "phones_returned": None, "online_resources_blocked": 49, "prevention_events": 48,
                 "minors_reached": 3150}


def insert_operation(con, code: str, direction: str, started: date, ended: date | None, districts: list[str],
                     **results) -> None:
    columns = ["code", "name", "direction", "started_on", "ended_on", "participants", "districts", "upload_id",
               *results]
    values = [code, f"Операция {code}", direction, started, ended, "KZ, KG", districts, 1, *results.values()]
    con.execute(f"INSERT INTO operations ({', '.join(columns)}) VALUES ({', '.join('?' * len(values))})", values)


@pytest.fixture
def ops_con(con):
    insert_operation(con, "A", "drugs", date(2024, 1, 10), date(2024, 1, 20), ["KORDAI", "TOKMOK"],
                     detained=3, drugs_seized_g=100.25)
    insert_operation(con, "B", "drugs", date(2024, 2, 1), date(2024, 2, 3), ["KORDAI"], detained=2,
                     drugs_seized_g=50.0, cases_opened=1)
    insert_operation(con, "C", "livestock_theft", date(2024, 1, 31), None, ["PANFILOV"], livestock_returned=7)
    return con


def test_board_period_overlap_and_direction(ops_con):
    assert operations_board(ops_con)["code"].tolist() == ["A", "C", "B"]
    # A ends on 20.01: it overlaps a period starting that day, not one starting the day after
    assert operations_board(ops_con, date(2024, 1, 20), date(2024, 1, 31))["code"].tolist() == ["A", "C"]
    assert operations_board(ops_con, date(2024, 1, 21), date(2024, 1, 31))["code"].tolist() == ["C"]
    assert operations_board(ops_con, direction="drugs")["code"].tolist() == ["A", "B"]
    assert list(operations_board(ops_con).columns) == BOARD_COLUMNS


def test_totals_overall_and_by_direction_and_month(ops_con):
    board = operations_board(ops_con)
    total = operation_totals(board).iloc[0]
    assert (total["operations"], total["detained"], total["drugs_seized_g"], total["livestock_returned"],
            total["cases_opened"]) == (3, 5, 150.25, 7, 1)
    assert pd.isna(total["weapons_seized"])                   # nobody reported it: missing, not 0
    by_direction = operation_totals(board, by=("direction",)).set_index("direction")
    assert by_direction.loc["drugs", "detained"] == 5
    assert by_direction.loc["drugs", "operations"] == 2
    assert pd.isna(by_direction.loc["livestock_theft", "detained"])
    by_month = operation_totals(board, by=("month",))
    assert by_month["month"].dt.month.tolist() == [1, 2]
    assert by_month["operations"].tolist() == [2, 1]
    assert by_month["detained"].tolist() == [3, 2]
    with pytest.raises(ValueError, match="unknown grouping"):
        operation_totals(board, by=("oblast",))


def test_empty_input(con):
    board = operations_board(con)
    assert board.empty and list(board.columns) == BOARD_COLUMNS
    total = operation_totals(board)
    assert total["operations"].tolist() == [0]
    assert total[list(MEASURES)].isna().all(axis=None)
    assert operation_totals(board, by=("direction",)).empty
    assert operation_districts(con).empty
    assert len(operations_totals_chart(total, "ru").data) == 0
    assert len(operations_timeline_chart(board, "en").data) == 0
    assert len(operations_map(operation_districts(con), "ru").data[0].lat) == 0


def test_districts_for_the_map(ops_con):
    frame = operation_districts(ops_con)
    assert frame[["district", "side", "operations", "codes"]].values.tolist() == [
        ["KORDAI", "KZ", 2, "A, B"], ["PANFILOV", "KG", 1, "C"], ["TOKMOK", "KG", 1, "A"]]
    assert frame.loc[0, "lat"] == pytest.approx(43.04)  # Kordai seat, data/reference/districts.csv
    assert operation_districts(ops_con, direction="livestock_theft")["district"].tolist() == ["PANFILOV"]


def test_charts(ops_con):
    board = operations_board(ops_con)
    fig = operations_totals_chart(operation_totals(board, by=("direction",)), "ru")
    # detained, cases, drugs, livestock reported; drugs direction adds 3 + 2 detained
    detained = [t for t in fig.data if t.y[0] == "Задержано лиц"]
    assert [t.x[0] for t in detained] == [5]
    assert {t.y[0] for t in fig.data} == {"Задержано лиц", "Возбуждено дел", "Изъято наркотиков, г",
                                           "Возвращено голов скота"}
    timeline = operations_timeline_chart(board, "en")
    assert [t.name for t in timeline.data] == ["Drugs", "Livestock theft"]
    # A runs 10.01–20.01 inclusive: 11 days
    assert timeline.data[0].x[0] == 11 * 86_400_000
    # rows by start date across directions: A (10.01), C (31.01), B (01.02)
    assert list(timeline.layout.yaxis.categoryarray) == ["A Операция A", "C Операция C", "B Операция B"]
    fig_map = operations_map(operation_districts(ops_con), "en")
    assert fig_map.layout.map.style == "white-bg"
    assert list(fig_map.data[0].text) == ["Kordai district", "Panfilov district", "Tokmok city"]
    assert fig_map.layout.map.layers[0].source["type"] == "FeatureCollection"


# ---------------------------------------------------------------- the sample file, end to end

@pytest.fixture
def sample_ops(con, samples):
    from analytics.ingest import load_file

    load_file(con, samples / "operations_2024.csv", today=date(2024, 12, 31))
    return con


def test_sample_totals_equal_the_file_sums(sample_ops):
    total = operation_totals(operations_board(sample_ops)).iloc[0]
    for measure, expected in SAMPLE_TOTALS.items():
        if expected is None:
            assert pd.isna(total[measure]), measure
        else:
            assert total[measure] == expected, measure


def test_cli_operations_json(sample_ops, tmp_path):
    path = tmp_path / "test.duckdb"
    sample_ops.close()
    out = subprocess.run([sys.executable, "-m", "analytics", "operations", "--db", str(path), "--json"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    document = json.loads(out)
    assert document["totals"] == SAMPLE_TOTALS
    first = document["operations"][0]
    assert (first["code"], first["direction"], first["started_on"], first["ended_on"], first["districts"],
            first["detained"], first["drugs_seized_g"]) == (
        "СО-2024-01", "livestock_theft", "2024-01-15", "2024-01-28", ["KORDAI", "PANFILOV", "KARA_BUURA"], 6, None)
    assert [op["code"] for op in document["operations"]] == ["СО-2024-01", "СО-2024-02", "СО-2024-03"]


def test_cli_operations_errors(tmp_path):
    result = subprocess.run([sys.executable, "-m", "analytics", "operations", "--db", str(tmp_path / "no.duckdb")],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert "не найден" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(("measure", "value", "lang", "text"), [
    ("drugs_seized_g", 1840.5, "ru", "1\u202f840,5"), ("drugs_seized_g", 1840.5, "en", "1,840.5"),
    ("drugs_seized_g", 50.0, "ru", "50"), ("detained", 3150.0, "ru", "3\u202f150"), ("detained", float("nan"), "en", "—"),
    ("weapons_seized", None, "ru", "—"),
])
def test_format_measure(measure, value, lang, text):
    assert format_measure(measure, value, lang) == text
