"""``python -m bench.chart``: the ingest-time-vs-rows chart of docs/benchmarks.md from saved results.

Reads ``bench/results/rows_<N>.json`` (written by ``python -m bench --rows N --save …``) and draws the
project's ingest time and the pandas baseline against the row count, with the straight line through the
origin fitted to the project's points (least squares), so linear scaling — or its absence — is visible.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from bench.measure import ROOT

RESULTS = ROOT / "bench" / "results"


def load_results(folder: Path = RESULTS) -> list[dict[str, Any]]:
    """Saved results ordered by row count."""
    found = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("rows_*.json"))]
    return sorted(found, key=lambda r: r["rows"])


def scaling_figure(results: list[dict[str, Any]]) -> go.Figure:
    """Ingest seconds (project and pandas) against rows, with a through-origin linear fit of the project."""
    fig = go.Figure()
    rows = [r["rows"] for r in results if r.get("ingest_s")]
    ingest = [r["ingest_s"] for r in results if r.get("ingest_s")]
    if rows:
        slope = sum(x * y for x, y in zip(rows, ingest, strict=True)) / sum(x * x for x in rows)
        top = max(rows)
        fig.add_scatter(x=[0, top], y=[0, slope * top], mode="lines", name=f"linear fit: {slope * 1e6:.2f} s per 1M",
                        line={"dash": "dot", "color": "#888"})
        fig.add_scatter(x=rows, y=ingest, mode="markers+lines+text", name="Shekara ingest (DuckDB)",
                        text=[f"{v:.2f} s" for v in ingest], textposition="top left",
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.chart")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "bench_scaling.png")
    args = parser.parse_args(argv)
    results = load_results()
    if not results:
        raise SystemExit(f"no results in {RESULTS}; run python -m bench --rows N --save {RESULTS}/rows_N.json")
    fig = scaling_figure(results)
    args.out.write_bytes(fig.to_image(format=args.out.suffix.lstrip(".") or "png", scale=1))
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
