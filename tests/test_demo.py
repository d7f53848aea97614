"""Demo data generator: exact sample layouts, determinism, and a realistic, loadable one-year database."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analytics.demo import model, writers

SAMPLES = Path(__file__).resolve().parent / "data" / "samples"


# ------------------------------------------------------------------ sample files back into frames

def _read_rows(name: str, encoding: str, delimiter: str) -> list[list[str]]:
    text = (SAMPLES / name).read_bytes().decode(encoding)
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))[1:]


def _stamp(day: str, time: str = "") -> np.datetime64:
    if not day:
        return np.datetime64("NaT", "s")
    if "." in day:
        dd, mm, yy = day.split(".")
        day = f"{yy}-{mm}-{dd}"
    return np.datetime64(f"{day}T{time or '00:00'}", "s")


def _kz_sample_frame() -> tuple[pd.DataFrame, np.ndarray]:
    rows = _read_rows("kz_erdr_2024-01.csv", "cp1251", ";")
    frame = pd.DataFrame({
        "source_id": [r[0] for r in rows],
        "registered_on": np.array([_stamp(r[1]) for r in rows]),
        "occurred_at": np.array([_stamp(*r[2].split(" ")) if r[2] else _stamp("") for r in rows]),
        "occurred_has_time": [" " in r[2] for r in rows],
        "article_raw": [r[3] for r in rows],
        "object_raw": [r[4] for r in rows],
        "district_name": [r[5] for r in rows],
        "settlement": [r[6] for r in rows],
        "lat": [float(r[7].replace(",", ".")) if r[7] else np.nan for r in rows],
        "lon": [float(r[8].replace(",", ".")) if r[8] else np.nan for r in rows],
        "status_raw": [r[9] for r in rows],
        "damage": [float(r[10]) for r in rows],
        "online": [r[11] == "да" for r in rows],
        "minor_involved": [r[12] == "да" for r in rows],
        "foreign_national": [r[13] == "да" for r in rows],
        "summary": [r[14] for r in rows],
    })
    return frame, np.array(["." in r[7] for r in rows])


def _kg_sample_frame() -> tuple[pd.DataFrame, np.ndarray]:
    rows = _read_rows("kg_erp_chuy-talas_2024-01.csv", "utf-8-sig", ",")
    coords = [r[9].split(", ") if r[9] else ["", ""] for r in rows]
    frame = pd.DataFrame({
        "source_id": [r[0] for r in rows],
        "registered_on": np.array([_stamp(r[1]) for r in rows]),
        "occurred_at": np.array([_stamp(r[2], r[3]) for r in rows]),
        "occurred_has_time": [bool(r[3]) for r in rows],
        "article_raw": [r[4] for r in rows],
        "title_raw": [r[5] for r in rows],
        "oblast": ["CHU" if r[6] == "Чуйская" else "TAL" for r in rows],
        "district_name": [r[7] for r in rows],
        "settlement": [r[8] for r in rows],
        "lat": [float(c[0]) if c[0] else np.nan for c in coords],
        "lon": [float(c[1]) if c[1] else np.nan for c in coords],
        "status_raw": [r[10] for r in rows],
        "damage": [float(r[11]) for r in rows],
        "online": [r[12] == "1" for r in rows],
        "minor_involved": [r[13] == "1" for r in rows],
        "foreign_national": [r[14] == "1" for r in rows],
        "summary": [r[15] for r in rows],
    })
    return frame, np.array(["." in r[1] for r in rows])


# --------------------------------------------------------------------------- exact sample layouts

def test_kz_writer_reproduces_the_sample_byte_for_byte(tmp_path: Path) -> None:
    frame, dot_rows = _kz_sample_frame()
    target = tmp_path / "kz.csv"
    written = writers.write_kz_erdr(target, frame, options=writers.RenderOptions(dot_decimal=dot_rows))
    assert written == 8
    assert target.read_bytes() == (SAMPLES / "kz_erdr_2024-01.csv").read_bytes()


def test_kg_writer_reproduces_the_sample_byte_for_byte(tmp_path: Path) -> None:
    frame, dmy_rows = _kg_sample_frame()
    target = tmp_path / "kg.csv"
    writers.write_kg_erp(target, frame, options=writers.RenderOptions(dmy_dates=dmy_rows))
    assert target.read_bytes() == (SAMPLES / "kg_erp_chuy-talas_2024-01.csv").read_bytes()


@pytest.mark.parametrize(("name", "header"), [
    ("bulletins_2024-01.csv", writers.BULLETINS_HEADER),
    ("finds_2024-01.csv", writers.FINDS_HEADER),
    ("operations_2024.csv", writers.OPERATIONS_HEADER),
])
def test_exchange_writers_reproduce_the_samples(tmp_path: Path, name: str, header: tuple[str, ...]) -> None:
    rows = _read_rows(name, "utf-8", ";")
    frame = pd.DataFrame(rows, columns=list(header))
    target = tmp_path / name
    writers.write_table(target, writers.render_plain(frame, header), writers.EXCHANGE_DIALECT)
    assert target.read_bytes() == (SAMPLES / name).read_bytes()


def test_generated_files_keep_the_sample_header_bytes_encoding_and_line_ends(tmp_path: Path) -> None:
    kz = model.generate_incidents(300, 3, date(2024, 1, 1), date(2024, 3, 31), "KZ")
    kg = model.generate_incidents(300, 3, date(2024, 1, 1), date(2024, 3, 31), "KG")
    writers.write_kz_erdr(tmp_path / "kz.csv", kz)
    writers.write_kg_erp(tmp_path / "kg.csv", kg)
    for name, sample, encoding in (("kz.csv", "kz_erdr_2024-01.csv", "cp1251"), ("kg.csv", "kg_erp_chuy-talas_2024-01.csv", "utf-8-sig")):
        data = (tmp_path / name).read_bytes()
        reference = (SAMPLES / sample).read_bytes()
        assert data.split(b"\r\n", 1)[0] == reference.split(b"\r\n", 1)[0]
        assert data.count(b"\r\n") == 301 and data.count(b"\n") == 301
        parsed = list(csv.reader(io.StringIO(data.decode(encoding), newline=""), delimiter=";" if name == "kz.csv" else ","))
        assert {len(row) for row in parsed} == {len(parsed[0])}
    assert (tmp_path / "kg.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert not (tmp_path / "kz.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_number_formatting_helpers() -> None:
    values = np.array([1450000.0, 999.0, 0.0, np.nan, 12345678.0])
    grouped = writers.format_integers(values, thousands=np.array([True, True, False, True, True]), sep=" ")
    assert grouped.tolist() == ["1 450 000", "999", "0", "", "12 345 678"]
    coords = writers.format_decimals(np.array([43.0512, 0.0, np.nan, -1.5]), comma=True)
    assert coords.tolist() == ["43,0512", "0", "", "-1,5000"]
    days = np.array(["2024-01-05", "NaT", "2024-12-31"], dtype="datetime64[s]")
    assert writers.format_dates(days, iso=np.array([False, False, True]), short_year=np.array([True, False, True])).tolist() == [
        "05.01.24", "", "2024-12-31"]


def test_imei_check_digits_are_valid() -> None:
    rng = np.random.default_rng(1)
    imeis = model.make_imei(rng, 50).tolist()
    payload = np.array([[int(c) for c in "35693803564380"]])
    assert int(model.luhn_digit(payload)[0]) == 9  # the sample's IMEI 356938035643809
    for imei in imeis:
        digits = [int(c) for c in imei]
        total = sum(d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits))
        assert len(imei) == 15 and total % 10 == 0
