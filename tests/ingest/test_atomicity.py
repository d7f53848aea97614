"""One transaction per file: a load killed with SIGKILL leaves nothing behind, and a retry completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from analytics import db
from analytics.ingest import load_file
from tests.ingest.conftest import ROOT, SAMPLES

ROWS = 400_000
CHILD = """
import sys, time
from analytics import db
from analytics.ingest import load_file
con = db.connect(sys.argv[1])
print("loading", flush=True)
started = time.perf_counter()
load_file(con, sys.argv[2])
con.close()
print("done", time.perf_counter() - started, flush=True)
"""


def make_big_kz(path: Path, rows: int) -> None:
    """A valid ЕРДР export (UTF-8, ';') of ``rows`` distinct incidents, written by DuckDB in a second."""
    con = duckdb.connect()
    con.execute(f"""
        COPY (
            SELECT 2411310310000000 + i AS "Номер ЕРДР",
                   strftime(DATE '2023-01-01' + CAST(i % 700 AS INTEGER), '%d.%m.%Y') AS "Дата регистрации",
                   '' AS "Дата совершения",
                   CASE i % 3 WHEN 0 THEN '188 ч.2 п.5' WHEN 1 THEN '296 ч.2' ELSE '200 ч.1' END AS "Статья УК РК",
                   CASE i % 3 WHEN 0 THEN 'КРС' ELSE '' END AS "Предмет посягательства",
                   CASE i % 2 WHEN 0 THEN 'Кордайский район' ELSE 'г. Тараз' END AS "Район",
                   '' AS "Населенный пункт",
                   replace(CAST(round(42.9 + (i % 100) / 1000.0, 4) AS VARCHAR), '.', ',') AS "Широта",
                   replace(CAST(round(71.4 + (i % 100) / 1000.0, 4) AS VARCHAR), '.', ',') AS "Долгота",
                   'в производстве' AS "Статус", CAST(i % 1000 * 1000 AS VARCHAR) AS "Ущерб, тенге",
                   'нет' AS "Интернет", 'нет' AS "Несовершеннолетние", 'да' AS "Иностранцы",
                   'Фабула происшествия номер ' || i AS "Фабула"
            FROM range({rows}) t(i)
        ) TO '{path}' (HEADER, DELIMITER ';')
    """)  # noqa: S608 (test data: a path and a row count of the test's own)
    con.close()


def counts(path: Path) -> tuple[int, int, int, int]:
    con = db.connect(path)
    try:
        return tuple(con.execute(
            "SELECT (SELECT count(*) FROM incidents), (SELECT count(*) FROM uploads), "
            "(SELECT count(*) FROM coverage), (SELECT count(*) FROM audit_log)").fetchone())
    finally:
        con.close()


def start_child(database: Path, source: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(database), str(source)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "loading"
    return proc


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_kill_9_mid_load_leaves_nothing_and_retry_completes(tmp_path):
    source = tmp_path / "kz_big.csv"
    make_big_kz(source, ROWS)
    # how long a whole load takes here (the machine may be busy)
    timing = start_child(tmp_path / "timing.duckdb", source)
    out, err = timing.communicate(timeout=1100)
    assert timing.returncode == 0, err
    seconds = float(out.split()[-1])

    database = tmp_path / "killed.duckdb"
    db.connect(database).close()
    before = counts(database)
    victim = start_child(database, source)
    time.sleep(seconds * 0.6)
    assert victim.poll() is None, "the load finished before it could be killed"
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=60)
    assert victim.returncode == -signal.SIGKILL
    assert counts(database) == before == (0, 0, 0, 0)

    con = db.connect(database)
    try:
        result = load_file(con, source)
        assert (result.rows_read, result.accepted, result.rejected) == (ROWS, ROWS, 0)
        assert con.execute("SELECT count(*) FROM incidents").fetchone()[0] == ROWS
        assert con.execute("SELECT count(*) FROM uploads").fetchone()[0] == 1
    finally:
        con.close()


def test_failure_inside_the_transaction_rolls_everything_back(con, monkeypatch):
    from analytics.ingest import pipeline

    def broken(connection):
        raise RuntimeError("disk full")

    monkeypatch.setattr(pipeline, "write_rejects", broken)
    monkeypatch.setattr("analytics.ingest.loader.write_rejects", broken)
    with pytest.raises(RuntimeError):
        load_file(con, SAMPLES / "kz_erdr_2024-01.csv")
    for table in ("incidents", "uploads", "coverage", "warnings", "rejects", "upload_files", "audit_log"):
        assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    # the connection is usable and the same file loads afterwards
    monkeypatch.undo()
    assert load_file(con, SAMPLES / "kz_erdr_2024-01.csv").accepted == 8
