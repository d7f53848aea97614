"""PPTX → PDF with LibreOffice headless, and PDF pages → PNG thumbnails with poppler.

Each conversion gets its own LibreOffice profile directory: two conversions sharing the default
profile block each other (or the second silently does nothing).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import uuid
from pathlib import Path

from analytics.errors import ShekaraError

SOFFICE_NAMES = ("soffice", "libreoffice")
SOFFICE_FALLBACK = Path("/usr/lib/libreoffice/program/soffice")
CONVERT_TIMEOUT_S = 180.0


class SofficeMissing(ShekaraError):
    """LibreOffice is not installed, so the PDF cannot be made."""


class PdfConversionFailed(ShekaraError):
    """LibreOffice ran but produced no PDF (crash, timeout, unreadable deck)."""


class PopplerMissing(ShekaraError):
    """pdftoppm/pdfinfo (poppler-utils) are not installed."""


def soffice_path() -> Path | None:
    """The LibreOffice executable, or ``None`` when it is not installed."""
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return SOFFICE_FALLBACK if SOFFICE_FALLBACK.exists() else None


def _require_soffice() -> Path:
    path = soffice_path()
    if path is None:
        raise SofficeMissing(
            "Для PDF нужен LibreOffice, он не установлен. Установите: `sudo apt-get install -y "
            "--no-install-recommends libreoffice-impress fonts-crosextra-carlito fonts-dejavu-core` "
            "(или `make system-deps`). PPTX создаётся и без него.",
            "LibreOffice is needed for the PDF and is not installed. Install it with `sudo apt-get install -y "
            "--no-install-recommends libreoffice-impress fonts-crosextra-carlito fonts-dejavu-core` "
            "(or `make system-deps`). The PPTX is made without it.",
        )
    return path


def convert_to_pdf(pptx_path: Path | str, pdf_path: Path | str, *, timeout: float = CONVERT_TIMEOUT_S) -> Path:
    """Convert a deck to PDF, one page per slide.

    Parameters
    ----------
    pptx_path : the deck.
    pdf_path : where to write the PDF (its directory is created).
    timeout : seconds before LibreOffice is stopped.

    Returns
    -------
    Path
        ``pdf_path``.

    Raises
    ------
    SofficeMissing, PdfConversionFailed
    """
    soffice = _require_soffice()
    source = Path(pptx_path).resolve()
    target = Path(pdf_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="shekara-pdf-") as out_dir, \
            tempfile.TemporaryDirectory(prefix=f"lo-profile-{uuid.uuid4().hex}-") as profile:
        command = [str(soffice), f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                   "--nologo", "--nodefault", "--convert-to", "pdf", "--outdir", out_dir, str(source)]
        # Own session, so a timeout stops LibreOffice's helper processes too (by our child's group id).
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise PdfConversionFailed(
                f"LibreOffice не сделал PDF за {timeout:.0f} с. Повторите; PPTX уже готов и его можно открыть.",
                f"LibreOffice did not produce the PDF within {timeout:.0f} s. Retry; the PPTX is ready to open.",
            ) from exc
        produced = Path(out_dir) / (source.stem + ".pdf")
        if process.returncode != 0 or not produced.exists() or produced.stat().st_size == 0:
            detail = output.decode("utf-8", "replace").strip()[-300:]
            raise PdfConversionFailed(
                f"LibreOffice не сделал PDF (код {process.returncode}): {detail}. PPTX готов; повторите позже.",
                f"LibreOffice produced no PDF (exit {process.returncode}): {detail}. The PPTX is ready; retry later.",
            )
        shutil.move(str(produced), target)
    return target


def _require_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise PopplerMissing(
            f"Нет программы {name}. Установите: `sudo apt-get install -y poppler-utils` (или `make system-deps`).",
            f"{name} is missing. Install it with `sudo apt-get install -y poppler-utils` (or `make system-deps`).",
        )
    return found


def pdf_page_count(pdf_path: Path | str) -> int:
    """Number of pages of a PDF (``pdfinfo``).

    Raises
    ------
    PopplerMissing
    """
    result = subprocess.run([_require_tool("pdfinfo"), str(pdf_path)], capture_output=True, text=True,
                            timeout=60, check=True)
    for line in result.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split(":", 1)[1])
    return 0


def pdf_page_images(pdf_path: Path | str, out_dir: Path | str, *, dpi: int = 40,
                    first: int | None = None, last: int | None = None) -> list[Path]:
    """PNG images of PDF pages (``pdftoppm``), for preview thumbnails and tests.

    Parameters
    ----------
    pdf_path : the PDF.
    out_dir : directory for ``page-N.png`` files.
    dpi : resolution; 40 gives a 533 × 300 thumbnail of a 16:9 slide.
    first, last : 1-based page range; all pages by default.

    Returns
    -------
    list[Path]
        The images in page order.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    command = [_require_tool("pdftoppm"), "-png", "-r", str(dpi)]
    if first is not None:
        command += ["-f", str(first)]
    if last is not None:
        command += ["-l", str(last)]
    subprocess.run([*command, str(pdf_path), str(out / "page")], capture_output=True, timeout=120, check=True)
    # pdftoppm pads the page number to the width of the page count (page-1 / page-01): sort numerically.
    return sorted(out.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
