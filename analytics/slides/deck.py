"""Build the meeting deck: slide content (:mod:`.content`) → chart images (:mod:`.render`) → PPTX → PDF.

``build_deck`` is what the CLI and the Slides page call; ``build_slides`` alone is what the
presentation page shows, so both show the same thing.
"""

from __future__ import annotations

import concurrent.futures
import importlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from pptx.presentation import Presentation as PresentationType
from pptx.util import Inches

from analytics import i18n
from analytics.audit import log_action
from analytics.errors import ShekaraError
from analytics.i18n import pick
from analytics.slides import content
from analytics.slides.content import DECK_LANGS, DeckOptions, SlideSpec, Text, show_text
from analytics.slides.render import ChartJob, render_charts, start_renderer
from analytics.slides.template import (
    CONTENT_BOTTOM,
    CONTENT_BOX,
    DOWN,
    GREY,
    MARGIN,
    UP,
    Box,
    CellStyle,
    Footer,
    add_bullets,
    add_content_slide,
    add_note,
    add_picture,
    add_table,
    add_title_slide,
    deck_font,
    new_presentation,
)

Progress = Callable[[float, str], None]

TEXT = {
    "ru": {"data": "Расчёт показателей…", "render": "Отрисовка графиков…", "pptx": "Сборка PPTX…",
           "pdf": "Преобразование в PDF…", "done": "Готово", "page": "стр."},
    "en": {"data": "Computing indicators…", "render": "Rendering charts…", "pptx": "Writing the PPTX…",
           "pdf": "Converting to PDF…", "done": "Done", "page": "p."},
}


class BadDeckOptions(ShekaraError):
    """The deck was asked for in a language or with directions the app does not know."""


@dataclass
class DeckResult:
    """What was produced: paths, the slides (content and images) and how long each step took (s)."""

    pptx: Path
    pdf: Path | None
    slides: list[SlideSpec]
    timings: dict[str, float] = field(default_factory=dict)

    def titles(self, lang: str = "ru") -> list[str]:
        return [spec.title.get(lang, spec.title["ru"]) for spec in self.slides]


def check_options(options: DeckOptions) -> None:
    """Raise :class:`BadDeckOptions` for an unknown language or direction."""
    if options.lang not in DECK_LANGS:
        raise BadDeckOptions(
            f"Неизвестный язык слайдов «{options.lang}». Выберите ru, en или ru+en.",
            f"Unknown deck language '{options.lang}'. Choose ru, en or ru+en.",
        )
    unknown = [d for d in options.directions if d not in content.DIRECTIONS]
    if unknown:
        raise BadDeckOptions(
            f"Неизвестные направления: {', '.join(unknown)}. Допустимы: {', '.join(content.DIRECTIONS)}.",
            f"Unknown directions: {', '.join(unknown)}. Allowed: {', '.join(content.DIRECTIONS)}.",
        )


def build_slides(con: duckdb.DuckDBPyConnection, options: DeckOptions) -> list[SlideSpec]:
    """The content of every slide, in order (no images yet).

    Parameters
    ----------
    con : open database (aggregates only are read; no row-level data goes on a slide).
    options : period, as-of date, language, directions.

    Returns
    -------
    list[SlideSpec]
    """
    check_options(options)
    return content.build_all(con, options)


def render_images(slides: list[SlideSpec]) -> None:
    """Render every slide's figure to PNG in one kaleido batch and store it in ``spec.image``."""
    with_figures = [spec for spec in slides if spec.figure is not None and spec.image is None]
    jobs = [ChartJob(spec.figure, *spec.figure_size) for spec in with_figures if spec.figure is not None]
    for spec, png in zip(with_figures, render_charts(jobs), strict=True):
        spec.image = png


def _second(text: Text | None, lang: str) -> str | None:
    """The English line under the Russian one in a bilingual deck."""
    return text["en"] if lang == "ru+en" and text else None


def _header_cell(text: Text, lang: str) -> str:
    main, second = show_text(text, lang), _second(text, lang)
    return f"{main}\n{second}" if second and second != main else main


MARK_STYLES = {
    "up": CellStyle(color=UP, bold=True),
    "down": CellStyle(color=DOWN, bold=True),
    "muted": CellStyle(color=GREY),
}


