"""Plotly figure → PNG with kaleido and the local Debian Chromium (never a browser download).

One kaleido server per process (``kaleido.start_sync_server``): starting Chromium costs ~2 s, a
figure then ~0.2–0.4 s. :func:`start_renderer` returns at once (the server starts in a background
thread), so callers start it first and query the database while Chromium boots.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

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

# The kaleido sync server is one queue shared by the process; Streamlit runs each session in its own
# thread, so calls are serialised here or two sessions could receive each other's images.
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


def start_renderer() -> None:
    """Start the process-wide kaleido server if it is not running; returns without waiting for Chromium.

    Raises
    ------
    ChromiumMissing
    """
    import kaleido  # heavy import (choreographer, logistro): only when slides are made

    path = chromium_path()
    with _START_LOCK:
        # mathjax=False: the default would load MathJax from a CDN; plotly.js comes from the plotly package.
        kaleido.start_sync_server(path=str(path), mathjax=False, timeout=RENDER_TIMEOUT_S, silence_warnings=True)


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


def stop_renderer() -> None:
    """Stop the kaleido server (tests, or after a failed render so the next call starts afresh)."""
    import kaleido

    kaleido.stop_sync_server(silence_warnings=True)


def _with_deck_font(figure: go.Figure) -> go.Figure:
    """A copy whose text uses the deck font (and a readable size) when the chart did not choose them."""
    copy = go.Figure(figure)
    if not copy.layout.font.family:
        copy.update_layout(font_family=f"{deck_font()}, sans-serif")
    if not copy.layout.font.size:
        copy.update_layout(font_size=CHART_FONT_SIZE)
    return copy


def render_charts(jobs: Sequence[ChartJob | go.Figure]) -> list[bytes]:
    """Render figures to PNG bytes in one batch (one Chromium, one call).

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
    import kaleido

    start_renderer()
    normalised = [job if isinstance(job, ChartJob) else ChartJob(job) for job in jobs]
    with tempfile.TemporaryDirectory(prefix="shekara-charts-") as tmp:
        paths = [Path(tmp) / f"chart-{index:02d}.png" for index in range(len(normalised))]
        specs = [{"fig": _with_deck_font(job.figure), "path": path,
                  "opts": {"format": "png", "width": job.width, "height": job.height, "scale": job.scale}}
                 for job, path in zip(normalised, paths, strict=True)]
        errors = _call_with_watchdog(kaleido.write_fig_from_object_sync, specs,
                                     timeout=RENDER_TIMEOUT_S + 5 * len(specs))
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
    """Run a kaleido sync call, but never hang the app if Chromium died under the server thread."""
    outcome: dict[str, object] = {}

    def call() -> None:
        try:
            outcome["value"] = function(specs)
        except Exception as exc:  # handed to the caller below, in its thread
            outcome["error"] = exc

    with _LOCK:
        worker = threading.Thread(target=call, name="shekara-kaleido-call", daemon=True)
        worker.start()
        worker.join(timeout)
        hung = worker.is_alive()
    error = outcome.get("error")
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
