"""Plotly figure → PNG with kaleido and the local Debian Chromium (never a browser download).

One Chromium per process, served by a daemon thread with its own event loop. Starting Chromium costs
~2 s; :func:`start_renderer` returns at once and the thread boots the browser and renders a tiny warm-up
figure (plotly.js parsed, deck font loaded), so callers start it first and query the database meanwhile.

A batch of figures (one deck) shares one page load: stock kaleido reloads its page after every figure,
re-parsing the 4.6 MB plotly.js (~0.3 s a figure on this machine). The page is reloaded and warmed once
after each batch instead, off the caller's clock, so every deck still starts from a clean page.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import functools
import os
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from analytics.errors import ShekaraError
from analytics.slides.template import deck_font

DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Pixel canvas of a full-width chart (12.3 × 5.3 in on the slide, ~75 px/in); ``scale`` adds sharpness
# without changing the layout, so fonts keep their size relative to the chart.
CHART_WIDTH = 920
CHART_HEIGHT = 400
CHART_SCALE = 1.5
CHART_FONT_SIZE = 15  # px on the canvas; plotly's default 12 is too small across a meeting room
RENDER_TIMEOUT_S = 60.0

# The renderer is one page shared by the process; Streamlit runs each session in its own thread, so
# batches are serialised here or two sessions could receive each other's images.
_LOCK = threading.Lock()
# Starting has its own lock: a page opening while another session renders must not wait for that render.
_START_LOCK = threading.Lock()


class ChromiumMissing(ShekaraError):
    """No Chromium executable for rendering charts."""


class ChartRenderError(ShekaraError):
    """Chromium ran but a chart could not be turned into an image."""


@dataclass(frozen=True)
class ChartJob:
    """One figure to render and its pixel size."""

    figure: go.Figure
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    scale: float = CHART_SCALE


def chromium_path() -> Path:
    """The Chromium used by kaleido: ``SHEKARA_CHROMIUM`` or Debian's ``/usr/bin/chromium``.

    Raises
    ------
    ChromiumMissing
        When the file does not exist, with the command that installs it.
    """
    path = Path(os.environ.get("SHEKARA_CHROMIUM") or DEFAULT_CHROMIUM)
    if not path.exists():
        raise ChromiumMissing(
            f"Не найден браузер {path} для отрисовки графиков. Установите его: "
            "`sudo apt-get install -y chromium` (или `make system-deps`), либо укажите путь в SHEKARA_CHROMIUM.",
            f"Browser {path} for rendering charts was not found. Install it with "
            "`sudo apt-get install -y chromium` (or `make system-deps`), or set SHEKARA_CHROMIUM to its path.",
        )
    return path


def _warm_up_spec() -> dict[str, Any]:
    """A tiny figure in the deck font: rendering it parses plotly.js and loads the font ahead of the deck."""
    figure = go.Figure(go.Bar(x=["а", "ә"], y=[1, 2]), layout={"title": {"text": "Шекара"}})
    return {"fig": _with_deck_font(figure).to_dict(), "opts": {"format": "png", "width": 120, "height": 80,
                                                              "scale": 1}}


@functools.cache
def _kaleido_class() -> type:
    """``kaleido.Kaleido`` keeping its page loaded between the figures of a batch (see the module doc)."""
    import kaleido  # heavy import (choreographer, logistro): only when slides are made

    class DeckKaleido(kaleido.Kaleido):
        async def _return_kaleido_tab(self, tab: Any) -> None:
            # kaleido 1.5 reloads the page here after every figure; the batch keeps it (fresh_page after).
            await self.tabs_ready.put(tab)

        async def warm(self) -> None:
            await self.write_fig_from_object(_warm_up_spec(), cancel_on_error=True, _write=False)

        async def fresh_page(self) -> None:
            """Reload the page (a clean state for the next batch) and warm it up again."""
            tab = await self._get_kaleido_tab()
            try:
                await tab.reload()
            finally:
                await self.tabs_ready.put(tab)
            await self.warm()

    return DeckKaleido


class _Server:
    """One Chromium, served by a daemon thread running its own event loop."""

    def __init__(self, path: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.opened: concurrent.futures.Future[Any] = concurrent.futures.Future()
        self.done = threading.Event()
        self.stopping: asyncio.Event | None = None
        self.thread = threading.Thread(target=self._main, args=(path,), name="shekara-kaleido", daemon=True)
        self.thread.start()

    def _main(self, path: Path) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._serve(path))
        finally:
            self.done.set()
            with contextlib.suppress(Exception):
                self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.close()

    async def _serve(self, path: Path) -> None:
        self.stopping = asyncio.Event()
        try:
            # mathjax=False: the default would load MathJax from a CDN; plotly.js comes from the plotly package.
            async with _kaleido_class()(path=str(path), mathjax=False, timeout=RENDER_TIMEOUT_S) as browser:
                await browser.warm()
                self.opened.set_result(browser)
                await self.stopping.wait()
        except BaseException as exc:  # handed to the callers waiting on ``opened``
            if not self.opened.done():
                self.opened.set_exception(exc)
            else:
                raise

    def alive(self) -> bool:
        return not self.done.is_set()

    def render(self, specs: list[dict[str, Any]], timeout: float) -> Any:
        """Render kaleido figure dicts (with paths) as one batch; returns kaleido's tuple of errors."""
        deadline = time.monotonic() + timeout
        browser = self.opened.result(timeout)
        future = asyncio.run_coroutine_threadsafe(browser.write_fig_from_object(specs, cancel_on_error=False),
                                                  self.loop)
        try:
            return future.result(max(deadline - time.monotonic(), 0.01))
        finally:
            if future.done():
                asyncio.run_coroutine_threadsafe(browser.fresh_page(), self.loop)
            else:
                future.cancel()

    def stop(self, timeout: float = 15.0) -> None:
        if self.alive():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                self.loop.call_soon_threadsafe(self._set_stopping)
            self.done.wait(timeout)

    def _set_stopping(self) -> None:
        if self.stopping is not None:
            self.stopping.set()


