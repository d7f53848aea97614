"""Helpers for the ingest tests: fixture paths, tiny files written on the fly, one-line queries."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MESSY = ROOT / "tests" / "data" / "messy"
SAMPLES = ROOT / "tests" / "data" / "samples"

KZ_HEADER = ("Номер ЕРДР;Дата регистрации;Дата совершения;Статья УК РК;Предмет посягательства;Район;"
             "Населенный пункт;Широта;Долгота;Статус;Ущерб, тенге;Интернет;Несовершеннолетние;Иностранцы;Фабула")


@pytest.fixture
def messy() -> Path:
    return MESSY


@pytest.fixture
def write(tmp_path: Path):
    """``write(name, text, encoding="utf-8")`` → path of a tiny file in the test's directory."""

    def _write(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return _write


def kz_file(rows: list[str], header: str = KZ_HEADER) -> str:
    """A KZ ЕРДР file (``;``) with the given data lines."""
    return "\r\n".join([header, *rows]) + "\r\n"


def kz_row(number: str = "241131031000001", registered: str = "03.01.2024", occurred: str = "",
           article: str = "188 ч.1", obj: str = "", district: str = "г. Тараз", lat: str = "", lon: str = "",
           status: str = "в производстве", damage: str = "0", online: str = "", minor: str = "",
           foreign: str = "", summary: str = "Фабула") -> str:
    return ";".join([number, registered, occurred, article, obj, district, "", lat, lon, status, damage, online,
                     minor, foreign, summary])


def one(con, sql: str, params: list | None = None):
    row = con.execute(sql, params or []).fetchone()
    return row[0] if row and len(row) == 1 else row


def column(con, sql: str, params: list | None = None) -> list:
    return [r[0] for r in con.execute(sql, params or []).fetchall()]