def write_pptx(slides: list[SlideSpec], options: DeckOptions, path: Path | str, *,
               presentation: PresentationType | None = None) -> Path:
    """Lay the slides out on the 16:9 template and save the PPTX.

    Parameters
    ----------
    slides : content with images already rendered.
    options : language and as-of date (footer).
    path : output file.
    presentation : an empty presentation from :func:`new_presentation` made ahead (``None`` makes one).

    Returns
    -------
    Path
    """
    lang, body = options.lang, options.body_lang
    prs = presentation if presentation is not None else new_presentation()
    total = len(slides)
    for number, spec in enumerate(slides, start=1):
        footer = Footer(kz_name=i18n.t("KZ", body), kg_name=i18n.t("KG", body),
                        centre=f"{pick(content.TEXT, 'as_of', body)} {i18n.format_date(options.as_of, body)}"
                               f" · {number}/{total}")
        if spec.key == "title":
            lines: list[tuple[str, float, bool]] = []
            if lang == "ru+en":
                lines.append((spec.title["en"], 22, False))
            for index, bullet in enumerate(spec.bullets):
                lines.append((show_text(bullet, lang), 20, index < 2))
                if lang == "ru+en":
                    lines.append((bullet["en"], 14, False))
            add_title_slide(prs, show_text(spec.title, lang), lines, footer)
            continue
        subtitle_parts = [part for part in (_second(spec.title, lang), show_text(spec.subtitle, body)) if part]
        slide = add_content_slide(prs, show_text(spec.title, lang), "  ·  ".join(subtitle_parts) or None, footer)
        box = CONTENT_BOX
        # A bilingual note takes two lines; the content gives way so nothing overlaps.
        note_height = Inches(0.6 if lang == "ru+en" else 0.45)
        if spec.note:
            box = Box(box.left, box.top, box.width, box.height - note_height)
        if spec.table is not None and spec.image is not None:
            split = int(box.width * 0.52)
            _place_table(slide, Box(box.left, box.top, split - MARGIN // 2, box.height), spec, lang,
                         size=min(12, _table_font(spec)))
            add_picture(slide, Box(box.left + split, box.top, box.width - split, box.height), spec.image)
        elif spec.table is not None:
            _place_table(slide, box, spec, lang, size=_table_font(spec))
        elif spec.image is not None and spec.bullets:
            split = int(box.width * 0.6)
            add_picture(slide, Box(box.left, box.top, split, box.height), spec.image)
            add_bullets(slide, Box(box.left + split + MARGIN // 2, box.top, box.width - split - MARGIN // 2,
                                   box.height), [(show_text(b, lang), _second(b, lang)) for b in spec.bullets], size=16)
        elif spec.image is not None:
            add_picture(slide, box, spec.image)
        if spec.bullets and spec.table is None and spec.image is None:
            n_lines = len(spec.bullets) * (2 if lang == "ru+en" else 1)
            add_bullets(slide, box, [(show_text(b, lang), _second(b, lang)) for b in spec.bullets],
                        size=20 if n_lines <= 8 else 18 if n_lines <= 12 else 15)
        if spec.note:
            note = show_text(spec.note, lang)
            second = _second(spec.note, lang)
            add_note(slide, note + (f"\n{second}" if second else ""), top=CONTENT_BOTTOM - note_height,
                     height=note_height)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    prs.save(str(target))
    return target


def _table_font(spec: SlideSpec) -> float:
    """Font size that keeps a table inside the content area: smaller for many rows or columns."""
    assert spec.table is not None
    lines = len(spec.table.header) + max(len(spec.table.rows), 1)
    wide = max(len(line) for line in spec.table.header) > 6
    if lines <= 9:
        return 13 if wide else 16
    return (12 if wide else 13) if lines <= 13 else 11


def _place_table(slide, box: Box, spec: SlideSpec, lang: str, *, size: float) -> None:
    table = spec.table
    assert table is not None
    header = [[_header_cell(cell, lang) for cell in line] for line in table.header]
    styles = [[MARK_STYLES.get(mark or "") for mark in line] for line in table.marks] if table.marks else None
    add_table(slide, box, header, table.rows or [["—"] + [""] * (len(header[0]) - 1)],
              styles=styles if table.rows else None, col_widths=table.col_widths or None, size=size,
              merges=table.merges)


# Modules the later slide builders import (scipy.stats behind Gi* alone takes ~1 s to import): imported
# in a thread while the first slides' queries run in DuckDB, which releases the GIL.
PRELOAD = ("analytics.hotspots", "analytics.border", "analytics.bulletins", "analytics.operations",
           "analytics.coverage", "PIL.Image")


def _prepare_presentation() -> concurrent.futures.Future[PresentationType]:
    """An empty presentation made in a thread (python-pptx parses its template, ~0.2 s on first use), with
    :data:`PRELOAD` imported and the font look-up done, while the database is queried."""
    future: concurrent.futures.Future[PresentationType] = concurrent.futures.Future()

    def run() -> None:
        try:
            for name in PRELOAD:
                importlib.import_module(name)
            deck_font()
            future.set_result(new_presentation())
        except BaseException as exc:  # handed to build_deck, which then makes its own
            future.set_exception(exc)

    threading.Thread(target=run, name="shekara-pptx-prepare", daemon=True).start()
    return future


def build_deck(con: duckdb.DuckDBPyConnection, options: DeckOptions, out: Path | str, *,
               pdf: Path | str | None = None, username: str | None = None,
               progress: Progress | None = None) -> DeckResult:
    """Make the PPTX (and optionally the PDF) and write one audit-log entry.

    Parameters
    ----------
    con : open database (the audit entry is written through it).
    options : what to show.
    out : PPTX path.
    pdf : PDF path; ``None`` skips LibreOffice.
    username : who asked (audit log).
    progress : called with (fraction 0..1, message in the deck's body language).

    Returns
    -------
    DeckResult

    Raises
    ------
    BadDeckOptions, ChromiumMissing, ChartRenderError, SofficeMissing, PdfConversionFailed
    """
    check_options(options)
    body = options.body_lang

    def report(fraction: float, key: str) -> None:
        if progress is not None:
            progress(fraction, pick(TEXT, key, body))

    timings: dict[str, float] = {}
    started = time.perf_counter()
    # Chromium boots in a background thread while the database is queried, and so does the empty PPTX.
    start_renderer()
    blank = _prepare_presentation()
    report(0.05, "data")
    slides = build_slides(con, options)
    timings["data"] = time.perf_counter() - started
    report(0.35, "render")
    mark = time.perf_counter()
    render_images(slides)
    timings["render"] = time.perf_counter() - mark
    report(0.75, "pptx")
    mark = time.perf_counter()
    try:
        presentation: PresentationType | None = blank.result()
    except Exception:  # write_pptx makes its own, and raises there if it must
        presentation = None
    pptx_path = write_pptx(slides, options, out, presentation=presentation)
    timings["pptx"] = time.perf_counter() - mark
    timings["total_without_pdf"] = time.perf_counter() - started
    pdf_path: Path | None = None
    if pdf is not None:
        from analytics.slides.pdf import convert_to_pdf

        report(0.85, "pdf")
        mark = time.perf_counter()
        pdf_path = convert_to_pdf(pptx_path, pdf)
        timings["pdf"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    log_action(con, username, "slides", as_of=options.as_of.isoformat(), start=options.period_start.isoformat(),
               lang=options.lang, directions=list(options.directions), slides=len(slides),
               pptx=pptx_path.name, pdf=pdf_path.name if pdf_path else None)
    report(1.0, "done")
    return DeckResult(pptx=pptx_path, pdf=pdf_path, slides=slides, timings=timings)


@dataclass
class DeckFiles:
    """A deck held in memory for a web page: file bytes, names, slide content and thumbnails.

    ``pdf_error`` is set (and ``pdf`` is ``None``) when the PDF was asked for but LibreOffice failed or
    is missing: the PPTX is still there to download.
    """

    pptx: bytes
    pdf: bytes | None
    file_stem: str
    slides: list[SlideSpec]
    thumbnails: list[bytes]  # one PNG per PDF page when a PDF was made, else empty
    timings: dict[str, float]
    pdf_error: ShekaraError | None = None


def file_stem(options: DeckOptions) -> str:
    """``shekara_2024-03-31_ru-en``: a file name without characters that trouble Windows."""
    return f"shekara_{options.as_of.isoformat()}_{options.lang.replace('+', '-')}"


def build_deck_files(con: duckdb.DuckDBPyConnection, options: DeckOptions, *, with_pdf: bool = False,
                     username: str | None = None, progress: Progress | None = None,
                     thumbnail_dpi: int = 30) -> DeckFiles:
    """:func:`build_deck` in a temporary directory, returning the bytes (for download buttons).

    Parameters
    ----------
    con, options, username, progress : as :func:`build_deck`.
    with_pdf : also convert to PDF and make one PNG thumbnail per page (``pdftoppm``).
    thumbnail_dpi : thumbnail resolution; 30 dpi is 400 × 225 px for a 16:9 slide.

    Returns
    -------
    DeckFiles
    """
    import tempfile

    from analytics.slides.pdf import (
        PdfConversionFailed,
        PopplerMissing,
        SofficeMissing,
        convert_to_pdf,
        pdf_page_images,
    )

    stem = file_stem(options)
    with tempfile.TemporaryDirectory(prefix="shekara-deck-") as tmp:
        folder = Path(tmp)
        fraction = 0.8 if with_pdf else 1.0

        def scaled(value: float, message: str) -> None:
            if progress is not None and (value < 1.0 or not with_pdf):
                progress(value * fraction, message)

        result = build_deck(con, options, folder / f"{stem}.pptx", username=username, progress=scaled)
        pdf_bytes: bytes | None = None
        thumbnails: list[bytes] = []
        pdf_error: ShekaraError | None = None
        if with_pdf:
            if progress is not None:
                progress(0.82, pick(TEXT, "pdf", options.body_lang))
            started = time.perf_counter()
            try:
                pdf_path = convert_to_pdf(result.pptx, folder / f"{stem}.pdf")
                pdf_bytes = pdf_path.read_bytes()
                thumbnails = [p.read_bytes() for p in pdf_page_images(pdf_path, folder / "pages", dpi=thumbnail_dpi)]
            except (SofficeMissing, PdfConversionFailed, PopplerMissing) as exc:
                pdf_error = exc
            result.timings["pdf"] = time.perf_counter() - started
            if progress is not None:
                progress(1.0, pick(TEXT, "done", options.body_lang))
        return DeckFiles(pptx=result.pptx.read_bytes(), pdf=pdf_bytes, file_stem=stem, slides=result.slides,
                         thumbnails=thumbnails, timings=result.timings, pdf_error=pdf_error)
