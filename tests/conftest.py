"""Shared fixtures: databases, sample files, a running app server and a Playwright page.

Under CI=true a skipped browser test fails the run (the browser is part of the contract).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "data" / "samples"
CHROMIUM = os.environ.get("SHEKARA_CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

_skipped_browser_tests: list[str] = []


@pytest.fixture
def con(tmp_path: Path):
    """A fresh, migrated database file with reference tables (no incidents)."""
    from analytics import db

    connection = db.connect(tmp_path / "test.duckdb")
    yield connection
    connection.close()


@pytest.fixture
def v2_navigation(monkeypatch):
    """Run dashboard.py on every AppTest rerun, as a server does once it has left the pages-folder mode.

    AppTest resets Streamlit's "pages/ directory" (v1) flag before each run, so its reruns would
    execute the current page file alone, without dashboard.py. A server sets the flag to False at
    its first run (analytics.ui.ensure_entrypoint) and keeps it.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test

    class ServerPagesManager(PagesManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    monkeypatch.setattr(app_test, "PagesManager", ServerPagesManager)
    yield
    PagesManager.uses_pages_directory = None


@pytest.fixture
def samples() -> Path:
    """Copies of ../shared/formats/samples (kept in the repo so tests run anywhere)."""
    return SAMPLES


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_app(db_path: Path, extra_env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """Start ``streamlit run dashboard.py`` the way ``make run`` does, on a free loopback port."""
    port = free_port()
    env = {**os.environ, "SHEKARA_DB": str(db_path), **(extra_env or {})}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as resp:  # noqa: S310 (loopback)
                if resp.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    output = proc.stdout.read().decode("utf-8", "replace") if proc.stdout else ""
    raise RuntimeError(f"streamlit did not start on {url}:\n{output}")


@pytest.fixture
def browser():
    """A headless Debian chromium driven by Playwright; every non-loopback request is blocked and recorded."""
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.skip(f"{CHROMIUM} is not installed (make test installs it)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-quic",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-first-run"],
        )
        yield instance
        instance.close()


@pytest.fixture
def offline_page(browser) -> Iterator:
    """A page whose requests outside 127.0.0.1 are aborted; ``page.external_requests`` lists them."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ru-RU")
    page = context.new_page()
    external: list[str] = []

    def guard(route) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")):
            route.continue_()
        else:
            external.append(url)
            route.abort()

    context.route("**/*", guard)
    page.external_requests = external  # type: ignore[attr-defined]
    yield page
    context.close()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and "browser" in report.keywords:
        _skipped_browser_tests.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if IN_CI and _skipped_browser_tests:
        print(f"\nCI=true: {len(_skipped_browser_tests)} browser test(s) were skipped; that is a failure:")
        for nodeid in _skipped_browser_tests:
            print("  " + nodeid)
        session.exitstatus = 1
