"""The feature timings: Gi* on the data's grid, bulletin matching, a 10-slide deck.

Each returns ``(seconds | None, details)``; ``None`` comes with ``details["reason"]`` when the module or
function the bench calls is not in the tree yet, or fails — reported, never faked.
"""

from __future__ import annotations

import importlib
import time
from pathlib import Path
from typing import Any

import duckdb

from bench.measure import call_with
from bench.queries import default_arguments


def _missing(module: str, names: tuple[str, ...]) -> tuple[None, dict[str, Any]]:
    return None, {"reason": f"{module} has none of {', '.join(names)} (not written yet)"}


def _find(module_name: str, names: tuple[str, ...]) -> Any:
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        return exc
    for name in names:
        func = getattr(module, name, None)
        if callable(func):
            return func
    return None


def _bounds(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    from analytics import reference

    first, last = reference.date_bounds(con)
    return default_arguments(con, last, first)


GI_NAMES = ("compute_gi_star", "gi_star", "getis_ord_gi_star", "hotspot_cells")


def time_gi_star(con: duckdb.DuckDBPyConnection, permutations: int = 999) -> tuple[float | None, dict[str, Any]]:
    """Gi* with ``permutations`` permutations on the H3 grid of all geocoded incidents.

    The cell counts are read first (not timed: that is a page query, timed with the queries); the timed part
    is the statistic with its permutations and FDR, as ``analytics.hotspots`` computes it.
    """
    func = _find("analytics.hotspots", GI_NAMES)
    if isinstance(func, Exception) or func is None:
        return _missing("analytics.hotspots", GI_NAMES)
    counts = con.execute(
        "SELECT h3_r7 AS h3, count(*) AS count FROM incidents WHERE geo_ok AND h3_r7 IS NOT NULL GROUP BY 1"
    ).df()
    available = {**_bounds(con), "con": con, "counts": counts, "cells": counts, "frame": counts,
                 "permutations": permutations, "n_permutations": permutations, "seed": 1}
    try:
        call = call_with(func, available)
        start = time.perf_counter()
        result = call()
        seconds = time.perf_counter() - start
    except Exception as exc:  # noqa: BLE001
        return None, {"reason": f"{func.__name__}: {type(exc).__name__}: {exc}"[:300]}
    return seconds, {"function": f"analytics.hotspots.{func.__name__}", "cells": len(counts),
                     "rows_out": len(result) if hasattr(result, "__len__") else None}


MATCH_NAMES = ("propose_matches",)


def time_matching(con: duckdb.DuckDBPyConnection) -> tuple[float | None, dict[str, Any]]:
    """``analytics.bulletins.propose_matches`` over the loaded bulletins × finds."""
    func = _find("analytics.bulletins", MATCH_NAMES)
    if isinstance(func, Exception) or func is None:
        return _missing("analytics.bulletins", MATCH_NAMES)
    available = {**_bounds(con), "con": con}
    try:
        call = call_with(func, available)
        start = time.perf_counter()
        result = call()
        seconds = time.perf_counter() - start
    except Exception as exc:  # noqa: BLE001
        return None, {"reason": f"{func.__name__}: {type(exc).__name__}: {exc}"[:300]}
    proposed = con.execute("SELECT count(*) FROM matches").fetchall()[0][0]
    return seconds, {"function": "analytics.bulletins.propose_matches", "matches": int(proposed),
                     "returned": result if isinstance(result, (int, float)) else None}


SLIDE_NAMES = ("build_deck", "make_deck", "render_deck", "create_deck")
SLIDE_MODULES = ("analytics.slides", "analytics.slides.render", "analytics.slides.content")


def time_slides(con: duckdb.DuckDBPyConnection, out_dir: Path) -> tuple[float | None, dict[str, Any]]:
    """A Russian deck (10 slides when all sections have data) written to PPTX, no PDF step."""
    func = None
    for module in SLIDE_MODULES:
        found = _find(module, SLIDE_NAMES)
        if callable(found):
            func = found
            break
    if func is None:
        return _missing("analytics.slides", SLIDE_NAMES)
    out = out_dir / "bench_deck.pptx"
    out.unlink(missing_ok=True)
    available = {**_bounds(con), "con": con, "out": out, "path": out, "out_path": out, "lang": "ru",
                 "pdf": None, "with_pdf": False}
    try:
        call = call_with(func, available)
        start = time.perf_counter()
        call()
        seconds = time.perf_counter() - start
    except Exception as exc:  # noqa: BLE001
        return None, {"reason": f"{func.__name__}: {type(exc).__name__}: {exc}"[:300]}
    slides = None
    if out.exists():
        from pptx import Presentation

        slides = len(Presentation(str(out)).slides)
    return seconds, {"function": f"{func.__module__}.{func.__name__}", "slides": slides}
