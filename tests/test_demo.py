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
    assert grouped.to_pylist() == ["1 450 000", "999", "0", "", "12 345 678"]
    coords = writers.format_decimals(np.array([43.0512, 0.0, np.nan, -1.5]), comma=True)
    assert coords.to_pylist() == ["43,0512", "0", "", "-1,5000"]
    days = np.array(["2024-01-05", "NaT", "2024-12-31"], dtype="datetime64[s]")
    assert writers.format_dates(days, iso=np.array([False, False, True]), short_year=np.array([True, False, True])).to_pylist() == [
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


# ------------------------------------------------------------------------ one year, end to end

END = date(2025, 10, 31)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """One year of demo data built through the real ingest (shared by the tests below)."""
    from analytics import db
    from analytics.demo import build_demo_db

    folder = tmp_path_factory.mktemp("demo")
    result = build_demo_db(folder / "demo.duckdb", years=1, seed=7, end=END)
    con = db.connect(folder / "demo.duckdb")
    yield result, con
    con.close()


@pytest.mark.slow
def test_one_year_fills_both_sides_in_every_category(demo) -> None:
    _, con = demo
    per_side = dict(con.execute("SELECT side, count(DISTINCT category) FROM incidents GROUP BY side").fetchall())
    assert per_side == {"KZ": 10, "KG": 10}
    volumes = dict(con.execute("SELECT oblast, count(*) FROM incidents GROUP BY oblast").fetchall())
    # Eleven months of Zhambyl and Talas (one is missing), twelve of Chuy.
    assert 5000 <= volumes["ZHA"] <= 8000 and 6000 <= volumes["CHU"] <= 9000 and 1300 <= volumes["TAL"] <= 2000


@pytest.mark.slow
def test_every_incident_lands_in_the_category_it_was_made_for(demo) -> None:
    result, con = demo
    stored = con.execute("SELECT side, source_id, category FROM incidents").df()
    intended = result.plan.incidents[["side", "source_id", "category"]].astype(str)
    merged = stored.merge(intended, on=["side", "source_id"], suffixes=("_db", "_made"))
    assert len(merged) == len(stored)
    assert (merged["category_db"] == merged["category_made"]).all()


@pytest.mark.slow
def test_only_the_planted_bad_rows_are_rejected(demo) -> None:
    result, con = demo
    totals = result.totals()
    planted = sum(f.bad_rows for f in result.plan.files)
    assert totals["rejected"] == planted > 0
    assert totals["rejected"] <= 0.005 * totals["rows_read"]
    reasons = dict(con.execute("SELECT reason, count(*) FROM rejects GROUP BY reason").fetchall())
    assert set(reasons) == {"missing_number", "bad_date"}
    assert sum(f.duplicate_rows for f in result.plan.files) > 0
    incident_rows = con.execute(
        "SELECT sum(rows_read), sum(accepted + updated + duplicates) FROM uploads WHERE kind LIKE '%incidents'"
    ).fetchone()
    assert incident_rows[1] >= 0.995 * incident_rows[0]


@pytest.mark.slow
def test_missing_months_are_missing_in_coverage(demo) -> None:
    result, con = demo
    months = {(side, oblast, m.strftime("%Y-%m")) for side, oblast, m in
              con.execute("SELECT DISTINCT side, oblast, month FROM coverage").fetchall()}
    assert ("KG", "TAL", "2025-02") not in months and ("KG", "CHU", "2025-02") in months
    assert ("KZ", "ZHA", "2025-07") not in months and ("KZ", "ZHA", "2025-06") in months
    assert len([m for m in months if m[1] == "CHU"]) == 12
    assert result.plan.missing == ["KG TAL 2025-02", "KZ ZHA 2025-07"]


@pytest.mark.slow
def test_livestock_theft_peaks_in_summer_and_autumn_near_the_border(demo) -> None:
    _, con = demo
    summer, winter, near = con.execute(
        "SELECT avg((month(registered_on) BETWEEN 6 AND 10)::INT), avg((month(registered_on) BETWEEN 1 AND 4)::INT), "
        "avg((border_km BETWEEN 4 AND 16)::INT) FILTER (WHERE geo_ok AND district IN "
        "('KORDAI','MERKE','RYSKULOV','PANFILOV','ZHAIYL','KARA_BUURA','MANAS','BAKAI_ATA')) "
        "FROM incidents WHERE category = 'livestock_theft'"
    ).fetchone()
    assert summer > winter * 1.5
    assert near > 0.6


@pytest.mark.slow
def test_drug_sales_move_online_and_flags_are_realistic(demo) -> None:
    _, con = demo
    shares = con.execute(
        "SELECT year(registered_on), avg(online::INT) FROM incidents WHERE category = 'drugs' GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert shares[-1][1] > shares[0][1]
    minors, foreign = con.execute(
        "SELECT avg(minor_involved::INT) FILTER (WHERE category = 'extremism_terrorism'), "
        "avg(foreign_national::INT) FILTER (WHERE category = 'illegal_border_crossing') FROM incidents"
    ).fetchone()
    assert 0.05 < minors < 0.4 and foreign > 0.6


@pytest.mark.slow
def test_coordinates_fall_in_the_right_oblast(demo) -> None:
    _, con = demo
    flags = dict(con.execute("SELECT coalesce(geo_flag, 'ok'), count(*) FROM incidents GROUP BY 1").fetchall())
    assert flags.get("outside", 0) == 0
    assert flags["ok"] > 0.9 * sum(flags.values())
    assert flags.get("swapped", 0) > 0 and flags.get("zero", 0) > 0 and flags.get("missing", 0) > 0


@pytest.mark.slow
def test_statuses_evolve_through_re_exports(demo) -> None:
    _, con = demo
    updated = con.execute("SELECT sum(updated) FROM uploads WHERE file_name LIKE '%_upd.csv'").fetchone()[0]
    history = con.execute("SELECT count(*) FROM incidents_history WHERE status IS DISTINCT FROM 'to_court'").fetchone()[0]
    assert updated > 1000 and history > 0
    old_open = con.execute(
        "SELECT avg((status = 'in_progress')::INT) FROM incidents WHERE registered_on < DATE '2025-02-01'"
    ).fetchone()[0]
    assert old_open < 0.35


@pytest.mark.slow
def test_bulletins_go_both_ways_and_resolve_realistically(demo) -> None:
    result, con = demo
    directions = dict(con.execute("SELECT initiator_side, count(*) FROM bulletins GROUP BY 1").fetchall())
    assert directions["KZ"] > 50 and directions["KG"] > 50
    kinds = {r[0] for r in con.execute("SELECT DISTINCT object_kind FROM bulletins").fetchall()}
    assert kinds == {"vehicle", "phone", "weapon", "livestock"}
    resolved = con.execute("SELECT avg((status IN ('found', 'returned'))::INT) FROM bulletins").fetchone()[0]
    assert 0.3 <= resolved <= 0.7
    linked = con.execute(
        "SELECT avg((i.source_id IS NOT NULL)::INT) FROM bulletins b LEFT JOIN incidents i "
        "ON i.side = b.initiator_side AND i.source_id = b.case_ref"
    ).fetchone()[0]
    assert linked > 0.9
    history = con.execute("SELECT count(*) FROM bulletins_history").fetchone()[0]
    assert history > 0
    keys = dict(con.execute("SELECT match_key, count(*) FROM matches GROUP BY 1").fetchall())
    assert {"vin", "plate", "imei", "tag", "serial", "bulletin_no"} <= set(keys)
    assert result.matches_proposed == sum(keys.values())
    wrong_imei = con.execute(
        "SELECT count(*) FROM matches m JOIN finds f ON m.ref_id = f.find_id WHERE NOT f.imei_valid"
    ).fetchone()[0]
    assert wrong_imei == 0
    unmatched = con.execute(
        "SELECT count(*) FROM finds f WHERE NOT EXISTS (SELECT 1 FROM matches m WHERE m.ref_id = f.find_id)"
    ).fetchone()[0]
    assert unmatched > 100
    assert con.execute("SELECT count(*) FROM matches WHERE status = 'confirmed'").fetchone()[0] > 0


@pytest.mark.slow
def test_joint_operations_every_quarter_in_every_direction(demo) -> None:
    _, con = demo
    rows = con.execute(
        "SELECT direction, count(DISTINCT quarter(started_on) || '-' || year(started_on)) FROM operations GROUP BY 1"
    ).fetchall()
    assert {r[0] for r in rows} == {"extremism_terrorism", "bulletins", "livestock_theft", "drugs", "weapons",
                                    "smuggling", "minors"}
    assert con.execute("SELECT count(*) FROM warnings w JOIN uploads u USING (upload_id) "
                       "WHERE u.kind = 'operations'").fetchone()[0] == 0


@pytest.mark.slow
def test_messy_files_were_written_and_read(demo) -> None:
    result, con = demo
    uploads = con.execute("SELECT file_name, encoding, delimiter FROM uploads").fetchall()
    encodings = {(name.split("_")[0], enc, delim) for name, enc, delim in uploads}
    assert ("kz", "utf-8", ";") in encodings and ("kz", "cp1251", "\t") in encodings
    assert ("kg", "cp1251", ",") in encodings and ("kg", "utf-16", "\t") in encodings
    repeat = [r for f, r in zip(result.plan.files, result.results, strict=True) if f.kind == "repeat"]
    assert len(repeat) == 1 and repeat[0].already_loaded


@pytest.mark.slow
def test_cli_refuses_a_database_that_already_has_incidents(demo, capsys) -> None:
    from analytics import cli

    result, _ = demo
    code = cli.main(["demo", "--db", str(result.db_path), "--years", "1", "--end", END.isoformat()])
    assert code == 2
    assert "--replace" in capsys.readouterr().err


def test_exports_are_byte_for_byte_deterministic(tmp_path: Path) -> None:
    from analytics.demo import write_demo_exports

    first = write_demo_exports(tmp_path / "a", years=1, seed=11, end=END)
    second = write_demo_exports(tmp_path / "b", years=1, seed=11, end=END)
    other = write_demo_exports(tmp_path / "c", years=1, seed=12, end=END)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir()) and len(names) > 40
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert (tmp_path / "a" / "kz_erdr_2025-06.csv").read_bytes() != (tmp_path / "c" / "kz_erdr_2025-06.csv").read_bytes()
    assert [f.path.name for f in first.files] == [f.path.name for f in second.files]
    assert len(other.files) == len(first.files)
