"""Every query the Overview, Trends, Hotspots and Bulletins pages issue, recorded from a real render.

The list is not written by hand (it would go stale as pages change). Each page file is parsed for the
``analytics`` functions it references; those that take the database (a ``con``/``connection``/``cursor``
parameter) — plus the shared sidebar's queries — are wrapped with a recorder, and the page is rendered once
with Streamlit's ``AppTest`` on the benchmark database (``SHEKARA_AUTH=off``, default sidebar filters,
Russian). Every call the page made (top level only: a query's helpers are part of its time) is then replayed
outside Streamlit with the page's own arguments — same filters, same as-of date — and its median over 20 runs
is reported as ``"<page>:<module>.<function>"``. The page's ``st.cache_data`` is bypassed on purpose: the
figure is the cost of a cache miss, which every user pays after each upload.
"""

from __future__ import annotations

import ast
import functools
import gc
import importlib
import inspect
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.measure import ROOT, median_cost, median_ms

PAGES = ("overview", "trends", "hotspots", "bulletins")
# Glue the pages use that is not a query of the data (widgets, labels, downloads, the cached connection).
NOT_QUERIES = {"analytics.ui", "analytics.i18n", "analytics.exports", "analytics.audit", "analytics.config"}
CONNECTION_NAMES = ("con", "connection", "cursor", "conn", "db")
# What the shared sidebar (analytics.ui.sidebar_filters, data_version) runs on every page render.
SIDEBAR_QUERIES = [("analytics.reference", "date_bounds"), ("analytics.reference", "oblasts"),
                   ("analytics.reference", "districts"), ("analytics.reference", "categories"),
                   ("analytics.db", "data_version")]


@dataclass
class PageQuery:
    """One analytics function referenced by a page."""

    page: str
    module: str
    name: str

    @property
    def key(self) -> str:
        return f"{self.page}:{self.module.removeprefix('analytics.')}.{self.name}"