_SERVER: _Server | None = None


def start_renderer() -> None:
    """Start the process-wide renderer if it is not running; returns without waiting for Chromium.

    Raises
    ------
    ChromiumMissing
    """
    global _SERVER
    path = chromium_path()
    with _START_LOCK:
        if _SERVER is None or not _SERVER.alive():
            _SERVER = _Server(path)


atexit.register(lambda: stop_renderer())  # close Chromium cleanly when the process ends (late-bound for tests)


def warm_up() -> bool:
    """Start Chromium in the background ahead of need (the Slides page calls it on opening).

    Returns
    -------
    bool
        False when Chromium is missing; the error is raised later, when a deck is actually asked for.
    """
    try:
        start_renderer()
    except ChromiumMissing:
        return False
    return True


def wait_until_ready(timeout: float = RENDER_TIMEOUT_S) -> bool:
    """Block until the started renderer has booted and warmed up (what a page opening leads to).

    Returns
    -------
    bool
        False when no renderer was started, or it failed or did not get ready in ``timeout`` seconds.
    """
    server = _SERVER
    if server is None:
        return False
    try:
        server.opened.result(timeout)
    except Exception:  # noqa: BLE001 (a failed start is reported by the render that needs it)
        return False
    return True


def stop_renderer() -> None:
    """Stop the renderer (tests, or after a failed render so the next call starts afresh)."""
    global _SERVER
    with _START_LOCK:
        server, _SERVER = _SERVER, None
    if server is not None:
        server.stop()


def _with_deck_font(figure: go.Figure) -> go.Figure:
    """A copy whose text uses the deck font (and a readable size) when the chart did not choose them."""
    copy = go.Figure(figure)
    if not copy.layout.font.family:
        copy.update_layout(font_family=f"{deck_font()}, sans-serif")
    if not copy.layout.font.size:
        copy.update_layout(font_size=CHART_FONT_SIZE)
    return copy


