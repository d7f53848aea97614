"""Every query the Overview, Trends, Hotspots and Bulletins pages issue, found by reading the pages.

The list is not written by hand (it would go stale as pages change): each page file is parsed and every
reference to a function of an ``analytics`` module is collected — called directly or handed to a cache
wrapper. A function is a *query* when it takes the database (a parameter named ``con``/``connection``/
``cursor``); chart builders and formatting helpers take frames and are not timed. Each query is called as the
page calls it with default filters (the sidebar's default period: from the first day of the same month a year
before the last date with data, to that date), filling parameters by name (``con``, ``filters``, ``lang``,
``viewer``, ``as_of`` …). A required parameter the bench cannot fill is reported with its name, not skipped
silently.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bench.measure import ROOT, call_with, median_ms

PAGES = ("overview", "trends", "hotspots", "bulletins")
# Glue the pages use that is not a query of the data (widgets, labels, downloads, the cached connection).
NOT_QUERIES = {"analytics.ui", "analytics.i18n", "analytics.exports", "analytics.audit", "analytics.config"}
CONNECTION_NAMES = ("con", "connection", "cursor", "conn", "db")


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


def default_arguments(con: Any, last: date | None, first: date | None) -> dict[str, Any]:
    """The values a page passes on first render, by parameter name."""
    from analytics.access import SYSTEM
    from analytics.filters import Filters

    end = last or date.today()
    start = max(first or end, date(end.year - 1, end.month, 1))
    filters = Filters(start=start, end=end)
    return {
        "filters": filters, "flt": filters, "selection": filters, "lang": "ru", "language": "ru",
        "viewer": SYSTEM, "as_of": end, "start": start, "end": end, "period_start": start, "period_end": end,
    }


def time_page_queries(con: Any, runs: int = 20, overrides: dict[str, dict[str, Any]] | None = None
                      ) -> tuple[dict[str, float | None], dict[str, str]]:
    """Median ms of every query of the four pages, and the reasons for those that could not run.

    Parameters
    ----------
    con : the loaded benchmark database (each query gets its own cursor, as a page script does).
    runs : timed calls per query (after one untimed warm-up).
    overrides : per ``module.name`` extra arguments (e.g. a category the page picks by default).

    Returns
    -------
    (timings, notes) : ``{"page:module.function": ms or None}`` and ``{key: why it is None or skipped}``.
    """
    from analytics import reference

    first, last = reference.date_bounds(con)
    timings: dict[str, float | None] = {}
    notes: dict[str, str] = {}
    for page in PAGES:
        page_file = ROOT / "pages" / f"{page}.py"
        queries = referenced_functions(page_file, page) if page_file.exists() else []
        if not queries:
            timings[f"{page}:*"] = None
            notes[f"{page}:*"] = "the page calls no analytics query yet (still a placeholder)"
            continue
        for query in queries:
            func = getattr(importlib.import_module(query.module), query.name, None)
            if not callable(func) or inspect.isclass(func) or not is_query(func):
                continue
            cursor = con.cursor()
            available = {**default_arguments(cursor, last, first), **{name: cursor for name in CONNECTION_NAMES},
                         **(overrides or {}).get(f"{query.module.removeprefix('analytics.')}.{query.name}", {})}
            try:
                timings[query.key] = median_ms(call_with(func, available), runs=runs)
            except Exception as exc:  # noqa: BLE001 — a failing query is a finding, reported by name
                timings[query.key] = None
                notes[query.key] = f"{type(exc).__name__}: {exc}"[:300]
            finally:
                cursor.close()
    return timings, notes