def referenced_functions(page_file: Path, page: str) -> list[PageQuery]:
    """Functions of ``analytics.*`` modules that ``page_file`` references, in order of first use."""
    tree = ast.parse(page_file.read_text(encoding="utf-8"))
    module_alias: dict[str, str] = {}
    function_alias: dict[str, tuple[str, str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "analytics":
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if _is_module(full):
                    module_alias[alias.asname or alias.name] = full
                else:
                    function_alias[alias.asname or alias.name] = (node.module, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "analytics":
                    module_alias[alias.asname or alias.name] = alias.name
    found: list[PageQuery] = []
    seen: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        target: tuple[str, str] | None = None
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in module_alias:
            target = (module_alias[node.value.id], node.attr)
        elif isinstance(node, ast.Name) and node.id in function_alias:
            target = function_alias[node.id]
        if target and target not in seen and target[0] not in NOT_QUERIES:
            seen.add(target)
            found.append(PageQuery(page, *target))
    found.sort(key=lambda q: (q.module, q.name))
    return found


def _is_module(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def is_query(func: Callable[..., Any]) -> bool:
    """A function that reads the database: it has a connection parameter."""
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return False
    return any(name in params for name in CONNECTION_NAMES)


@dataclass
class RecordedCall:
    """One query call a page made while rendering, with its arguments, for replay."""

    key: str
    func: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    first_ms: float


def _wrap(query: PageQuery, func: Callable[..., Any], calls: list[RecordedCall], depth: list[int]) -> Callable:
    @functools.wraps(func)
    def recorder(*args: Any, **kwargs: Any) -> Any:
        depth[0] += 1
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            depth[0] -= 1
            # only what the page calls itself: a query's own helpers are part of its time
            if depth[0] == 0:
                calls.append(RecordedCall(query.key, func, args, kwargs, (time.perf_counter() - start) * 1000))
    return recorder


def record_page(page: str, db_path: Path) -> tuple[list[RecordedCall], list[str]]:
    """Render ``pages/<page>.py`` once with Streamlit's AppTest (default sidebar filters, Russian) and record
    every call of an ``analytics`` query the page and the sidebar make.

    Returns
    -------
    (calls, errors) : recorded calls in order; exceptions the page raised while rendering.
    """
    import streamlit as st
    from streamlit import logger as st_logger
    from streamlit.testing.v1 import AppTest

    # AppTest outside a server warns on every cache call ("No runtime found"): not news for a benchmark
    st_logger.set_log_level("error")

    page_file = ROOT / "pages" / f"{page}.py"
    targets = referenced_functions(page_file, page) + [PageQuery("sidebar", m, n) for m, n in SIDEBAR_QUERIES]
    calls: list[RecordedCall] = []
    depth = [0]
    patched: list[tuple[Any, str, Any]] = []
    for query in targets:
        module = importlib.import_module(query.module)
        func = getattr(module, query.name, None)
        if not callable(func) or inspect.isclass(func) or not is_query(func):
            continue
        patched.append((module, query.name, func))
        setattr(module, query.name, _wrap(query, func, calls, depth))
    previous = {k: os.environ.get(k) for k in ("SHEKARA_DB", "SHEKARA_AUTH")}
    os.environ.update(SHEKARA_DB=str(db_path), SHEKARA_AUTH="off")
    try:
        st.cache_data.clear()
        app = AppTest.from_file(str(page_file), default_timeout=900)
        app.run()
        errors = [str(e.value)[:300] for e in app.exception]
    finally:
        # The page opened the database through analytics.ui's cached connection: close it, or this process
        # keeps DuckDB's write lock and the app started later cannot open the file.
        from analytics import ui

        try:
            ui._connection(str(db_path)).close()
        except Exception:  # noqa: BLE001,S110 — nothing was cached
            pass
        st.cache_resource.clear()
        gc.collect()
        for module, name, func in patched:
            setattr(module, name, func)
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return calls, errors


def _replay_args(call: RecordedCall, cursor: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The recorded arguments with the page's connection swapped for the bench's cursor."""
    import duckdb

    swap = lambda value: cursor if isinstance(value, duckdb.DuckDBPyConnection) else value  # noqa: E731
    return tuple(swap(a) for a in call.args), {k: swap(v) for k, v in call.kwargs.items()}


ROUNDS = 3


def time_page_queries(con: Any, db_path: Path, runs: int = 20, slow_ms: float = 500.0, rounds: int = ROUNDS
                      ) -> tuple[dict[str, float | None], dict[str, str], dict[str, Any]]:
    """Wall ms of every query the four pages (and the sidebar) issue, replayed with the page's arguments.

    Every page is recorded first; then each recorded call is replayed ``runs`` times, in ``rounds`` rounds over
    the whole list (so that a burst of another process on this shared machine falls into one round of a query,
    not all of them). A query's figure is the lowest of its round medians — the practice of ``timeit``: the
    higher ones measure the other processes. Every round's median is kept in the detail.

    Parameters
    ----------
    con : the loaded benchmark database (replays use their own cursor, as a page script does).
    db_path : its file, for the recording render.
    runs : timed replays per query and round after one untimed warm-up; a query slower than ``slow_ms`` gets 3
        in a single round (its figure is far above any target anyway, and 20 runs of it would dominate the bench).
    rounds : rounds over the list.

    Returns
    -------
    (timings, notes, detail) : ``{"page:module.function": ms}``, reasons for nulls and page errors, and per
    query ``first_in_page_ms`` (inside the page render, cold), ``runs``, ``round_ms`` and ``cpu_ms`` (CPU of the
    round whose median is reported).
    """
    timings: dict[str, float | None] = {}
    notes: dict[str, str] = {}
    detail: dict[str, Any] = {}
    replays = _recorded_replays(db_path, notes)
    for round_no in range(rounds):
        for key, call in replays:
            if timings.get(key, 0.0) is None or (round_no and detail[key]["runs"] < runs):
                continue  # failed, or too slow for more rounds
            cursor = con.cursor()
            args, kwargs = _replay_args(call, cursor)
            try:
                if round_no == 0:
                    first = median_ms(lambda: call.func(*args, **kwargs), runs=1, warmup=0)  # noqa: B023
                    detail[key] = {"first_in_page_ms": round(call.first_ms, 1),
                                   "runs": runs if first < slow_ms else 3, "round_ms": []}
                wall, cpu = median_cost(lambda: call.func(*args, **kwargs), runs=detail[key]["runs"])  # noqa: B023
                detail[key]["round_ms"].append(round(wall, 2))
                if key not in timings or wall < (timings[key] or 0.0):
                    timings[key] = wall
                    detail[key]["cpu_ms"] = round(cpu, 1)
            except Exception as exc:  # noqa: BLE001 — a failing query is a finding, reported by name
                timings[key] = None
                notes[key] = f"{type(exc).__name__}: {exc}"[:300]
            finally:
                cursor.close()
    return timings, notes, detail


def _recorded_replays(db_path: Path, notes: dict[str, str]) -> list[tuple[str, RecordedCall]]:
    """(key, call) of every query the pages issued while rendered, the sidebar's once; repeats get ``#n``."""
    replays: list[tuple[str, RecordedCall]] = []
    seen_sidebar: set[str] = set()
    for page in PAGES:
        calls, errors = record_page(page, db_path)
        if errors:
            notes[f"{page}:render"] = " | ".join(errors)
        if not calls:
            notes[f"{page}:*"] = "the page issued no analytics query while rendering"
        counts: dict[str, int] = {}
        for call in calls:
            key = call.key
            if key.startswith("sidebar:"):
                if key in seen_sidebar:
                    continue
                seen_sidebar.add(key)
            counts[key] = counts.get(key, 0) + 1
            replays.append((key if counts[key] == 1 else f"{key}#{counts[key]}", call))
    return replays
