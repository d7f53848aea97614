"""The deck's own 16:9 template, built in code: geometry, colours, fonts and the drawing helpers.

Nothing here knows about crime data; :mod:`analytics.slides.deck` decides what goes on each slide.
Every text run gets its font set explicitly, because the default theme font (Calibri) is absent on
the offline server and LibreOffice would otherwise substitute one without Kazakh/Kyrgyz letters.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

SLIDE_WIDTH = Emu(12192000)  # 13.333 in: PowerPoint's own 16:9 "Widescreen", exactly 16:9 against 7.5 in
SLIDE_HEIGHT = Inches(7.5)
_DEFAULT_WIDTH = Inches(10)  # python-pptx's default template is 4:3, 10 × 7.5 in

# Fonts installed by the project's set-up (fonts-dejavu-core, fonts-noto-core, fonts-crosextra-carlito),
# in order of preference. All three cover Cyrillic and ә ғ қ ң ө ұ ү һ і; DejaVu also has ▲ ▼.
FONT_CANDIDATES = ("DejaVu Sans", "Noto Sans", "Carlito")
KAZAKH_KYRGYZ_LETTERS = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"

NAVY = RGBColor(0x1F, 0x2A, 0x44)
INK = RGBColor(0x22, 0x22, 0x22)
GREY = RGBColor(0x6B, 0x72, 0x80)
LIGHT = RGBColor(0xF3, 0xF4, 0xF6)
RULE = RGBColor(0xD1, 0xD5, 0xDB)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
UP = RGBColor(0xB9, 0x1C, 0x1C)     # a significant rise in crime is bad news
DOWN = RGBColor(0x15, 0x80, 0x3D)
# The sides' colours (sky blue of the KZ flag, red of the KG flag) used only as equal accents.
SIDE_COLORS = {"KZ": RGBColor(0x00, 0x9C, 0xC7), "KG": RGBColor(0xD0, 0x10, 0x2A)}

TITLE_LAYOUT = 0
TITLE_ONLY_LAYOUT = 5

MARGIN = Inches(0.5)
CONTENT_TOP = Inches(1.55)
CONTENT_BOTTOM = Inches(6.85)
FOOTER_TOP = Inches(7.0)


@dataclass(frozen=True)
class Box:
    """A rectangle on the slide, in EMU."""

    left: int
    top: int
    width: int
    height: int

    def emu(self) -> tuple[Emu, Emu, Emu, Emu]:
        return Emu(self.left), Emu(self.top), Emu(self.width), Emu(self.height)


CONTENT_BOX = Box(MARGIN, CONTENT_TOP, SLIDE_WIDTH - 2 * MARGIN, CONTENT_BOTTOM - CONTENT_TOP)


@lru_cache(maxsize=1)
def deck_font() -> str:
    """The first installed font of :data:`FONT_CANDIDATES` that has the Kazakh/Kyrgyz letters.

    Returns
    -------
    str
        A family name; the first candidate when fontconfig cannot be asked (the PPTX still names a
        font that the project's set-up installs).
    """
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return FONT_CANDIDATES[0]
    charset = " ".join(f"{ord(ch):x}" for ch in KAZAKH_KYRGYZ_LETTERS)
    for family in FONT_CANDIDATES:
        try:
            found = subprocess.run([fc_list, f"{family}:charset={charset}", "family"], capture_output=True,
                                   text=True, timeout=10, check=False).stdout
        except (OSError, subprocess.TimeoutExpired):
            return FONT_CANDIDATES[0]
        if found.strip():
            return family
    return FONT_CANDIDATES[0]


def new_presentation() -> PresentationType:
    """An empty 16:9 presentation (13.333 × 7.5 in) whose master and layouts are stretched to the width.

    Returns
    -------
    pptx.presentation.Presentation
    """
    prs = Presentation()
    prs.slide_width = SLIDE_WIDTH
    prs.slide_height = SLIDE_HEIGHT
    # Stretch the stock 4:3 placeholders so a slide added by hand in PowerPoint still fits the page.
    ratio = SLIDE_WIDTH / _DEFAULT_WIDTH
    holders = list(prs.slide_master.placeholders)
    for layout in prs.slide_layouts:
        holders.extend(layout.placeholders)
    for holder in holders:
        if holder.left is not None and holder.width is not None:
            holder.left = Emu(int(holder.left * ratio))
            holder.width = Emu(int(holder.width * ratio))
    return prs


def style_run(run, size: float, *, bold: bool = False, italic: bool = False,
              color: RGBColor = INK) -> None:
    """Set the font of one text run explicitly (family, size, weight, colour)."""
    font = run.font
    font.name = deck_font()
    font.size = Pt(size)
    font.bold = bold
    font.italic = italic
    font.color.rgb = color
    # Cyrillic is drawn from the latin slot; name the same family for complex/east-asian scripts too,
    # so no viewer falls back to a theme font.
    rpr = run._r.get_or_add_rPr()
    for tag in ("a:ea", "a:cs"):
        element = rpr.find(qn(tag))
        if element is None:
            element = rpr.makeelement(qn(tag), {})
            rpr.append(element)
        element.set("typeface", deck_font())


def write_lines(text_frame, lines: Sequence[tuple[str, float, bool, RGBColor]], *,
                align: PP_ALIGN = PP_ALIGN.LEFT, italic_from: int | None = None) -> None:
    """Replace a text frame's content with lines of ``(text, size_pt, bold, colour)``."""
    text_frame.clear()
    text_frame.word_wrap = True
    for index, (text, size, bold, color) in enumerate(lines):
        paragraph = text_frame.paragraphs[0] if index == 0 else text_frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = text
        style_run(run, size, bold=bold, color=color,
                  italic=italic_from is not None and index >= italic_from)


def add_textbox(slide: Slide, box: Box, lines: Sequence[tuple[str, float, bool, RGBColor]], *,
                align: PP_ALIGN = PP_ALIGN.LEFT, anchor: MSO_ANCHOR = MSO_ANCHOR.TOP):
    """A text box with the given lines; returns the shape."""
    shape = slide.shapes.add_textbox(*box.emu())
    frame = shape.text_frame
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Inches(0.05)
    write_lines(frame, lines, align=align)
    return shape


def _bar(slide: Slide, left: int, top: int, width: int, height: int, color: RGBColor) -> None:
    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, *Box(left, top, width, height).emu())
    shape.fill.solid()
    shape.fill.fore_color.rgb = color
    shape.line.fill.background()
    shape.shadow.inherit = False


