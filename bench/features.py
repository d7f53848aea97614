"""The feature timings: Gi* on the data's grid, bulletin matching, a 10-slide deck.

Each returns ``(seconds | None, details)``; ``None`` comes with ``details["reason"]`` when the module or
function the bench calls is not in the tree yet, or fails — reported, never faked.
"""

from __future__ import annotations

import importlib
import time
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from bench.measure import call_with


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
    """Arguments by name as a page passes them on first render (the sidebar's default period)."""
    from analytics import reference
    from analytics.access import SYSTEM
    from analytics.filters import Filters

    first, last = reference.date_bounds(con)
    end = last or date.today()
    start = max(first or end, date(end.year - 1, end.month, 1))
    filters = Filters(start=start, end=end)
    return {"filters": filters, "lang": "ru", "language": "ru", "viewer": SYSTEM, "as_of": end,
            "start": start, "end": end}


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
    """A full ``analytics.bulletins.propose_matches`` pass: all bulletins × the finds table and fabula keys.

    The loads already proposed the pairs of their own rows (an after-load step) and scanned the incident
    fabulas (that cost is inside ``ingest_s``). To time matching honestly the proposals are deleted first, so
    the pass below proposes every pair again; it must find exactly as many as the loads did. The fabula scan
    over every stored incident is timed on its own (``fabula_scan_s``, not part of ``match_s``).
    """
    func = _find("analytics.bulletins", MATCH_NAMES)
    if isinstance(func, Exception) or func is None:
        return _missing("analytics.bulletins", MATCH_NAMES)
    at_load = int(con.execute("SELECT count(*) FROM matches").fetchall()[0][0])
    try:
        begin = time.perf_counter()
        keys = con.execute("SELECT count(*) FROM fabula_scan(NULL)").fetchall()[0][0]
        scan_seconds = time.perf_counter() - begin
        con.execute("DELETE FROM matches")
        call = call_with(func, {**_bounds(con), "con": con})
        start = time.perf_counter()
        call()
        seconds = time.perf_counter() - start
    except Exception as exc:  # noqa: BLE001
        return None, {"reason": f"{func.__name__}: {type(exc).__name__}: {exc}"[:300]}
    proposed = int(con.execute("SELECT count(*) FROM matches").fetchall()[0][0])
    counts = con.execute("SELECT (SELECT count(*) FROM bulletins), (SELECT count(*) FROM finds)").fetchall()[0]
    return seconds, {"function": "analytics.bulletins.propose_matches", "matches": proposed,
                     "proposed_at_load": at_load, "same_as_load": proposed == at_load,
                     "fabula_scan_s": round(scan_seconds, 3), "fabula_keys": int(keys),
                     "bulletins": int(counts[0]), "finds": int(counts[1])}


def time_slides(con: duckdb.DuckDBPyConnection, out_dir: Path) -> tuple[float | None, dict[str, Any]]:
    """A 10-slide Russian deck as of the last data date, PPTX only (no PDF step).

    The deck is 9 fixed slides plus one trend slide per direction; the first direction gives the 10 slides the
    target is about (all five directions make 14).

    Timed twice, on a renderer that is stopped before each:

    - ``cold_s``: the first deck of the process, Chromium for the chart images starting inside it (a deck asked
      for by a script right after a server start);
    - ``slides_s``: the deck as the Slides page makes it: the page starts the renderer when it opens
      (``warm_up``), the user picks the options, then clicks. Timed from the click, once the renderer is ready.
    """
    try:
        from analytics.slides.content import DIRECTIONS, DeckOptions
        from analytics.slides.deck import build_deck
        from analytics.slides.render import stop_renderer, wait_until_ready, warm_up
    except ImportError as exc:
        return None, {"reason": f"analytics.slides not importable: {exc}"}
    as_of = _bounds(con)["as_of"]
    runs: list[float] = []
    details: dict[str, Any] = {"function": "analytics.slides.deck.build_deck"}
    try:
        for attempt, flow in enumerate(("cold", "page")):
            stop_renderer()
            if flow == "page":
                started = time.perf_counter()
                if not (warm_up() and wait_until_ready()):
                    return None, {"reason": "the chart renderer did not start"}
                details["renderer_ready_s"] = round(time.perf_counter() - started, 3)
            out = out_dir / f"bench_deck_{attempt}.pptx"
            out.unlink(missing_ok=True)
            start = time.perf_counter()
            options = DeckOptions(as_of=as_of, lang="ru", directions=DIRECTIONS[:1])
            result = build_deck(con, options, out, pdf=None, username="bench")
            runs.append(time.perf_counter() - start)
            details[f"timings_{flow}"] = {k: round(v, 3) for k, v in getattr(result, "timings", {}).items()}
    except Exception as exc:  # noqa: BLE001
        return None, {"reason": f"build_deck: {type(exc).__name__}: {exc}"[:300]}
    from pptx import Presentation

    details["slides"] = len(Presentation(str(out_dir / "bench_deck_1.pptx")).slides)
    details["cold_s"] = round(runs[0], 3)
    return runs[1], details
