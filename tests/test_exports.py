"""Formula-safe exports: every text cell a spreadsheet would execute gets a leading ', UTF-8 with BOM,
CSV text quoted; XLSX never holds a formula; the export CLI applies the same rules to every table."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics import exports

ROOT = Path(__file__).resolve().parent.parent
PAYLOADS = ['=HYPERLINK("http://198.51.100.7","x")', "+7 701 123", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def parse(data: bytes, delimiter: str = ",") -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=delimiter))


def is_live_formula(cell: str) -> bool:
    return cell.startswith(exports.FORMULA_PREFIXES)


def test_each_formula_prefix_is_neutralised():
    frame = pd.DataFrame({"text": PAYLOADS + ["plain", None]})
    safe = exports.neutralise_formulas(frame)
    assert safe["text"].tolist()[:6] == ["'" + p for p in PAYLOADS]
    assert safe["text"].tolist()[6] == "plain" and pd.isna(safe["text"].tolist()[7])


def test_numbers_stay_numbers_and_headers_are_neutralised():
    frame = pd.DataFrame({"=cmd": ["a"], "damage": [-1500.5], "count": np.array([-3], dtype="int64"),
                          "flag": [True]})
    safe = exports.neutralise_formulas(frame)
    assert safe.columns.tolist() == ["'=cmd", "damage", "count", "flag"]
    assert safe["damage"].tolist() == [-1500.5] and safe["count"].tolist() == [-3]
    rows = parse(exports.to_safe_csv_bytes(frame))
    assert rows == [["'=cmd", "damage", "count", "flag"], ["a", "-1500.5", "-3", "True"]]


def test_lists_and_objects_become_text():
    frame = pd.DataFrame({"districts": [["KORDAI", "=EVIL"], []], "extra": [{"a": 1}, None]}, dtype=object)
    safe = exports.neutralise_formulas(frame)
    assert safe["districts"].tolist() == ["KORDAI; =EVIL", ""]
    assert safe["extra"].tolist()[0] == "{'a': 1}"


def test_csv_is_bom_utf8_crlf_and_text_is_quoted():
    frame = pd.DataFrame({"Фабула": ["Кража", "x;=1+1"], "n": [1, 2]})
    data = exports.to_safe_csv_bytes(frame)
    assert data == '\ufeff"Фабула","n"\r\n"Кража",1\r\n"x;=1+1",2\r\n'.encode()


def test_semicolon_locale_cannot_split_a_formula_out():
    """Excel in a Russian locale splits on ';': a quoted cell must stay whole, no piece starting with '='."""
    frame = pd.DataFrame({"summary": ["x;=cmd|' /C calc'!A0", "a;+1", '=HYPERLINK("u";"v")']})
    for row in parse(exports.to_safe_csv_bytes(frame), delimiter=";"):
        assert not any(is_live_formula(cell) for cell in row), row


def test_empty_frame_gives_header_only():
    assert exports.to_safe_csv_bytes(pd.DataFrame({"a": pd.Series([], dtype="string")})) == b'\xef\xbb\xbf"a"\r\n'


def xlsx_parts(data: bytes) -> tuple[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return (book.read("xl/worksheets/sheet1.xml").decode(), book.read("xl/sharedStrings.xml").decode())


def test_xlsx_holds_no_formula():
    frame = pd.DataFrame({"summary": PAYLOADS[:4] + ["http://198.51.100.7/x"], "damage": [-1.0, 2, 3, 4, 5]})
    sheet, strings = xlsx_parts(exports.to_safe_xlsx_bytes(frame))
    assert "<f>" not in sheet and "<f " not in sheet
    assert "hyperlink" not in sheet.lower()
    texts = re.findall(r"<t[^>]*>([^<]*)</t>", strings)
    assert texts[0] == "summary"
    assert {t for t in texts if t != "damage" and t != "summary"} == {
        "'=HYPERLINK(\"http://198.51.100.7\",\"x\")", "'+7 701 123", "'-2+3", "'@SUM(A1)",
        "http://198.51.100.7/x"}
    assert '<v>-1</v>' in sheet  # numbers stay numbers


def test_unknown_suffix_is_a_named_error():
    with pytest.raises(exports.UnsupportedExportFormat, match=r"\.csv или \.xlsx"):
        exports.export_bytes(pd.DataFrame(), "out.xls")


# --- the export CLI over every table ---

@pytest.fixture
def filled(con, tmp_path: Path) -> Path:
    con.execute("INSERT INTO incidents (side, source_id, registered_on, category, summary, damage, upload_id) VALUES "
                "('KZ', '241131031000001', DATE '2024-01-05', 'other', ?, -5, 1), "
                "('KG', '=02-2024-1', DATE '2024-01-04', 'other', 'обычная фабула', 10, 1)", [PAYLOADS[0]])
    con.execute("INSERT INTO bulletins (bulletin_no, sent_on, initiator_side, object_kind, status, plate_raw, "
                "upload_id) VALUES ('ЖО-2024-0007', DATE '2024-01-06', 'KZ', 'vehicle', 'wanted', '+123ABC08', 1)")
    con.execute("INSERT INTO finds (find_id, found_at, side, note, upload_id) VALUES "
                "('f1', TIMESTAMP '2024-01-21 16:05', 'KZ', '@SUM(1)', 1)")
    con.execute("INSERT INTO operations (code, name, districts, detained, note, upload_id) VALUES "
                "('СО-2024-01', 'Мал-Граница', ['KORDAI', 'PANFILOV'], 6, '-1+1', 1)")
    con.close()
    return tmp_path / "test.duckdb"


def run_export(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analytics", "export", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_export_cli_neutralises_every_table(filled: Path, tmp_path: Path):
    expected = {"incidents": ("summary", PAYLOADS[0], 2), "bulletins": ("plate_raw", "+123ABC08", 1),
                "finds": ("note", "@SUM(1)", 1), "operations": ("note", "-1+1", 1)}
    for table, (column, payload, count) in expected.items():
        out = tmp_path / f"{table}.csv"
        result = run_export(table, "--db", str(filled), "--out", str(out))
        assert result.returncode == 0, result.stderr
        assert f"{table}: {count}" in result.stdout
        rows = parse(out.read_bytes())
        header, body = rows[0], rows[1:]
        assert len(body) == count
        cells = [row[header.index(column)] for row in body]
        assert "'" + payload in cells
        assert not any(is_live_formula(cell) for row in body for cell in row if not re.fullmatch(r"-?\d+(\.\d+)?",
                                                                                                cell))
    operations = parse((tmp_path / "operations.csv").read_bytes())
    assert operations[1][operations[0].index("districts")] == "KORDAI; PANFILOV"
    incidents = parse((tmp_path / "incidents.csv").read_bytes())
    assert [row[incidents[0].index("source_id")] for row in incidents[1:]] == ["'=02-2024-1", "241131031000001"]
    assert [row[incidents[0].index("damage")] for row in incidents[1:]] == ["10.0", "-5.0"]


def test_export_cli_xlsx_and_audit(filled: Path, tmp_path: Path):
    out = tmp_path / "incidents.xlsx"
    assert run_export("incidents", "--db", str(filled), "--out", str(out)).returncode == 0
    sheet, strings = xlsx_parts(out.read_bytes())
    assert "<f>" not in sheet and "'=HYPERLINK" in strings
    import duckdb

    con = duckdb.connect(str(filled), read_only=True)
    entry = con.execute("SELECT username, action, details FROM audit_log").fetchall()
    con.close()
    assert len(entry) == 1 and entry[0][0].startswith("cli:") and entry[0][1] == "export"
    assert {k: v for k, v in json.loads(entry[0][2]).items() if k != "by"} == {
        "table": "incidents", "rows": 2, "file": "incidents.xlsx", "via": "cli"}


def test_export_cli_errors(filled: Path, tmp_path: Path):
    bad_suffix = run_export("incidents", "--db", str(filled), "--out", str(tmp_path / "x.txt"))
    assert bad_suffix.returncode == 2 and ".xlsx" in bad_suffix.stderr
    assert bad_suffix.stderr.count("\n") == 1 and "Traceback" not in bad_suffix.stderr
    missing = run_export("incidents", "--db", str(tmp_path / "nope.duckdb"), "--out", str(tmp_path / "x.csv"))
    assert missing.returncode == 2 and "nope.duckdb" in missing.stderr
    assert not (tmp_path / "nope.duckdb").exists() and not (tmp_path / "x.csv").exists()


def test_export_of_an_empty_table(con, tmp_path: Path):
    con.close()
    out = tmp_path / "finds.csv"
    assert run_export("finds", "--db", str(tmp_path / "test.duckdb"), "--out", str(out)).returncode == 0
    rows = parse(out.read_bytes())
    assert len(rows) == 1 and rows[0][:3] == ["find_id", "found_at", "side"]