def _side_accent(slide: Slide, top: int, height: int) -> None:
    """Two equal halves in the sides' colours: neither side leads the page."""
    half = (SLIDE_WIDTH - 2 * MARGIN) // 2
    _bar(slide, MARGIN, top, half, height, SIDE_COLORS["KZ"])
    _bar(slide, MARGIN + half, top, half, height, SIDE_COLORS["KG"])


@dataclass(frozen=True)
class Footer:
    """Footer texts: the two sides' names at left/right, a centre line (date, page)."""

    kz_name: str
    kg_name: str
    centre: str


def add_footer(slide: Slide, footer: Footer) -> None:
    third = (SLIDE_WIDTH - 2 * MARGIN) // 3
    height = Inches(0.35)
    _bar(slide, MARGIN, FOOTER_TOP - Inches(0.06), SLIDE_WIDTH - 2 * MARGIN, Emu(9525), RULE)
    add_textbox(slide, Box(MARGIN, FOOTER_TOP, third, height), [(footer.kz_name, 10, False, SIDE_COLORS["KZ"])])
    add_textbox(slide, Box(MARGIN + third, FOOTER_TOP, third, height), [(footer.centre, 10, False, GREY)],
                align=PP_ALIGN.CENTER)
    add_textbox(slide, Box(MARGIN + 2 * third, FOOTER_TOP, third, height),
                [(footer.kg_name, 10, False, SIDE_COLORS["KG"])], align=PP_ALIGN.RIGHT)