def _printable(job: ChartJob) -> go.Figure:
    """The figure to export: an offline map is redrawn as SVG shapes (same picture, no WebGL; see static_map)."""
    from analytics.slides.static_map import is_map_figure, static_map

    return static_map(job.figure, job.width, job.height) if is_map_figure(job.figure) else job.figure


def _render_batch(specs: list[dict[str, Any]], timeout: float) -> Any:
    """One batch on the process-wide renderer (started if needed); kaleido's tuple of errors."""
    start_renderer()
    server = _SERVER
    if server is None:  # stopped by another thread between the two lines above
        raise RuntimeError("renderer stopped")
    return server.render(specs, timeout)


def render_charts(jobs: Sequence[ChartJob | go.Figure]) -> list[bytes]:
    """Render figures to PNG bytes in one batch (one Chromium page, one call).

    Parameters
    ----------
    jobs : figures, or :class:`ChartJob` with a size; a bare figure gets the full-width chart size.

    Returns
    -------
    list[bytes]
        PNG images in the order of ``jobs``; empty for no jobs.

    Raises
    ------
    ChromiumMissing, ChartRenderError
    """
    if not jobs:
        return []
    chromium_path()
    normalised = [job if isinstance(job, ChartJob) else ChartJob(job) for job in jobs]
    with tempfile.TemporaryDirectory(prefix="shekara-charts-") as tmp:
        paths = [Path(tmp) / f"chart-{index:02d}.png" for index in range(len(normalised))]
        specs = [{"fig": _with_deck_font(_printable(job)), "path": path,
                  "opts": {"format": "png", "width": job.width, "height": job.height, "scale": job.scale}}
                 for job, path in zip(normalised, paths, strict=True)]
        errors = _call_with_watchdog(_render_batch, specs, timeout=RENDER_TIMEOUT_S + 5 * len(specs))
        missing = [path.name for path in paths if not path.exists() or path.stat().st_size == 0]
        if errors or missing:
            raise ChartRenderError(
                f"Не удалось отрисовать графики ({len(missing)} из {len(paths)}): {errors or missing}. "
                "Повторите; если ошибка повторяется, проверьте, что `chromium --headless` запускается.",
                f"Could not render charts ({len(missing)} of {len(paths)}): {errors or missing}. "
                "Retry; if it persists, check that `chromium --headless` starts on this machine.",
            )
        return [path.read_bytes() for path in paths]


def _call_with_watchdog(function, specs: list[dict], *, timeout: float):
    """Run a render batch, but never hang the app if Chromium died under the server thread."""
    outcome: dict[str, object] = {}

    def call() -> None:
        try:
            outcome["value"] = function(specs, timeout)
        except Exception as exc:  # handed to the caller below, in its thread
            outcome["error"] = exc

    with _LOCK:
        worker = threading.Thread(target=call, name="shekara-kaleido-call", daemon=True)
        worker.start()
        worker.join(timeout + 0.5)  # the batch itself gives up at ``timeout``; this is the backstop
        hung = worker.is_alive()
    error = outcome.get("error")
    if isinstance(error, concurrent.futures.TimeoutError):
        hung, error = True, None
    if hung or error is not None:
        # Stopping joins the server thread, which may itself be slow: never block the caller on it.
        threading.Thread(target=stop_renderer, name="shekara-kaleido-stop", daemon=True).start()
    if hung:
        raise ChartRenderError(
            f"Отрисовка графиков не завершилась за {timeout:.0f} с; сервер отрисовки перезапускается. Повторите.",
            f"Rendering charts did not finish in {timeout:.0f} s; the renderer is being restarted. Retry.",
        )
    if isinstance(error, Exception):
        raise ChartRenderError(
            f"Ошибка отрисовки графика: {error}. Повторите; сервер отрисовки перезапускается.",
            f"Chart rendering failed: {error}. Retry; the renderer is being restarted.",
        ) from error
    return outcome.get("value")
