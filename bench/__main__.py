"""``python -m bench --rows N [--json] [--skip-app]``: every speed figure of Shekara in one run.

Steps: generate N incidents (half KZ ЕРДР cp1251, half KG ЕРП UTF-8 BOM) and the bulletin exchange
(100k bulletins, 1M finds); load the incidents with the project's ingest and with a pandas pipeline, each in
its own process; then, on the ingested database: the page queries, Gi*, matching, slides, and the app's memory.
A human-readable table goes to stderr; ``--json`` prints one JSON object as the last stdout line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import generate
from bench.measure import ROOT, quiet, run_worker

# Targets on the 2-core reference machine (issue 10); "ratio" targets are lower bounds.
TARGETS = {
    1_000_000: {"ingest_s": 1.5, "ingest_vs_pandas": 2.0, "query_ms": 25, "gi_star_s": 1.0, "match_s": 2.0,
                "slides_s": 5.0, "app_rss_mib": 300},
    5_000_000: {"ingest_s": 10.0, "peak_rss_mib": 1228.8, "query_ms": 100, "gi_star_s": 1.0, "match_s": 2.0,
                "slides_s": 5.0},
}
PACKAGES = ("duckdb", "pandas", "pyarrow", "numpy", "h3", "streamlit", "esda", "python-pptx", "plotly")


def machine() -> dict[str, Any]:
    """nproc, RAM, CPU model, load and versions: what the figures were taken on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kib = int(Path("/proc/meminfo").read_text().split()[1])
    except OSError:
        mem_kib = 0
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"nproc": os.cpu_count(), "ram_gib": round(mem_kib / 1024 / 1024, 1), "cpu": cpu,
            "loadavg_at_start": os.getloadavg()[0], "python": platform.python_version(), "versions": versions}


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def _ingest_rounds(kz_path: Path, kg_path: Path, bench_db: Path, baseline_db: Path,
                   rounds: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The project's ingest and the pandas baseline, each in a fresh process, alternated ``rounds`` times.

    Each side keeps its fastest round (the same rule for both, as ``timeit`` does: on a shared machine the slower
    rounds measure the other processes); every round's seconds are in ``rounds_s`` of each detail. Every round
    loads a fresh database from the same files, so the database left behind is the same whichever round won.
    """
    best: dict[str, dict[str, Any]] = {}
    seconds: dict[str, list[float | None]] = {"ingest": [], "baseline": []}
    for round_no in range(1, rounds + 1):
        for mode, db_path in (("ingest", bench_db), ("baseline", baseline_db)):
            _log(f"{'project ingest' if mode == 'ingest' else 'pandas baseline'} (subprocess, round {round_no})")
            found = run_worker(mode, db_path, [kz_path, kg_path])
            seconds[mode].append(None if "error" in found else round(found["total_s"], 3))
            if "error" not in found and ("total_s" not in best.get(mode, {})
                                         or found["total_s"] < best[mode]["total_s"]):
                best[mode] = found
            best.setdefault(mode, found)
    for mode in best:
        best[mode]["rounds_s"] = seconds[mode]
    return best["ingest"], best["baseline"]


def run(rows: int, out_dir: Path, skip_app: bool, runs: int, bulletins: int, finds: int,
        reuse: bool, ingest_rounds: int = 2) -> dict[str, Any]:
    """Run every measurement; returns the result object (the ``--json`` line)."""
    from analytics import db
    from bench import exchange, features, queries

    result: dict[str, Any] = {"rows": rows, "started": datetime.now().isoformat(timespec="seconds"),
                              "machine": machine(), "notes": {}}
    notes: dict[str, str] = result["notes"]
    t0 = time.perf_counter()

    kz_path, kg_path = out_dir / f"kz_erdr_{rows}.csv", out_dir / f"kg_erp_{rows}.csv"
    meta_path = out_dir / f"generated_{rows}.json"
    if not (reuse and kz_path.exists() and kg_path.exists() and meta_path.exists()):
        _log(f"generating {rows:,} incidents in {out_dir}")
        start = time.perf_counter()
        files = generate.write_incident_exports(out_dir, rows)
        meta_path.write_text(json.dumps({"generate_s": round(time.perf_counter() - start, 2),
                                         "expected_rejects": files.kz_rejects + files.kg_rejects,
                                         "generator": files.generator}), encoding="utf-8")
    result.update(json.loads(meta_path.read_text(encoding="utf-8")))
    result["file_mib"] = round((kz_path.stat().st_size + kg_path.stat().st_size) / 2**20, 1)

    bench_db = out_dir / "bench.duckdb"
    ingest, baseline = _ingest_rounds(kz_path, kg_path, bench_db, out_dir / "baseline.duckdb", ingest_rounds)
    result["ingest_detail"], result["baseline_detail"] = ingest, baseline
    if "error" in ingest:
        result.update(ingest_s=None, cp1251_s=None, peak_rss_mib=None)
        for key in ("ingest_s", "cp1251_s", "peak_rss_mib"):
            notes[key] = f"analytics.ingest.load_file failed or missing: {ingest['error']}"
    else:
        result["ingest_s"] = round(ingest["total_s"], 3)
        result["cp1251_s"] = round(ingest["files"][0]["seconds"], 3)
        result["utf8_bom_s"] = round(ingest["files"][1]["seconds"], 3)
        result["ingest_cpu_s"] = round(ingest["cpu_s"], 3)
        result["peak_rss_mib"] = round(ingest["peak_rss_mib"], 1)
        result["rss_before_load_mib"] = round(ingest["rss_ready_mib"] or 0, 1)
        result["rows_per_s"] = round(rows / ingest["total_s"]) if ingest["total_s"] else None
    if "error" in baseline:
        result["baseline_pandas_s"] = None
        notes["baseline_pandas_s"] = baseline["error"]
    else:
        result["baseline_pandas_s"] = round(baseline["total_s"], 3)
        result["baseline_cpu_s"] = round(baseline["cpu_s"], 3)
        result["baseline_peak_rss_mib"] = round(baseline["peak_rss_mib"], 1)
    _log(f"ingest {result.get('ingest_s')} s (CPU {result.get('ingest_cpu_s')} s, peak RSS "
         f"{result.get('peak_rss_mib')} MiB); pandas {result.get('baseline_pandas_s')} s")
    if result.get("ingest_s") and result.get("baseline_pandas_s"):
        result["ingest_vs_pandas"] = round(result["baseline_pandas_s"] / result["ingest_s"], 2)
    else:
        result["ingest_vs_pandas"] = None

    # Queries and features run on the project's database; if the ingest is not there yet they run on the
    # pandas-loaded one (same schema) so the rest of the harness is still exercised — and it is said.
    query_db = bench_db if "error" not in ingest else out_dir / "baseline.duckdb"
    if query_db != bench_db:
        notes["database"] = "queries, Gi*, matching and slides ran on the pandas-loaded database"
    con = db.connect(query_db)
    quiet(con)
    try:
        _log(f"exchange files: {bulletins:,} bulletins, {finds:,} finds")
        b_path, f_path = out_dir / f"bulletins_{bulletins}.csv", out_dir / f"finds_{finds}.csv"
        if not (reuse and b_path.exists() and f_path.exists()):
            generate.write_bulletins_and_finds(out_dir, bulletins, finds)
        loaded = exchange.load_exchange(con, b_path, f_path)
        result["exchange_load"] = {k: (round(v, 2) if isinstance(v, float) else v) for k, v in loaded.items()}

        # the loads proposed the pairs of their rows; the full pass is timed from an empty matches table
        _log("bulletin matching")
        seconds, detail = features.time_matching(con)
        _store(result, notes, "match_s", seconds, detail)
        _log(f"matching {result['match_s']} s {detail}")
        result["matches_decided"] = exchange.decide_some(con)
        _log("Gi* (999 permutations)")
        seconds, detail = features.time_gi_star(con)
        _store(result, notes, "gi_star_s", seconds, detail)

        _log("page queries (record a render of each page, replay each query)")
        timings, query_notes, query_detail = queries.time_page_queries(con, query_db, runs=runs)
        result["queries_ms"] = {k: (round(v, 2) if v is not None else None) for k, v in timings.items()}
        result["queries_detail"] = query_detail
        notes.update({f"queries_ms[{k}]": v for k, v in query_notes.items()})
        measured = [v for v in timings.values() if v is not None]
        result["queries_max_ms"] = round(max(measured), 2) if measured else None
        _log("slides")
        seconds, detail = features.time_slides(con, out_dir)
        _store(result, notes, "slides_s", seconds, detail)
        result["slides_cold_s"] = detail.get("cold_s")
    finally:
        con.close()

    if skip_app:
        result["app_rss_mib"] = None
        notes["app_rss_mib"] = "skipped (--skip-app)"
    else:
        from bench.app import measure_app

        _log("app memory (streamlit + chromium)")
        app = measure_app(query_db)
        result["app_detail"] = app
        result["app_rss_mib"] = round(app["app_rss_mib"], 1) if app.get("app_rss_mib") else None
        if "error" in app:
            notes["app_rss_mib"] = app["error"]
    result["bench_total_s"] = round(time.perf_counter() - t0, 1)
    result["targets"] = TARGETS.get(rows)
    result["misses"] = misses(result)
    return result


def _store(result: dict[str, Any], notes: dict[str, str], key: str, seconds: float | None,
           detail: dict[str, Any]) -> None:
    result[key] = round(seconds, 3) if seconds is not None else None
    result[key.removesuffix("_s") + "_detail"] = detail
    if seconds is None:
        notes[key] = detail.get("reason", "not measured")


def misses(result: dict[str, Any]) -> list[str]:
    """Targets of this row count that the run missed (or could not measure)."""
    targets = TARGETS.get(result["rows"])
    if not targets:
        return []
    out = []
    for key, limit in targets.items():
        if key == "query_ms":
            for name, value in (result.get("queries_ms") or {}).items():
                if value is not None and value > limit:
                    out.append(f"query {name}: {value} ms > {limit} ms")
            continue
        value = result.get(key)
        if value is None:
            out.append(f"{key}: not measured")
        elif key == "ingest_vs_pandas" and value < limit:
            out.append(f"{key}: {value}× < {limit}×")
        elif key != "ingest_vs_pandas" and value > limit:
            out.append(f"{key}: {value} > {limit}")
    return out


def render_table(result: dict[str, Any]) -> str:
    """The human-readable summary."""
    lines = [f"Shekara benchmark — {result['rows']:,} rows ({result['machine']['nproc']} cores, "
             f"{result['machine']['cpu']}, load {result['machine']['loadavg_at_start']:.1f})"]
    for key in ("ingest_s", "ingest_cpu_s", "cp1251_s", "baseline_pandas_s", "baseline_cpu_s", "ingest_vs_pandas", "peak_rss_mib", "gi_star_s",
                "match_s", "slides_s", "app_rss_mib", "queries_max_ms"):
        value = result.get(key)
        lines.append(f"  {key:<20} {'—' if value is None else value}")
    for name, value in (result.get("queries_ms") or {}).items():
        lines.append(f"    {name:<60} {'—' if value is None else f'{value:8.2f} ms'}")
    for key, why in result["notes"].items():
        lines.append(f"  note {key}: {why}")
    for miss in result["misses"]:
        lines.append(f"  MISS {miss}")
    lines.append(f"  total bench time {result['bench_total_s']} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="incidents to generate (half per side)")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    parser.add_argument("--skip-app", action="store_true", help="do not start Streamlit to measure its memory")
    parser.add_argument("--out", type=Path, default=None, help="work folder (default bench/out/<rows>)")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per query and round (lowest round median reported)")
    parser.add_argument("--bulletins", type=int, default=100_000)
    parser.add_argument("--finds", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="reuse generated files from an earlier run")
    parser.add_argument("--ingest-rounds", type=int, default=2,
                        help="rounds of project ingest and pandas baseline, alternated; the fastest of each is kept")
    parser.add_argument("--save", type=Path, default=None, help="also write the JSON result to this file")
    parser.add_argument("--duckdb-settings", default="",
                        help="experiment: DuckDB settings for the ingest process, e.g. memory_limit=1GB,threads=2")
    args = parser.parse_args(argv)
    if args.duckdb_settings:
        os.environ["BENCH_DUCKDB_SETTINGS"] = args.duckdb_settings
    out_dir = args.out or ROOT / "bench" / "out" / str(args.rows)
    out_dir.mkdir(parents=True, exist_ok=True)
    result = run(args.rows, out_dir, args.skip_app, args.runs, args.bulletins, args.finds, args.reuse,
                 args.ingest_rounds)
    print(render_table(result), file=sys.stderr)
    if args.save:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        args.save.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(result, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