def add_title_slide(prs: PresentationType, title: str, subtitle_lines: Sequence[tuple[str, float, bool]],
                    footer: Footer) -> Slide:
    """The opening slide: big title, lines under it (period, as-of date, participants), sides' accent."""
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_LAYOUT])
    title_shape = slide.shapes.title
    title_shape.left, title_shape.top = MARGIN, Inches(1.6)
    title_shape.width, title_shape.height = SLIDE_WIDTH - 2 * MARGIN, Inches(1.5)
    title_shape.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    write_lines(title_shape.text_frame, [(title, 36, True, NAVY)])
    _side_accent(slide, Inches(3.25), Inches(0.09))
    subtitle = slide.placeholders[1]
    subtitle.left, subtitle.top = MARGIN, Inches(3.5)
    subtitle.width, subtitle.height = SLIDE_WIDTH - 2 * MARGIN, Inches(3.2)
    write_lines(subtitle.text_frame, [(text, size, bold, INK if bold else GREY)
                                      for text, size, bold in subtitle_lines])
    add_footer(slide, footer)
    return slide


def add_content_slide(prs: PresentationType, title: str, subtitle: str | None, footer: Footer) -> Slide:
    """A slide with a real title placeholder (outline view, PDF bookmarks), optional subtitle, footer."""
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY_LAYOUT])
    title_shape = slide.shapes.title
    title_shape.left, title_shape.top = MARGIN, Inches(0.3)
    title_shape.width, title_shape.height = SLIDE_WIDTH - 2 * MARGIN, Inches(0.75)
    title_shape.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    # One line at any length: a wrapped title would run into the subtitle.
    size = 28 if len(title) <= 46 else 24 if len(title) <= 56 else 20
    write_lines(title_shape.text_frame, [(title, size, True, NAVY)])
    if subtitle:
        add_textbox(slide, Box(MARGIN, Inches(1.02), SLIDE_WIDTH - 2 * MARGIN, Inches(0.4)),
                    [(subtitle, 16, False, GREY)])
    _side_accent(slide, Inches(1.43), Inches(0.05))
    add_footer(slide, footer)
    return slide


def add_bullets(slide: Slide, box: Box, items: Sequence[tuple[str, str | None]], *, size: float = 20) -> None:
    """Bullet lines; each item is ``(main text, optional second-language line in grey)``."""
    shape = slide.shapes.add_textbox(*box.emu())
    frame = shape.text_frame
    frame.word_wrap = True
    first = True
    for main, second in items:
        paragraph = frame.paragraphs[0] if first else frame.add_paragraph()
        first = False
        paragraph.space_before = Pt(size * 0.6)
        run = paragraph.add_run()
        run.text = "•  " + main
        style_run(run, size)
        if second:
            paragraph = frame.add_paragraph()
            run = paragraph.add_run()
            run.text = "    " + second
            style_run(run, size * 0.75, italic=True, color=GREY)


@dataclass(frozen=True)
class CellStyle:
    """Optional look of a table cell: background, text colour, bold, alignment."""

    fill: RGBColor | None = None
    color: RGBColor = INK
    bold: bool = False
    align: PP_ALIGN = PP_ALIGN.RIGHT


