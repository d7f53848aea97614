"""Smoke test of the benchmark harness at a tiny N: the files are in the real formats, the JSON has its keys.

No timing is asserted here (speed is what ``python -m bench`` reports, on a quiet machine); only that the
harness runs end to end and its figures are sane.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import generate
from bench.queries import referenced_functions

ROOT = Path(__file__).resolve().parent.parent
KEYS = {"rows", "ingest_s", "baseline_pandas_s", "cp1251_s", "peak_rss_mib", "queries_ms", "gi_star_s",
        "match_s", "slides_s", "app_rss_mib", "ingest_vs_pandas", "machine", "notes", "misses"}


def test_kz_export_is_cp1251_semicolon_crlf(tmp_path: Path) -> None:
    path = tmp_path / "kz.csv"
    rejects = generate.write_kz_erdr(path, 500, seed=3)
    raw = path.read_bytes()
    text = raw.decode("cp1251")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    lines = text.split("\r\n")
    assert lines[0].split(";") == generate.KZ_COLUMNS
    assert lines[-1] == "" and len(lines) == 502
    assert "\n" not in text.replace("\r\n", "")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))[1:]
    assert all(len(row) == 15 for row in rows)
    # the rows the loader must reject: no number or an impossible date — and only those
    bad = [r for r in rows if r[0] == "" or r[1].startswith("31.02.")]
    assert len(bad) == rejects
    assert any("," in r[7] for r in rows)  # decimal commas in coordinates


def test_kg_export_is_utf8_bom_comma_with_lat_lon_column(tmp_path: Path) -> None:
    path = tmp_path / "kg.csv"
    generate.write_kg_erp(path, 500, seed=4)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == generate.KG_COLUMNS
    coords = [r[9] for r in rows[1:] if r[9]]
    assert coords and all(", " in c for c in coords)
    assert raw.count(b'"') >= 2 * len(coords)  # the "lat, lon" column is quoted
    assert {r[6] for r in rows[1:]} <= {"Чуйская", "Таласская"}


def test_generation_is_deterministic(tmp_path: Path) -> None:
    generate.write_kg_erp(tmp_path / "a.csv", 300, seed=5)
    generate.write_kg_erp(tmp_path / "b.csv", 300, seed=5)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_finds_reproduce_bulletin_identifiers(tmp_path: Path) -> None:
    from analytics.identifiers import normalise_plate, normalise_tag, normalise_vin

    b_path, f_path, hits = generate.write_bulletins_and_finds(tmp_path, 200, 2000, hit_per_mille=100)
    bulletins = list(csv.DictReader(b_path.open(encoding="utf-8"), delimiter=";"))
    finds = list(csv.DictReader(f_path.open(encoding="utf-8"), delimiter=";"))
    assert len(bulletins) == 200 and len(finds) == 2000
    keys = {normalise_vin(b["VIN"]) for b in bulletins} | {normalise_plate(b["Госномер"]) for b in bulletins} \
        | {normalise_tag(b["Бирка/тавро"]) for b in bulletins}
    keys.discard(None)
    seized = [f for f in finds if f["Результат"] == "изъято"]
    assert len(seized) == hits
    matched = [f for f in seized if {normalise_vin(f["VIN"]), normalise_plate(f["Госномер"]),
                                     normalise_tag(f["Бирка/тавро"])} & keys]
    # every vehicle/livestock hit carries a key of some bulletin; misses never do
    assert matched and all(f["Вид объекта"] in {"автомобиль", "скот"} for f in matched)
    misses = [f for f in finds if f["Результат"] == "проверено"]
    assert not [f for f in misses if {normalise_vin(f["VIN"]), normalise_plate(f["Госномер"])} & keys]


def test_referenced_functions_reads_page_imports(tmp_path: Path) -> None:
    page = tmp_path / "p.py"
    page.write_text(
        "from analytics import ui, reference\nfrom analytics.filters import where_clause as wc\n"
        "con = ui.connection()\nx = reference.categories(con)\nwc(None)\n", encoding="utf-8")
    found = {(q.module, q.name) for q in referenced_functions(page, "p")}
    assert found == {("analytics.reference", "categories"), ("analytics.filters", "where_clause")}


@pytest.mark.slow
def test_bench_runs_end_to_end_at_tiny_n(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "--rows", "2000", "--bulletins", "200", "--finds", "2000", "--runs", "2",
         "--json", "--skip-app", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert KEYS <= set(result)
    assert result["rows"] == 2000
    assert result["machine"]["nproc"] >= 1
    baseline = result["baseline_detail"]
    assert baseline["incidents"] + result["expected_rejects"] == 2000
    assert result["baseline_pandas_s"] > 0
    assert result["app_rss_mib"] is None and result["notes"]["app_rss_mib"].startswith("skipped")
    # every figure is either measured (positive) or null with a reason
    for key in ("ingest_s", "cp1251_s", "peak_rss_mib", "gi_star_s", "match_s", "slides_s"):
        assert (result[key] is not None and result[key] > 0) or key in result["notes"], key
    # two alternated rounds of each load; the figure is the fastest round's
    assert len(result["ingest_detail"]["rounds_s"]) == len(baseline["rounds_s"]) == 2
    assert result["baseline_pandas_s"] == pytest.approx(min(baseline["rounds_s"]), abs=0.001)
    if result["ingest_s"] is not None:
        assert result["ingest_s"] == pytest.approx(min(result["ingest_detail"]["rounds_s"]), abs=0.001)
        assert result["ingest_detail"]["incidents"] + result["expected_rejects"] == 2000
        assert result["ingest_vs_pandas"] == pytest.approx(result["baseline_pandas_s"] / result["ingest_s"], abs=0.006)  # rounded to 2 decimals
        assert result["peak_rss_mib"] > result["rss_before_load_mib"] > 0
    if result["match_s"] is not None:  # the full pass proposes exactly what the loads proposed
        assert result["match_detail"]["same_as_load"], result["match_detail"]
        assert result["match_detail"]["matches"] > 0
    for name, value in result["queries_ms"].items():
        assert (value is not None and value >= 0) or f"queries_ms[{name}]" in result["notes"], name
    # every replayed query has its figure: the lowest of its round medians
    assert set(result["queries_detail"]) == set(result["queries_ms"])
    for name, detail in result["queries_detail"].items():
        assert result["queries_ms"][name] == pytest.approx(min(detail["round_ms"]), abs=0.006), name
