"""The loader holds DuckDB's memory to SHEKARA_LOAD_MEMORY_LIMIT while a file loads, then restores the general
limit (also when the load fails)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from analytics import db
from analytics.ingest import after_load, load_file
from analytics.ingest.errors import IngestError
from tests.ingest.conftest import kz_file, kz_row


def shown(limit: str) -> str:
    probe = duckdb.connect()
    probe.execute("SET memory_limit = ?", [limit])
    value = probe.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    probe.close()
    return value


def current(con) -> str:
    return con.execute("SELECT current_setting('memory_limit')").fetchone()[0]


def test_load_runs_under_the_load_limit_and_restores_the_general_one(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SHEKARA_MEMORY_LIMIT", "2GB")
    monkeypatch.setenv("SHEKARA_LOAD_MEMORY_LIMIT", "300MB")
    con = db.connect(tmp_path / "m.duckdb")
    assert current(con) == shown("2GB")
    during: list[str] = []
    monkeypatch.setattr(after_load, "STEPS", (lambda c, kind, upload_id: during.append(current(c)),))
    path = tmp_path / "a.csv"
    path.write_text(kz_file([kz_row("241131031000001")]), encoding="utf-8")
    assert load_file(con, path).accepted == 1
    assert during == [shown("300MB")]
    assert current(con) == shown("2GB")

    def fail(c, kind, upload_id):
        raise IngestError("сбой", "failure")

    monkeypatch.setattr(after_load, "STEPS", (fail,))
    path.write_text(kz_file([kz_row("241131031000002")]), encoding="utf-8")
    with pytest.raises(IngestError):
        load_file(con, path)
    assert current(con) == shown("2GB")
    con.close()


def test_an_empty_load_limit_leaves_the_memory_limit_alone(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SHEKARA_MEMORY_LIMIT", "2GB")
    monkeypatch.setenv("SHEKARA_LOAD_MEMORY_LIMIT", "")
    con = db.connect(tmp_path / "m.duckdb")
    during: list[str] = []
    monkeypatch.setattr(after_load, "STEPS", (lambda c, kind, upload_id: during.append(current(c)),))
    path = tmp_path / "a.csv"
    path.write_text(kz_file([kz_row("241131031000001")]), encoding="utf-8")
    load_file(con, path)
    assert during == [shown("2GB")]
    con.close()
