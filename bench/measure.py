"""Timing and memory primitives, and the subprocess workers that isolate the ingest's memory.

The ingest and the pandas baseline each run in a fresh ``python -m bench.measure <mode>`` process, so
``peak_rss_mib`` (the worker's own ``ru_maxrss``) holds the interpreter, the imports and the load — and not
the generator or the parent's other measurements. Both run the same way, so the comparison is fair: same
warm page cache, same cold interpreter, timing from the first byte read to the commit.
"""

from __future__ import annotations

import inspect
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def rss_mib(pid: int | None = None) -> float | None:
    """Resident set size of a process from ``/proc/<pid>/status`` (MiB), ``None`` when unreadable."""
    return _proc_status_kib(pid, "VmRSS")


def hwm_mib(pid: int | None = None) -> float | None:
    """Peak resident set size (``VmHWM``) of a process, MiB."""
    return _proc_status_kib(pid, "VmHWM")


def _proc_status_kib(pid: int | None, field: str) -> float | None:
    path = Path(f"/proc/{pid if pid is not None else 'self'}/status")
    try:
        for line in path.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def tree_rss_mib(pid: int) -> float | None:
    """RSS of a process plus its descendants (Streamlit may fork helpers), MiB."""
    total = 0.0
    found = False
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
        except OSError:
            continue
        # the command name may contain spaces; fields after the closing parenthesis are fixed
        fields = stat[stat.rfind(")") + 2:].split()
        child_pid, parent = int(proc.name), int(fields[1])
        if child_pid == pid or _is_descendant(parent, pid):
            value = rss_mib(child_pid)
            if value is not None:
                total += value
                found = True
    return total if found else None


def _is_descendant(parent: int, root: int) -> bool:
    seen = 0
    while parent > 1 and seen < 64:
        if parent == root:
            return True
        try:
            stat = Path(f"/proc/{parent}/stat").read_text()
        except OSError:
            return False
        parent = int(stat[stat.rfind(")") + 2:].split()[1])
        seen += 1
    return False


def quiet(con: Any) -> None:
    """No DuckDB progress bar: it would print into the measured output (the app's setting is not changed)."""
    con.execute("SET enable_progress_bar = false")


def apply_settings(con: Any, spec: str) -> dict[str, str]:
    """Apply ``name=value,name=value`` DuckDB settings (experiments: ``BENCH_DUCKDB_SETTINGS``)."""
    import re

    applied = {}
    for item in filter(None, (part.strip() for part in spec.split(","))):
        name, _, value = item.partition("=")
        if not re.fullmatch(r"[a-z_]+", name) or not re.fullmatch(r"[A-Za-z0-9._]+", value):
            raise ValueError(f"bad DuckDB setting {item!r}")
        # the name is checked above (identifiers cannot be bound); the value is a bound parameter
        con.execute("SET " + name + " = ?", [value])
        applied[name] = value
    return applied


def median_ms(func: Callable[[], Any], runs: int = 20, warmup: int = 1) -> float:
    """Median wall time of ``func()`` over ``runs`` calls after ``warmup`` untimed calls, in ms."""
    for _ in range(warmup):
        func()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def median_cost(func: Callable[[], Any], runs: int = 20) -> tuple[float, float]:
    """Median wall ms and median CPU ms (all threads of this process) of ``func()`` over ``runs`` calls.

    CPU time is the figure to trust on a shared machine: other processes stretch the wall time, not it.
    """
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        func()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def call_with(func: Callable[..., Any], available: dict[str, Any]) -> Callable[[], Any]:
    """A zero-argument call of ``func`` with its parameters filled by name from ``available``.

    Parameters with defaults that are not in ``available`` keep their defaults; a required parameter that is
    not available raises ``TypeError`` naming it (the caller reports the key as null with that reason).
    """
    kwargs: dict[str, Any] = {}
    positional: list[Any] = []
    for name, param in inspect.signature(func).parameters.items():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if name in available:
            value = available[name]
        elif param.default is not inspect.Parameter.empty:
            continue
        else:
            raise TypeError(f"no value for required parameter {name!r} of {func.__module__}.{func.__qualname__}")
        if param.kind is param.POSITIONAL_ONLY:
            positional.append(value)
        else:
            kwargs[name] = value
    return lambda: func(*positional, **kwargs)


# --- workers -------------------------------------------------------------------------------------

