"""Memory of the running app: start Streamlit on the bench database, render the Overview, read the RSS.

The server is started exactly as ``make run`` starts it (``streamlit run dashboard.py`` on loopback), with
``SHEKARA_AUTH=off`` so the Overview renders without a login. A headless Debian Chromium (Playwright) opens
the page and waits until Streamlit has finished the script run; then the server's resident memory (and that
of any child it spawned) is read from ``/proc``. Without Playwright/Chromium the page is fetched over HTTP
instead, which loads the app shell but does not run the page script — reported as such.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.measure import ROOT, hwm_mib, tree_rss_mib

CHROMIUM = os.environ.get("SHEKARA_CHROMIUM", "/usr/bin/chromium")
BROWSER_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-quic",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as resp:  # noqa: S310 (loopback)
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer on {url} within {timeout:.0f} s")


def _render_with_browser(url: str, timeout_s: float) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="ru-RU")
        start = time.perf_counter()
        page.goto(url + "/overview", wait_until="domcontentloaded", timeout=timeout_s * 1000)
        # Streamlit marks the app root; while a script runs the status widget shows "running".
        page.wait_for_selector("[data-testid='stApp']", timeout=timeout_s * 1000)
        page.wait_for_selector("[data-testid='stMain']", timeout=timeout_s * 1000)
        # Done = no "running" status widget and the page's element count unchanged for 2 s (charts included).
        deadline = time.time() + timeout_s
        last, stable_since = -1, time.time()
        while time.time() < deadline:
            running = page.locator("[data-testid='stStatusWidget']").count() > 0
            elements = page.locator("[data-testid='stMain'] [data-testid]").count()
            if running or elements != last:
                last, stable_since = elements, time.time()
            elif time.time() - stable_since >= 2.0 and elements > 3:
                break
            page.wait_for_timeout(250)
        render_s = time.perf_counter() - start - 2.0  # minus the stability wait
        errors = page.locator("[data-testid='stException']")
        texts = [errors.nth(i).inner_text()[:300] for i in range(errors.count())]
        browser.close()
    return {"render_s": render_s, "exceptions_on_page": texts, "method": "playwright+chromium"}


def _error_tail(log: Path) -> str:
    """The last traceback in the server log (the page shows a redacted message only)."""
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    start = text.rfind("Traceback (most recent call last)")
    return " | ".join(line.strip() for line in text[start:].splitlines()[-4:]) if start >= 0 else ""


def measure_app(db_path: Path, timeout_s: float = 120) -> dict[str, Any]:
    """Start the app on ``db_path``, render the Overview, return its memory.

    Returns
    -------
    dict : ``app_rss_mib`` (server + children after the render), ``app_hwm_mib`` (server peak),
    ``render_s``, ``method``; or ``error``.
    """
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "SHEKARA_DB": str(db_path), "SHEKARA_AUTH": "off", "PYTHONPATH": str(ROOT)}
    log = db_path.parent / "app_server.log"
    with open(log, "wb") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.address", "127.0.0.1",
             "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT,
        )
    try:
        _wait_healthy(url, proc, 60)
        idle = tree_rss_mib(proc.pid)
        if Path(CHROMIUM).exists() and shutil.which(CHROMIUM):
            try:
                rendered = _render_with_browser(url, timeout_s)
            except Exception as exc:  # noqa: BLE001 — report instead of failing the whole bench
                return {"error": f"browser render failed: {type(exc).__name__}: {exc}"[:300]}
        else:
            with urllib.request.urlopen(url + "/overview", timeout=10) as resp:  # noqa: S310 (loopback)
                resp.read()
            rendered = {"render_s": None, "method": "http (no browser: the page script did not run)"}
        time.sleep(1.0)
        result = {"app_rss_mib": tree_rss_mib(proc.pid), "app_hwm_mib": hwm_mib(proc.pid),
                  "app_idle_rss_mib": idle, **rendered}
        if rendered.get("exceptions_on_page"):
            result["server_error"] = _error_tail(log)
        return result
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
