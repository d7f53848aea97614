"""Rejected lines: line numbers, raw text, a CSV with the source's header that loads again once fixed."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd

from analytics.ingest import load_file, rejects_csv, rejects_frame, rejects_table
from analytics.ingest.history import warnings_summary
from tests.ingest.conftest import KZ_HEADER, kz_file, kz_row, one

TODAY = date(2025, 6, 30)


def test_rejects_keep_line_and_raw_text(con, write):
    rows = [kz_row("1"), kz_row("2", registered="31.02.2024", summary='"Фабула; с ""кавычками"""'),
            kz_row("", registered="01.01.2024")]
    result = load_file(con, write("kz.csv", kz_file(rows), "cp1251"), today=TODAY)
    frame = rejects_frame(con, result.upload_id)
    assert frame["line_no"].tolist() == [3, 4]
    assert frame["reason"].tolist() == ["bad_date", "missing_number"]
    # the raw line is the source line (quoted where a cell holds the delimiter or quotes)
    assert frame["raw_line"].tolist() == [rows[1], rows[2]]


def test_line_numbers_survive_blank_lines_and_quoted_line_breaks(con, write):
    text = "\r\n".join([KZ_HEADER, kz_row("1"), "", kz_row("2", summary='"две\r\nстроки"'),
                        ";;;;;;;;;;;;;;", kz_row("3", registered="")]) + "\r\n"
    result = load_file(con, write("kz.csv", text), today=TODAY)
    assert (result.rows_read, result.accepted, result.rejected) == (3, 2, 1)
    assert rejects_frame(con, result.upload_id)["line_no"].tolist() == [7]
    assert one(con, "SELECT summary FROM incidents WHERE source_id = '2'") == "две\r\nстроки"


def test_malformed_lines_are_rejects(con, write):
    text = "\r\n".join([KZ_HEADER, kz_row("1"), kz_row("2") + ";лишнее;ещё", kz_row("3")]) + "\r\n"
    result = load_file(con, write("kz.csv", text), today=TODAY)
    assert (result.rows_read, result.accepted, result.rejected) == (3, 2, 1)
    frame = rejects_frame(con, result.upload_id)
    assert frame[["line_no", "reason"]].values.tolist() == [[3, "too_many_cells"]]
    assert frame["raw_line"].iloc[0].endswith(";лишнее;ещё")


def test_rejects_csv_has_the_source_header_and_loads_again_once_fixed(con, write):
    result = load_file(con, write("kz.csv", kz_file([kz_row("1"), kz_row("2", registered="31.02.2024",
                                                                         online="+")]), "cp1251"), today=TODAY)
    table = rejects_table(con, result.upload_id)
    assert list(table.columns)[:15] == KZ_HEADER.split(";")
    assert table["Номер ЕРДР"].tolist() == ["2"]
    data = rejects_csv(con, result.upload_id)
    assert data.startswith("\ufeff".encode())
    fixed = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert fixed["Интернет"].tolist() == ["'+"]          # formula-safe: a leading + is neutralised …
    fixed.loc[0, "Дата регистрации"] = "28.02.2024"
    path = write("fixed.csv", "")
    path.write_bytes(fixed.to_csv(index=False).encode("utf-8"))
    again = load_file(con, path, today=TODAY)
    assert (again.kind, again.accepted, again.rejected) == ("kz_incidents", 1, 0)
    assert one(con, "SELECT online FROM incidents WHERE source_id = '2'") is True   # … and read back as +
    assert one(con, "SELECT registered_on FROM incidents WHERE source_id = '2'") == date(2024, 2, 28)


def test_warnings_grouped_by_reason(con, write):
    result = load_file(con, write("kz.csv", kz_file([
        kz_row("1", damage="много", district="Луна"), kz_row("2", damage="мало"), kz_row("3", article="999")])),
        today=TODAY)
    summary = warnings_summary(con, result.upload_id)
    assert summary[["reason", "field", "rows", "example_line"]].values.tolist() == [
        ["bad_number", "damage", 2, 2], ["unknown_category", "category", 1, 4], ["unknown_district", "district", 1, 2]]
    assert result.warnings == 4