def _load_with_project(con: Any, path: Path) -> Any:
    from analytics.ingest import load_file  # type: ignore[attr-defined]  # being written (issue 4)

    return call_with(load_file, {"con": con, "connection": con, "path": path, "file": path,
                                 "source": path, "file_path": path})()


def _summary(result: Any) -> dict[str, Any]:
    """The JSON-able counts of a load result (dataclass, dict or object with attributes)."""
    if result is None:
        return {}
    items: Iterable[tuple[str, Any]]
    if isinstance(result, dict):
        items = result.items()
    elif hasattr(result, "__dataclass_fields__"):
        items = ((name, getattr(result, name)) for name in result.__dataclass_fields__)
    else:
        items = ((name, getattr(result, name)) for name in dir(result) if not name.startswith("_"))
    return {key: value for key, value in items if isinstance(value, (int, float, str, bool)) or value is None}


def _time_after_load() -> list[float]:
    """Wrap the loader's after-load steps so that their wall time (a part of the load) is reported apart."""
    try:
        from analytics.ingest import loader
    except ImportError:
        return []
    original = getattr(loader, "run_after_load", None)
    seconds: list[float] = []
    if original is None:
        return seconds

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            seconds.append(time.perf_counter() - start)

    loader.run_after_load = timed  # type: ignore[attr-defined]
    return seconds


def worker(mode: str, db_path: Path, files: list[Path]) -> dict[str, Any]:
    """Load ``files`` into a fresh database with the project's ingest (``ingest``) or pandas (``baseline``)."""
    from analytics import db

    for suffix in ("", ".wal"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    con = db.connect(db_path)
    quiet(con)
    applied = apply_settings(con, os.environ.get("BENCH_DUCKDB_SETTINGS", ""))
    rss_ready = rss_mib()
    per_file = []
    if mode == "ingest":
        # Import cost is not load time (the baseline's pandas/h3 imports are not timed either); the loader
        # imports its geometry module lazily, on the first file.
        import analytics.geo  # noqa: F401
        import analytics.ingest  # noqa: F401

        after_load = _time_after_load()
        for path in files:
            after_load.clear()
            start, cpu = time.perf_counter(), time.process_time()
            result = _load_with_project(con, path)
            per_file.append({"file": path.name, "seconds": time.perf_counter() - start,
                             "cpu_s": time.process_time() - cpu, "result": _summary(result),
                             # part of "seconds": matching and pre-aggregates refreshed inside the load
                             "after_load_s": round(sum(after_load), 3)})
    elif mode == "baseline":
        import warnings

        from bench import baseline

        # rules with regex groups make pandas warn on every call; the warning is about the API, not the data
        warnings.simplefilter("ignore", UserWarning)
        loaders = {"kz": baseline.load_kz_pandas, "kg": baseline.load_kg_pandas}
        for path in files:
            start, cpu = time.perf_counter(), time.process_time()
            result = loaders[path.name[:2]](con, path)
            per_file.append({"file": path.name, "seconds": time.perf_counter() - start,
                             "cpu_s": time.process_time() - cpu, "result": result})
    else:
        raise ValueError(mode)
    rows = con.execute("SELECT count(*) FROM incidents").fetchall()[0][0]
    con.close()
    return {
        "mode": mode, "files": per_file, "total_s": sum(item["seconds"] for item in per_file),
        # CPU seconds of all threads: less sensitive than wall time to other processes on a shared machine
        "cpu_s": sum(item["cpu_s"] for item in per_file),
        "incidents": int(rows), "rss_ready_mib": rss_ready, "duckdb_settings": applied,
        # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so a worker forked from a parent that
        # holds the generated frames would report the parent's size. VmHWM belongs to this image only.
        "peak_rss_mib": hwm_mib(),
        "ru_maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run_worker(mode: str, db_path: Path, files: list[Path], timeout: float = 900) -> dict[str, Any]:
    """Run :func:`worker` in a fresh interpreter and return its JSON (``error`` on failure)."""
    command = [sys.executable, "-m", "bench.measure", mode, str(db_path), *map(str, files)]
    # the upload page's size limit (200 MB) is a policy for browsers, not for a 5M-row benchmark file
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SHEKARA_UPLOAD_LIMIT_MB": "100000"}
    proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:]
        return {"error": " | ".join(tail) or f"exit {proc.returncode}"}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def main(argv: list[str]) -> int:
    mode, db_path, *files = argv
    print(json.dumps(worker(mode, Path(db_path), [Path(f) for f in files]), default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
