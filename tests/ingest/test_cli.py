"""``python -m analytics ingest``: the JSON contract, exit codes, one-line errors, an unchanged database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from analytics import db
from tests.ingest.conftest import ROOT, SAMPLES

KEYS = ["file", "kind", "side", "encoding", "delimiter", "rows_read", "accepted", "rejected", "duplicates", "updated",
        "already_loaded", "warnings"]
TABLES = ("incidents", "uploads", "rejects", "warnings", "coverage", "audit_log", "bulletins", "finds", "operations")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analytics", "ingest", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def table_counts(path: Path) -> dict[str, int]:
    con = db.connect(path)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


def test_json_contract_for_every_sample(tmp_path):
    database = tmp_path / "c.duckdb"
    proc = run(*map(str, sorted(SAMPLES.glob("*.csv"))), "--db", str(database), "--json", "--user", "cli-test")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert [list(item) for item in out] == [KEYS] * 5
    for item in out:
        assert item["rows_read"] == item["accepted"] + item["rejected"] + item["duplicates"] + item["updated"]
    assert [item["accepted"] for item in out] == [7, 4, 7, 8, 3]
    again = run(str(SAMPLES / "kz_erdr_2024-01.csv"), "--db", str(database), "--json")
    assert again.returncode == 0 and json.loads(again.stdout)[0]["already_loaded"] is True
    con = db.connect(database)
    assert con.execute("SELECT DISTINCT username FROM audit_log WHERE action = 'upload'").fetchall() == [("cli-test",),
                                                                                                        ("system",)]
    con.close()


def test_garbage_exits_2_with_one_line_and_changes_nothing(tmp_path):
    database = tmp_path / "g.duckdb"
    db.connect(database).close()
    before = table_counts(database)
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"\x00\x01\x02binary\xff\xfe\x00" * 50)
    proc = run(str(garbage), "--db", str(database), "--json")
    assert proc.returncode == 2
    assert proc.stdout.strip() == "[]"
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "garbage.csv" in lines[0] and "Traceback" not in proc.stderr
    assert table_counts(database) == before


def test_missing_columns_message(tmp_path):
    database = tmp_path / "m.duckdb"
    proc = run(str(SAMPLES / "operations_2024.csv"), "--kind", "kz_incidents", "--db", str(database), "--json")
    assert proc.returncode == 2
    assert "файл не похож на выгрузку ЕРДР (Казахстан): нет столбцов «Номер ЕРДР», «Дата регистрации»" in proc.stderr


def test_good_files_still_load_when_another_fails(tmp_path):
    database = tmp_path / "mix.duckdb"
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    proc = run(str(empty), str(SAMPLES / "kz_erdr_2024-01.csv"), "--db", str(database), "--json")
    assert proc.returncode == 2
    out = json.loads(proc.stdout)
    assert [item["file"] for item in out] == ["kz_erdr_2024-01.csv"] and out[0]["accepted"] == 8
    assert len(proc.stderr.strip().splitlines()) == 1
    assert table_counts(database)["incidents"] == 8


def test_side_option_for_a_canonical_file(tmp_path):
    path = tmp_path / "canonical.csv"
    path.write_text("source_id,registered_on,title_raw\n02-1,2024-01-02,Кража скота\n", encoding="utf-8")
    database = tmp_path / "s.duckdb"
    assert run(str(path), "--db", str(database), "--json").returncode == 2
    proc = run(str(path), "--db", str(database), "--json", "--side", "KG")
    assert proc.returncode == 0 and json.loads(proc.stdout)[0]["side"] == "KG"