def add_table(slide: Slide, box: Box, header_rows: Sequence[Sequence[str]], rows: Sequence[Sequence[str]], *,
              styles: Sequence[Sequence[CellStyle | None]] | None = None,
              col_widths: Sequence[float] | None = None, size: float = 14,
              merges: Sequence[tuple[int, int, int, int]] = ()):
    """A native, editable PowerPoint table.

    Parameters
    ----------
    header_rows : one or more header lines (bold, on the navy band).
    rows : body cells as display text; the first column is left-aligned.
    styles : per body cell overrides (same shape as ``rows``), ``None`` for default.
    col_widths : relative widths of the columns.
    merges : ``(row, col, row2, col2)`` cell ranges to merge (e.g. a "KZ" header over three columns).

    Returns
    -------
    pptx.shapes.graphfrm.GraphicFrame
    """
    n_rows = len(header_rows) + len(rows)
    n_cols = max(len(r) for r in [*header_rows, *rows])
    row_height = min(Inches(0.5), box.height // max(n_rows, 1))
    frame = slide.shapes.add_table(n_rows, n_cols, *Box(box.left, box.top, box.width, row_height * n_rows).emu())
    table = frame.table
    table.first_row = True
    table.horz_banding = False
    weights = list(col_widths or [1.0] * n_cols)
    total = sum(weights)
    for index, weight in enumerate(weights):
        table.columns[index].width = Emu(int(box.width * weight / total))
    for index in range(n_rows):
        table.rows[index].height = row_height
    for r0, c0, r1, c1 in merges:
        table.cell(r0, c0).merge(table.cell(r1, c1))
    for r, line in enumerate(header_rows):
        for c, text in enumerate(line):
            cell = table.cell(r, c)
            if cell.is_spanned:
                continue
            _fill_cell(cell, text, size, CellStyle(fill=NAVY, color=WHITE, bold=True,
                                                   align=PP_ALIGN.LEFT if c == 0 else PP_ALIGN.CENTER))
    for r, line in enumerate(rows, start=len(header_rows)):
        for c, text in enumerate(line):
            style = styles[r - len(header_rows)][c] if styles else None
            base = CellStyle(fill=LIGHT if (r - len(header_rows)) % 2 else WHITE,
                             align=PP_ALIGN.LEFT if c == 0 else PP_ALIGN.RIGHT)
            if style is not None:
                base = CellStyle(fill=style.fill or base.fill, color=style.color, bold=style.bold,
                                 align=style.align if c else PP_ALIGN.LEFT)
            _fill_cell(table.cell(r, c), text, size, base)
    return frame


def _fill_cell(cell, text: str, size: float, style: CellStyle) -> None:
    if style.fill is not None:
        cell.fill.solid()
        cell.fill.fore_color.rgb = style.fill
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    cell.margin_left = cell.margin_right = Inches(0.06)
    cell.margin_top = cell.margin_bottom = Inches(0.02)
    lines = text.split("\n")
    frame = cell.text_frame
    frame.clear()
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = style.align
        run = paragraph.add_run()
        run.text = line
        # A second line in a header is the English subtitle of a bilingual deck: smaller.
        style_run(run, size if index == 0 else size * 0.75, bold=style.bold and index == 0,
                  italic=index > 0, color=style.color)


def add_picture(slide: Slide, box: Box, png: bytes):
    """A chart image fitted into ``box`` (aspect kept, centred)."""
    with Image.open(io.BytesIO(png)) as image:
        width_px, height_px = image.size
    scale = min(box.width / width_px, box.height / height_px)
    width, height = int(width_px * scale), int(height_px * scale)
    left = box.left + (box.width - width) // 2
    top = box.top + (box.height - height) // 2
    return slide.shapes.add_picture(io.BytesIO(png), *Box(left, top, width, height).emu())


def add_note(slide: Slide, text: str, *, top: int | None = None, height: int = Inches(0.45)) -> None:
    """A small grey caption above the footer (sources, coverage caveats); one line per ``\n``."""
    box = Box(MARGIN, top if top is not None else CONTENT_BOTTOM - height, SLIDE_WIDTH - 2 * MARGIN, height)
    add_textbox(slide, box, [(line, 10.5, False, GREY) for line in text.split("\n")], anchor=MSO_ANCHOR.BOTTOM)
