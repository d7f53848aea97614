"""``python -m analytics hotspots``: hot spots, border bands and linked series for scripts and checks.

``--json`` prints ``{"res", "cells": [{h3, lat, lon, count, gi_z, p_fdr, class}], "border_bands": [{side,
band_km, count}], "series": [{series_id, size, kz, kg, crosses_border, first_date, last_date, categories,
lat, lon, members}]}``. ``cells`` lists every analysed cell with incidents and every significant one (a cell
with no incident can be part of a hot spot); ``lat, lon`` is the cell centre; the counts sum to the geocoded
incidents in the filter, and so do the bands of each side together.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

import h3
import pandas as pd

from analytics import border
from analytics.commands import open_existing, parse_date
from analytics.filters import SIDES, Filters
from analytics.hotspots import analyse_hotspots, border_series, load_near_repeat_points
from analytics.hotspots.data import RESOLUTIONS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, help="файл базы DuckDB / database file")
    parser.add_argument("--category", action="append", default=[],
                        help="категория (можно несколько раз) / category key (repeatable)")
    parser.add_argument("--start", help="с ГГГГ-ММ-ДД (дата регистрации) / from YYYY-MM-DD (registration date)")
    parser.add_argument("--end", help="по ГГГГ-ММ-ДД включительно / to YYYY-MM-DD inclusive")
    parser.add_argument("--side", choices=SIDES, help="только сторона / one side only")
    parser.add_argument("--res", type=int, choices=RESOLUTIONS,
                        help="разрешение H3 (по умолчанию по охвату) / H3 resolution (default: by extent)")
    parser.add_argument("--permutations", type=int, default=999, help="перестановки для p_sim / Monte-Carlo draws")
    parser.add_argument("--json", action="store_true", help="вывести JSON / print JSON")


def _number(value: Any) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def build_report(con: Any, filters: Filters, res: int | None = None, permutations: int = 999) -> dict[str, Any]:
    """The JSON document of ``--json`` (see the module docstring)."""
    result = analyse_hotspots(con, filters, res=res, permutations=permutations, points=False)
    cells = result.cells[(result.cells["count"] > 0) | (result.cells["class"] != "none")]
    bands = border.band_counts(border.band_table(con, filters))
    series = border_series(load_near_repeat_points(con, filters))
    cell_rows: list[dict[Any, Any]] = cells.to_dict(orient="records")
    band_rows: list[dict[Any, Any]] = bands.to_dict(orient="records")
    series_rows: list[dict[Any, Any]] = series.to_dict(orient="records")
    return {
        "res": result.res,
        "cells": [{"h3": h3.int_to_str(int(c["h3"])), "lat": round(float(c["lat"]), 6),
                   "lon": round(float(c["lon"]), 6), "count": int(c["count"]), "gi_z": round(float(c["gi_z"]), 4),
                   "p_fdr": _number(c["p_fdr"]), "class": str(c["class"])} for c in cell_rows],
        "border_bands": [{"side": str(b["side"]), "band_km": str(b["band_km"]), "count": int(b["count"])}
                         for b in band_rows],
        "series": [{"series_id": int(r["series_id"]), "size": int(r["size"]), "kz": int(r["kz"]), "kg": int(r["kg"]),
                    "crosses_border": bool(r["crosses_border"]),
                    "first_date": pd.Timestamp(r["first_date"]).date().isoformat(),
                    "last_date": pd.Timestamp(r["last_date"]).date().isoformat(),
                    "categories": list(r["categories"]), "lat": round(float(r["lat"]), 6),
                    "lon": round(float(r["lon"]), 6), "members": list(r["members"])} for r in series_rows],
    }


def run(args: argparse.Namespace) -> int:
    filters = Filters(start=parse_date(args.start) if args.start else None,
                      end=parse_date(args.end) if args.end else None,
                      sides=(args.side,) if args.side else (), categories=tuple(args.category))
    con = open_existing(args.db)
    try:
        report = build_report(con, filters, res=args.res, permutations=args.permutations)
    finally:
        con.close()
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    hot = [c for c in report["cells"] if c["class"].startswith("hot")]
    print(f"H3 res {report['res']}: {len(report['cells'])} cells, "
          f"{sum(c['count'] for c in report['cells'])} geocoded incidents, {len(hot)} hot cells")
    for cell in hot[:20]:
        print(f"  {cell['h3']} {cell['lat']:.4f},{cell['lon']:.4f} n={cell['count']} z={cell['gi_z']:+.2f} "
              f"p_fdr={cell['p_fdr']:.3g} {cell['class']}")
    for band in report["border_bands"]:
        print(f"  {band['side']} {band['band_km']:>5} km: {band['count']}")
    crossing = [s for s in report["series"] if s["crosses_border"]]
    print(f"series: {len(report['series'])}, crossing the border: {len(crossing)}")
    return 0
