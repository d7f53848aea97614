"""``python -m bench.report``: the figures table and the scaling chart of docs/benchmarks.md, from saved runs.

Reads ``bench/results/rows_<N>.json`` (written by ``python -m bench --rows N --save …``), rewrites the block
between ``<!-- figures:start -->`` and ``<!-- figures:end -->`` in ``docs/benchmarks.md`` and draws
``docs/bench_scaling.png``: the project's ingest time and the pandas baseline against the row count, with
a straight line a + b·rows (fixed cost of a load + per-row cost) fitted to the project's points by least
squares, so linear scaling — or its absence — is visible. The document's numbers are always those of the saved
runs.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from bench.measure import ROOT

RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- figures:start -->", "<!-- figures:end -->"
# (key, label, target at 1M, target at 5M, lower is better)
ROWS_OF_TABLE = [
    ("ingest_s", "ingest, both files (s)", 1.5, 10.0, True),
    ("ingest_cpu_s", "ingest CPU, all threads (s)", None, None, True),
    ("cp1251_s", "of which KZ cp1251 half (s)", None, None, True),
    ("baseline_pandas_s", "pandas + pyarrow baseline (s)", None, None, True),
    ("ingest_vs_pandas", "baseline / ingest (×)", 2.0, None, False),
    ("peak_rss_mib", "peak RSS of the ingest process (MiB)", None, 1228.8, True),
    ("queries_max_ms", "slowest page query, best of 3 round medians of 20 (ms)", 25, 100, True),
    ("gi_star_s", "Gi*, 999 permutations, data grid (s)", 1.0, 1.0, True),
    ("match_s", "matching 100k bulletins × 1M finds, full pass (s)", 2.0, 2.0, True),
    ("slides_s", "10-slide deck, no PDF, from the click on the Slides page (s)", 5.0, 5.0, True),
    ("slides_cold_s", "the same deck as the process's first, Chromium starting inside (s)", None, None, True),
    ("app_rss_mib", "app RSS after rendering the Overview (MiB)", 300, None, True),
]


def load_results(folder: Path = RESULTS) -> list[dict[str, Any]]:
    """Saved results ordered by row count."""
    found = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("rows_*.json"))]
    return sorted(found, key=lambda r: r["rows"])


def scaling_figure(results: list[dict[str, Any]]) -> go.Figure:
    """Ingest seconds (project and pandas) against rows, with a linear fit (fixed cost + per-row cost)."""
    fig = go.Figure()
    rows = [r["rows"] for r in results if r.get("ingest_s")]
    ingest = [r["ingest_s"] for r in results if r.get("ingest_s")]
    if len(rows) >= 2:
        # least squares a + b·rows: a is the fixed cost of a load (imports, geometry, detection), b the per-row cost
        n = len(rows)
        mean_x, mean_y = sum(rows) / n, sum(ingest) / n
        slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(rows, ingest, strict=True)) / sum(
            (x - mean_x) ** 2 for x in rows)
        fixed = mean_y - slope * mean_x
        top = max(rows)
        fig.add_scatter(x=[0, top], y=[fixed, fixed + slope * top], mode="lines",
                        name=f"linear fit: {fixed:.1f} s + {slope * 1e6:.1f} s per 1M rows",
                        line={"dash": "dot", "color": "#888"})
    if rows:
        fig.add_scatter(x=rows, y=ingest, mode="markers+lines+text", name="Shekara ingest (DuckDB)",
                        text=[f"{v:.1f} s" for v in ingest], textposition="bottom right",
                        marker={"size": 10, "color": "#1f6feb"})
    base = [(r["rows"], r["baseline_pandas_s"]) for r in results if r.get("baseline_pandas_s")]
    if base:
        fig.add_scatter(x=[b[0] for b in base], y=[b[1] for b in base], mode="markers+lines+text",
                        name="pandas + pyarrow baseline", text=[f"{b[1]:.1f} s" for b in base],
                        textposition="top left", marker={"size": 10, "color": "#d9822b"})
    fig.update_layout(
        title="Ingest time vs rows (KZ cp1251 + KG UTF-8 halves; detect, parse, map, H3, write)",
        xaxis_title="rows", yaxis_title="seconds", template="plotly_white", width=900, height=520,
        legend={"x": 0.02, "y": 0.98},
    )
    fig.update_xaxes(tickformat="~s")
    return fig


def _fmt(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    return str(value)


def _status(value: Any, target: float | None, lower_better: bool) -> str:
    if target is None or value is None:
        return ""
    ok = value <= target if lower_better else value >= target
    return "✅" if ok else "❌"


def figures_markdown(results: list[dict[str, Any]]) -> str:
    """The summary table (1M and 5M side by side with targets) and the per-query table."""
    by_rows = {r["rows"]: r for r in results}
    one, five = by_rows.get(1_000_000, {}), by_rows.get(5_000_000, {})
    lines = ["| figure | target 1M | 1M | | target 5M | 5M | |", "|---|---|---|---|---|---|---|"]
    for key, label, t1, t5, lower in ROWS_OF_TABLE:
        v1, v5 = one.get(key), five.get(key)
        lines.append(f"| {label} | {_fmt(t1)} | {_fmt(v1)} | {_status(v1, t1, lower)} | {_fmt(t5)} | {_fmt(v5)} "
                     f"| {_status(v5, t5, lower)} |")
    names = list(dict.fromkeys([*(one.get("queries_ms") or {}), *(five.get("queries_ms") or {})]))
    if names:
        lines += ["", "Page queries — ms, the lowest of three round medians of 20 replays with the page's own arguments "
                  "(CPU ms of that round in brackets):",
                  "", "| page:query | 1M | 5M |", "|---|---|---|"]
        for name in names:
            cells = []
            for run, limit in ((one, 25), (five, 100)):
                value = (run.get("queries_ms") or {}).get(name)
                cpu = ((run.get("queries_detail") or {}).get(name) or {}).get("cpu_ms")
                mark = "" if value is None else (" ✅" if value <= limit else " ❌")
                cells.append("—" if value is None else f"{value:,.1f} ({cpu:,.0f}){mark}" if cpu is not None
                             else f"{value:,.1f}{mark}")
            lines.append(f"| `{name}` | {cells[0]} | {cells[1]} |")
    machine = (one or five or results[-1])["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in machine["versions"].items() if v)
    lines += ["", f"Machine: {machine['nproc']} cores ({machine['cpu']}), {machine['ram_gib']} GiB RAM, "
                  f"Python {machine['python']}; {versions}."]
    runs = [f"{r['rows']:,} rows: {r.get('started')}, load average {r['machine']['loadavg_at_start']:.1f} at start, "
            f"whole run {r.get('bench_total_s')} s" for r in results]
    lines += ["", "Runs: " + "; ".join(runs) + "."]
    return "\n".join(lines)


def update_doc(results: list[dict[str, Any]], doc: Path = DOC) -> None:
    """Replace the figures block of the document with the table of the saved results."""
    text = doc.read_text(encoding="utf-8")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    doc.write_text(head + START + "\n" + figures_markdown(results) + "\n" + END + tail, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report")
    parser.add_argument("--chart", type=Path, default=ROOT / "docs" / "bench_scaling.png")
    args = parser.parse_args(argv)
    results = load_results()
    if not results:
        raise SystemExit(f"no results in {RESULTS}; run python -m bench --rows N --save {RESULTS}/rows_N.json")
    update_doc(results)
    fig = scaling_figure(results)
    args.chart.write_bytes(fig.to_image(format=args.chart.suffix.lstrip(".") or "png", scale=1))
    print(DOC, args.chart)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
