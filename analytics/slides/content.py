"""What each slide shows: one builder per slide, used by the PPTX deck and by the presentation page.

A builder returns a :class:`SlideSpec` — titles in both languages, body text and table cells in the
deck's body language, an optional plotly figure — and never draws anything. The numbers come from
the concern modules (CompStat, hotspots, bulletins, operations); this module only arranges them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import duckdb
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics import i18n
from analytics.access import SYSTEM, Viewer
from analytics.compstat import DIRECTIONS, direction_table, is_notable
from analytics.filters import Filters
from analytics.i18n import pick

DECK_LANGS = ("ru", "en", "ru+en")
SIDES = ("KZ", "KG")
KPI_WINDOWS = ("28d", "ytd")
SMALL_COUNT = 10  # below this a percentage change is mostly noise; the notes slide lists such rows

Text = dict[str, str]
# Pixel canvases of chart images: the whole content area, or the half beside a table.
# A smaller canvas scaled up by the renderer keeps chart text legible across a meeting room.
FULL_CHART = (920, 400)
HALF_CHART = (560, 470)
WIDE_CHART = (640, 440)  # beside a column of findings
MAP_CHART = (1000, 430)
MAP_CELL_LIMIT = 400  # hexagons drawn on the slide map (rendering time grows with each polygon)

TEXT: dict[str, dict[str, str]] = {
    "ru": {
        "meeting": "Совместное совещание по противодействию трансграничной преступности",
        "period": "Период",
        "as_of": "Данные на",
        "participants": "Участники",
        "agenda": "Повестка",
        "agenda_kpi": "Ключевые показатели обеих сторон",
        "agenda_rest": "Очаги и приграничье · ориентировки · совместные операции · полнота данных · решения",
        "kpi": "Ключевые показатели: Казахстан | Кыргызстан",
        "kpi_note": "▲/▼ — заметное изменение (|z| ≥ 2); серым — случайные колебания; "
                    "* — есть месяцы без данных; на 100 тыс. — с начала года.",
        "direction": "Направление",
        "28d": "28 дней",
        "ytd": "С начала года",
        "28d_short": "28 дн.",
        "ytd_short": "С нач. г.",
        "wtd": "Неделя",
        "count": "Число",
        "change": "Изм.",
        "per_100k": "На 100 тыс.",
        "wtd_short": "Нед.",
        "trend": "Динамика по месяцам",
        "trend_gaps": "Разрывы линии — месяцы без данных ({sides}), а не ноль.",
        "hotspots": "Очаги в приграничной зоне",
        "border": "Приграничный коридор: удалённость от границы",
        "bulletins": "Ориентировки: результаты по направлениям обмена",
        "operations": "Совместные операции: результаты",
        "coverage": "Полнота данных и примечания",
        "next_steps": "Решения и следующие шаги",
        "step_no": "№",
        "step_action": "Мероприятие",
        "step_owner": "Ответственный",
        "step_due": "Срок",
        "all_covered": "Все стороны загрузили данные за каждый месяц периода.",
        "small_numbers": "Меньше {n} случаев за 28 дней — процент изменения ненадёжен: {items}.",
        "no_small_numbers": "Малых чисел среди ключевых показателей нет.",
        "missing_note": "Месяц без загруженных данных показан как пропуск, а не как ноль.",
        "no_bulletins": "За период ориентировок не направлялось.",
        "bulletin_direction": "Направление обмена",
        "no_operations": "Совместных операций за период не было.",
        "op_count": "Операций",
        "hotspot_note": "Getis-Ord Gi* по ячейкам H3 с поправкой FDR; значимых очагов: {cells}; "
                        "происшествий с координатами: {points}.",
        "hotspot_none": "Значимых очагов (Gi*, FDR) нет; цвет — число происшествий в ячейке H3; "
                        "происшествий с координатами: {points}.",
        "hotspot_cut": "На карте {shown} из {total} ячеек (самые значимые).",
        "border_note": "Пояса: 0–5, 5–15, 15–30 и более 30 км до линии границы; только происшествия с координатами.",
        "op_measure": "Результат",
        "op_total": "Всего",
        "op_note": "Операции, хотя бы один день которых попал в период; «—» — результат не сообщался (не ноль).",
        "b_sent": "Направлено",
        "b_found": "Обнаружено",
        "b_returned": "Возвращено",
        "b_withdrawn": "Снято",
        "b_open": "В розыске",
        "b_resolution_rate": "Доля обнаруженных",
        "b_median_days": "Медиана дней до обнаружения",
    },
    "en": {
        "meeting": "Joint meeting on countering cross-border crime",
        "period": "Period",
        "as_of": "Data as of",
        "participants": "Participants",
        "agenda": "Agenda",
        "agenda_kpi": "Key indicators of both sides",
        "agenda_rest": "Hotspots and the border · wanted bulletins · joint operations · data coverage · decisions",
        "kpi": "Key indicators: Kazakhstan | Kyrgyzstan",
        "kpi_note": "▲/▼ — notable change (|z| ≥ 2); grey — random variation; "
                    "* — some months have no data; per 100k — year to date.",
        "direction": "Direction",
        "28d": "28 days",
        "ytd": "Year to date",
        "28d_short": "28 d",
        "ytd_short": "YTD",
        "wtd": "Week",
        "count": "Count",
        "change": "Chg.",
        "per_100k": "Per 100k",
        "wtd_short": "Wk",
        "trend": "Monthly trend",
        "trend_gaps": "Breaks in a line are months without data ({sides}), not zero.",
        "hotspots": "Hotspots in the border area",
        "border": "Border corridor: distance from the border",
        "bulletins": "Wanted bulletins: results by exchange direction",
        "operations": "Joint operations: results",
        "coverage": "Data coverage and notes",
        "next_steps": "Decisions and next steps",
        "step_no": "No.",
        "step_action": "Action",
        "step_owner": "Responsible",
        "step_due": "Due",
        "all_covered": "Both sides uploaded data for every month of the period.",
        "small_numbers": "Fewer than {n} cases in 28 days — the percentage change is unreliable: {items}.",
        "no_small_numbers": "No small numbers among the key indicators.",
        "missing_note": "A month without uploaded data is shown as a gap, never as zero.",
        "no_bulletins": "No bulletins were sent in the period.",
        "bulletin_direction": "Exchange direction",
        "no_operations": "No joint operations in the period.",
        "op_count": "Operations",
        "hotspot_note": "Getis-Ord Gi* on H3 cells with FDR correction; significant hot cells: {cells}; "
                        "geocoded incidents: {points}.",
        "hotspot_none": "No significant hotspots (Gi*, FDR); colour shows incidents per H3 cell; "
                        "geocoded incidents: {points}.",
        "hotspot_cut": "The map shows {shown} of {total} cells (the most significant).",
        "border_note": "Bands: 0–5, 5–15, 15–30 and over 30 km from the border line; geocoded incidents only.",
        "op_measure": "Result",
        "op_total": "Total",
        "op_note": "Operations with at least one day in the period; “—” means not reported (not zero).",
        "b_sent": "Sent",
        "b_found": "Found",
        "b_returned": "Returned",
        "b_withdrawn": "Withdrawn",
        "b_open": "Still wanted",
        "b_resolution_rate": "Share found",
        "b_median_days": "Median days to find",
    },
}


@dataclass
class TableSpec:
    """A native table: header rows of bilingual labels, body rows of display text in the body language.

    ``marks`` has the body's shape: ``"up"``/``"down"`` (notable change), ``"muted"`` or ``None``.
    ``frame`` keeps the numbers behind the cells (for downloads and tests).
    """

    header: list[list[Text]]
    rows: list[list[str]]
    marks: list[list[str | None]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    col_widths: list[float] = field(default_factory=list)
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass
class SlideSpec:
    """Everything one slide shows, independent of PowerPoint or Streamlit."""

    key: str
    title: Text
    subtitle: Text | None = None
    bullets: list[Text] = field(default_factory=list)
    table: TableSpec | None = None
    figure: go.Figure | None = None
    figure_size: tuple[int, int] = FULL_CHART
    note: Text | None = None
    image: bytes | None = None  # the rendered figure, filled by the deck builder


@dataclass(frozen=True)
class DeckOptions:
    """What the user asked for.

    ``lang`` is ``ru``, ``en`` or ``ru+en`` (Russian with English subtitles). ``start`` defaults to
    the first day of the month eleven months before ``as_of`` (a 12-month period).
    """

    as_of: date
    lang: str = "ru"
    start: date | None = None
    directions: tuple[str, ...] = DIRECTIONS
    meeting: str | None = None
    participants: tuple[str, ...] = ()
    sides: tuple[str, ...] = ()
    viewer: Viewer = SYSTEM  # maps and border bands follow this viewer's sharing policy

    @property
    def body_lang(self) -> str:
        return "en" if self.lang == "en" else "ru"

    @property
    def period_start(self) -> date:
        if self.start is not None:
            return self.start
        month_index = self.as_of.year * 12 + self.as_of.month - 1 - 11
        return date(month_index // 12, month_index % 12 + 1, 1)

    def filters(self, **changes: object) -> Filters:
        """The global filter set of the deck (period, sides), optionally changed."""
        return Filters(start=self.period_start, end=self.as_of, sides=self.sides).with_(**changes)


def both(render: Callable[[str], str]) -> Text:
    """A text in both languages from a function of the language."""
    return {lang: render(lang) for lang in i18n.LANGS}


def from_table(table: dict[str, dict[str, str]], key: str) -> Text:
    """A label of another module's ``TEXT`` dict in both languages."""
    return both(lambda lang: pick(table, key, lang))


def label(key: str, **values: object) -> Text:
    """One of this module's labels in both languages, formatted with ``values``."""
    return both(lambda lang: pick(TEXT, key, lang).format(**values))


def core_label(key: str) -> Text:
    return both(lambda lang: i18n.t(key, lang))


def direction_label(direction: str) -> Text:
    return core_label(f"dir_{direction}")


def period_text(options: DeckOptions, lang: str) -> str:
    return f"{i18n.format_date(options.period_start, lang)} – {i18n.format_date(options.as_of, lang)}"


def show_text(text: Text | None, lang: str) -> str:
    """The text in a deck language: English for ``en``, Russian for ``ru`` and ``ru+en``."""
    if not text:
        return ""
    return text["en"] if lang == "en" else text["ru"]


def table_frame(table: TableSpec, lang: str) -> pd.DataFrame:
    """The table as displayed (text cells), with one header line per column for screens.

    A merged top header (a side's name over several columns) is carried over its columns and joined to
    the column's own header: ``KZ · 28 дн.``.

    Parameters
    ----------
    table : the slide's table.
    lang : deck language (``ru``, ``en``, ``ru+en``).

    Returns
    -------
    pd.DataFrame
        Columns named by the joined headers (made unique), rows as on the slide.
    """
    n_cols = max([len(line) for line in table.header] + [len(row) for row in table.rows] + [0])
    lines = [[show_text(line[c], lang) if c < len(line) else "" for c in range(n_cols)] for line in table.header]
    if len(lines) > 1:
        for column in range(1, n_cols):  # the top line of a two-line header is merged across groups
            lines[0][column] = lines[0][column] or lines[0][column - 1]
    names: list[str] = []
    for column in range(n_cols):
        parts = list(dict.fromkeys(line[column] for line in lines if line[column]))
        name = " · ".join(parts) or " "
        while name in names:
            name += " "
        names.append(name)
    return pd.DataFrame([list(row) + [""] * (n_cols - len(row)) for row in table.rows], columns=names)


# --- slides that need no concern module ------------------------------------------------------


def title_slide(options: DeckOptions) -> SlideSpec:
    """Title: the meeting, the period, the as-of date and the participants."""
    participants = list(options.participants) or None

    def lines(lang: str) -> list[str]:
        who = participants or i18n.t("app_subtitle", lang).split(" · ")
        return [f"{pick(TEXT, 'period', lang)}: {period_text(options, lang)}",
                f"{pick(TEXT, 'as_of', lang)}: {i18n.format_date(options.as_of, lang)}",
                f"{pick(TEXT, 'participants', lang)}: " + "; ".join(who)]

    meeting = both(lambda lang: options.meeting or pick(TEXT, "meeting", lang))
    bullets = [{lang: lines(lang)[index] for lang in i18n.LANGS} for index in range(3)]
    return SlideSpec(key="title", title=meeting, bullets=bullets)


def agenda_slide(options: DeckOptions) -> SlideSpec:
    """Agenda: the key-indicator review, then the selected directions, then the common sections."""
    bullets = [label("agenda_kpi")]
    bullets += [direction_label(direction) for direction in options.directions]
    bullets.append(label("agenda_rest"))
    return SlideSpec(key="agenda", title=label("agenda"), bullets=bullets)


def next_steps_slide(options: DeckOptions, rows: int = 4) -> SlideSpec:
    """Decisions placeholder: an empty, editable table the secretary fills in during the meeting."""
    table = TableSpec(
        header=[[label("step_no"), label("step_action"), label("step_owner"), label("step_due")]],
        rows=[[str(index + 1), "", "", ""] for index in range(rows)],
        col_widths=[0.6, 7.0, 3.0, 1.7],
    )
    return SlideSpec(key="next_steps", title=label("next_steps"), table=table)


# --- key indicators --------------------------------------------------------------------------


def mark_of(z: float | None, current: float | None = None) -> str | None:
    """``up``/``down`` for a notable change (CompStat's |z| ≥ 2), ``muted`` otherwise, ``None`` without one."""
    if z is None or math.isnan(z):
        return None if current is None else "muted"
    if is_notable(z):
        return "up" if z > 0 else "down"
    return "muted"


def _num(value: object) -> float | None:
    if value is None or value is pd.NA:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def format_count(value: object, complete: object, lang: str) -> str:
    number = _num(value)
    text = i18n.format_int(number, lang)
    return text + ("*" if complete is False or complete is pd.NA else "")


def format_change(pct: object, z: object, lang: str) -> str:
    """``+25% ▲`` for a notable rise, ``−10%`` for noise, ``—`` when the prior period was zero."""
    text = i18n.format_pct(_num(pct), lang)
    mark = mark_of(_num(z))
    return text + {"up": " ▲", "down": " ▼"}.get(mark or "", "")


def format_rate(value: object, lang: str, digits: int = 1) -> str:
    """A plain decimal number (rates, days) with the language's decimal mark; ``—`` when undefined."""
    number = _num(value)
    if number is None:
        return "—"
    text = f"{number:,.{digits}f}"
    return text.replace(",", "\u202f").replace(".", ",") if lang == "ru" else text


def format_share(value: object, lang: str) -> str:
    """A 0..1 share as a whole percentage (``45%``); ``—`` when undefined."""
    number = _num(value)
    return "—" if number is None else f"{round(number * 100)}%"


def kpi_table_spec(table: pd.DataFrame, lang: str, *, key_column: str = "category",
                   labels: Callable[[str], str] | None = None, order: list[str] | None = None,
                   windows: tuple[str, ...] = KPI_WINDOWS) -> TableSpec:
    """Arrange CompStat rows as one KZ | KG table: per side and window the count and change, plus YTD per 100k.

    Parameters
    ----------
    table : CompStat rows ``[side, <key_column>, window, current, prior, pct_change, z, per_100k,
        coverage_complete]``.
    lang : body language of the cells.
    key_column : ``category`` or ``direction``: what the rows are.
    labels : key → row label; default: category labels.
    order : row keys in display order; default: as they come.
    windows : the windows shown side by side (the last one also gets the rate per 100k).

    Returns
    -------
    TableSpec
        Empty rows for an empty table.
    """
    labels = labels or (lambda key: i18n.category_label(key, lang))
    keys = [] if table.empty else (order or list(dict.fromkeys(table[key_column].tolist())))
    by_key = {(row["side"], row[key_column], row["window"]): row for _, row in table.iterrows()}
    per_side = 2 * len(windows) + 1
    header_top: list[Text] = [label("direction") if key_column == "direction" else core_label("category")]
    header_sub: list[Text] = [{"ru": "", "en": ""}]
    for side in SIDES:
        header_top += [core_label(side)] + [{"ru": "", "en": ""}] * (per_side - 1)
        for window in windows:
            header_sub += [label(f"{window}_short"), label("change")]
        header_sub.append(label("per_100k"))
    rows: list[list[str]] = []
    marks: list[list[str | None]] = []
    for key in keys:
        cells: list[str] = [labels(key)]
        cell_marks: list[str | None] = [None]
        for side in SIDES:
            for window in windows:
                row = by_key.get((side, key, window))
                if row is None:
                    cells += ["—", "—"]
                    cell_marks += [None, None]
                    continue
                cells += [format_count(row["current"], row["coverage_complete"], lang),
                          format_change(row["pct_change"], row["z"], lang)]
                cell_marks += [None, mark_of(_num(row["z"]), _num(row["current"]))]
            last = by_key.get((side, key, windows[-1]))
            cells.append(format_rate(None if last is None else last["per_100k"], lang))
            cell_marks.append(None)
        rows.append(cells)
        marks.append(cell_marks)
    merges = [(0, 1 + index * per_side, 0, (index + 1) * per_side) for index in range(len(SIDES))]
    merges.append((0, 0, 1, 0))
    widths = [2.6] + ([1.0, 1.0] * len(windows) + [1.0]) * len(SIDES)
    return TableSpec(header=[header_top, header_sub], rows=rows, marks=marks, merges=merges,
                     col_widths=widths, frame=table.reset_index(drop=True))


def coverage_slide(con: duckdb.DuckDBPyConnection, options: DeckOptions,
                   kpi_frame: pd.DataFrame | None = None, *, key_column: str = "category",
                   labels: Callable[[str, str], str] | None = None) -> SlideSpec:
    """Data coverage and notes: months without data per oblast, and key indicators resting on small numbers.

    Parameters
    ----------
    con : open database.
    options : the deck's period and sides.
    kpi_frame : the CompStat rows shown on the KPI slide (to name the small numbers), optional.
    key_column, labels : what the KPI rows are and how to name them (``labels(key, lang)``).

    Returns
    -------
    SlideSpec
    """
    from analytics.coverage import coverage_banners

    flt = options.filters()
    banners = {lang: coverage_banners(con, options.period_start, options.as_of, lang, flt) for lang in i18n.LANGS}
    bullets: list[Text] = [{"ru": ru, "en": en} for ru, en in zip(banners["ru"], banners["en"], strict=True)]
    if not bullets:
        bullets.append(label("all_covered"))
    bullets.append(small_numbers_note(kpi_frame, key_column=key_column, labels=labels))
    return SlideSpec(key="coverage", title=label("coverage"), bullets=bullets, note=label("missing_note"))


def small_numbers_note(kpi_frame: pd.DataFrame | None, *, key_column: str = "category",
                       labels: Callable[[str, str], str] | None = None, limit: int = 6) -> Text:
    """One line naming the KPI rows whose 28-day count is below :data:`SMALL_COUNT`."""
    window = "28d"
    if kpi_frame is None or kpi_frame.empty:
        return label("no_small_numbers")
    name = labels or (lambda key, lang: i18n.category_label(key, lang))
    frame = kpi_frame[(kpi_frame["window"] == window) & (kpi_frame["current"].astype("float64") < SMALL_COUNT)]
    if frame.empty:
        return label("no_small_numbers")

    def render(lang: str) -> str:
        items = [f"{row['side']} {name(str(row[key_column]), lang)} — {i18n.format_int(_num(row['current']), lang)}"
                 for _, row in frame.head(limit).iterrows()]
        if len(frame) > limit:
            items.append(f"+{len(frame) - limit}")
        return pick(TEXT, "small_numbers", lang).format(n=SMALL_COUNT, items="; ".join(items))

    return both(render)


# --- assembling the deck --------------------------------------------------------------------


def build_all(con: duckdb.DuckDBPyConnection, options: DeckOptions) -> list[SlideSpec]:
    """Every slide of the deck in meeting order.

    Parameters
    ----------
    con : open database.
    options : the deck's settings.

    Returns
    -------
    list[SlideSpec]
        title, agenda, KPIs, one trend slide per direction, hotspot map, border corridor, bulletins,
        joint operations, coverage and notes, next steps.
    """
    slides = [title_slide(options), agenda_slide(options)]
    kpi = kpi_slide(con, options)
    slides.append(kpi)
    slides += trend_slides(con, options)
    slides += [hotspot_slide(con, options), border_slide(con, options), bulletins_slide(con, options),
               operations_slide(con, options)]
    slides.append(coverage_slide(con, options, kpi.table.frame if kpi.table is not None else None,
                                 key_column=KPI_KEY_COLUMN, labels=kpi_row_label))
    slides.append(next_steps_slide(options))
    return slides


# --- sections fed by the concern modules -----------------------------------------------------
# Imported inside the builders: build_deck starts Chromium first, and the heavy geo stack (geopandas,
# shapely, h3) then loads while the browser boots.

KPI_KEY_COLUMN = "direction"


def kpi_row_label(key: str, lang: str) -> str:
    """Row label of the KPI table: a direction or a category."""
    return i18n.t(f"dir_{key}", lang) if key in DIRECTIONS else i18n.category_label(key, lang)


def kpi_slide(con: duckdb.DuckDBPyConnection, options: DeckOptions) -> SlideSpec:
    """KPI slide: the Overview's direction figures, KZ | KG side by side, 28 days and year to date."""
    lang = options.body_lang
    frame = direction_table(con, options.as_of, options.filters())
    frame = frame[frame[KPI_KEY_COLUMN].isin(options.directions)].reset_index(drop=True)
    table = kpi_table_spec(frame, lang, key_column=KPI_KEY_COLUMN, labels=lambda key: kpi_row_label(key, lang),
                           order=[d for d in options.directions if d in set(frame[KPI_KEY_COLUMN])])
    return SlideSpec(key="kpi", title=label("kpi"), table=table, note=label("kpi_note"))


def trend_title(direction: str) -> Text:
    return both(lambda lg: f"{pick(TEXT, 'trend', lg)}: {i18n.t(f'dir_{direction}', lg)}")


def trend_slides(con: duckdb.DuckDBPyConnection, options: DeckOptions) -> list[SlideSpec]:
    """One monthly-trend chart per selected direction: a KZ and a KG line over the deck's period,
    gaps where a side has no data for a month (the Trends page's chart and numbers)."""
    from analytics.charts import trend_chart
    from analytics.trends import direction_monthly

    lang = options.body_lang
    first = options.period_start
    months = (options.as_of.year - first.year) * 12 + options.as_of.month - first.month + 1
    monthly = direction_monthly(con, options.as_of, options.filters(), months=max(months, 1))
    slides = []
    for direction in options.directions:
        frame = monthly[monthly["direction"] == direction].drop(columns="direction").reset_index(drop=True)
        gaps = frame.loc[frame["missing"], "side"].unique().tolist()
        note = label("trend_gaps", sides=", ".join(gaps)) if gaps else None
        slides.append(SlideSpec(
            key=f"trend_{direction}",
            title=trend_title(direction),
            subtitle=both(lambda lg: period_text(options, lg)),
            figure=trend_chart(frame, lang), note=note,
        ))
    return slides


def hotspot_slide(con: duckdb.DuckDBPyConnection, options: DeckOptions) -> SlideSpec:
    """Hotspot map of the border area: Getis-Ord Gi* classes of H3 cells over both sides' geocoded offences
    of the period (the Hotspots page's analysis and map), with crossing points and district seats."""
    from analytics import hotspots

    lang = options.body_lang
    # The slide needs the cell counts only; they sum to the geocoded incidents, so no row is loaded.
    result = hotspots.analyse_hotspots(con, options.filters(), viewer=options.viewer, points=False)
    cells = result.cells
    geocoded = int(cells["count"].sum()) if not cells.empty else 0
    significant_mask = (cells["class"].astype("string") != "none").to_numpy(dtype=bool) if not cells.empty \
        else np.zeros(0, dtype=bool)
    hot = int(cells["class"].astype("string").str.startswith("hot").sum()) if not cells.empty else 0
    # The image needs only what a slide can show: the significant cells (the grey "not significant" ones
    # are most of the map and most of its rendering time), or the busiest cells when nothing is significant.
    if significant_mask.any():
        layer, pool = "gi", cells[significant_mask]
        shown = pool.loc[pool["gi_z"].abs().sort_values(ascending=False).index[:MAP_CELL_LIMIT]]
        note = label("hotspot_note", cells=hot, points=geocoded)
    else:
        layer, pool = "count", cells[cells["count"] > 0] if not cells.empty else cells
        shown = pool.sort_values("count", ascending=False).head(MAP_CELL_LIMIT)
        note = label("hotspot_none", points=geocoded)
    if len(shown) < len(pool):
        note = {lg: f"{note[lg]} {pick(TEXT, 'hotspot_cut', lg).format(shown=len(shown), total=len(pool))}"
                for lg in note}
    figure = hotspots.hotspot_map(shown.reset_index(drop=True), lang, layer=layer,
                                  crossings=hotspots.crossings(con), settlements=hotspots.settlements(con))
    return SlideSpec(key="hotspots", title=label("hotspots"), subtitle=both(lambda lg: period_text(options, lg)),
                     figure=figure, figure_size=MAP_CHART, note=note)


def border_slide(con: duckdb.DuckDBPyConnection, options: DeckOptions) -> SlideSpec:
    """Border corridor: geocoded offences of the period per distance band from the border, per side (chart),
    with the corridor findings in plain words beside it."""
    from analytics import border

    lang = options.body_lang
    table = border.band_table(con, options.filters(), options.viewer)
    names = border.district_names(con)
    findings = {lg: border.border_sentences(table, names, lg, top=3) for lg in i18n.LANGS}
    bullets = [{"ru": ru, "en": en} for ru, en in zip(findings["ru"], findings["en"], strict=True)]
    return SlideSpec(key="border", title=label("border"), subtitle=both(lambda lg: period_text(options, lg)),
                     figure=border.border_band_chart(border.band_counts(table), lang),
                     figure_size=WIDE_CHART if bullets else FULL_CHART, bullets=bullets, note=label("border_note"))


def bulletins_slide(con: duckdb.DuckDBPyConnection, options: DeckOptions) -> SlideSpec:
    """Bulletin KPIs by exchange direction for bulletins sent in the period (native table), and the
    ageing of the bulletins still open at the as-of date (chart)."""
    from analytics import bulletins

    lang = options.body_lang
    kpis = bulletins.bulletin_kpis(con, options.as_of, start=options.period_start, end=options.as_of)
    totals = kpis[kpis["object_kind"] == "all"].set_index("direction") if not kpis.empty else kpis
    shown = [d for d in bulletins.DIRECTIONS if d in totals.index]
    # Metrics down, directions across: two narrow columns fit beside the ageing chart.
    formats: dict[str, Callable[[object], str]] = {
        "sent": lambda v: i18n.format_int(_num(v), lang), "found": lambda v: i18n.format_int(_num(v), lang),
        "returned": lambda v: i18n.format_int(_num(v), lang), "withdrawn": lambda v: i18n.format_int(_num(v), lang),
        "open": lambda v: i18n.format_int(_num(v), lang), "resolution_rate": lambda v: format_share(v, lang),
        "median_days": lambda v: format_rate(v, lang, digits=0),
    }
    rows = [[pick(TEXT, f"b_{metric}", lang), *[render(totals.loc[d, metric]) for d in shown]]
            for metric, render in formats.items()] if shown else []
    if not shown:
        return SlideSpec(key="bulletins", title=label("bulletins"), subtitle=both(lambda lg: period_text(options, lg)),
                         bullets=[label("no_bulletins")])
    table = TableSpec(
        header=[[label("bulletin_direction"), *[{"ru": d, "en": d} for d in shown]]],
        rows=rows, col_widths=[2.2] + [1.0] * len(shown),
        frame=totals.loc[shown, list(formats)].reset_index() if shown else pd.DataFrame(),
    )
    ageing = bulletins.ageing_counts(con, options.as_of)  # counted in SQL: no list of open bulletins fetched
    figure = bulletins.ageing_chart(ageing, lang) if not ageing.empty else None
    note = both(lambda lg: " · ".join(pick(bulletins.TEXT, d, lg) for d in bulletins.DIRECTIONS))
    return SlideSpec(key="bulletins", title=label("bulletins"), subtitle=both(lambda lg: period_text(options, lg)),
                     table=table, figure=figure, figure_size=HALF_CHART, note=note)


def operations_slide(con: duckdb.DuckDBPyConnection, options: DeckOptions, max_directions: int = 4) -> SlideSpec:
    """Joint operations of the period: results per operation direction and in total (native table).

    A result no operation reported stays ``—`` (missing), never 0; measures nobody reported are left out.
    With more than ``max_directions`` directions only the totals are shown, so the table stays legible.
    """
    from analytics import operations

    lang = options.body_lang
    board = operations.operations_board(con, options.period_start, options.as_of)
    title, subtitle = label("operations"), both(lambda lg: period_text(options, lg))
    if board.empty:
        return SlideSpec(key="operations", title=title, subtitle=subtitle, bullets=[label("no_operations")])
    total = operations.operation_totals(board)
    by_direction = operations.operation_totals(board, by=("direction",))
    directions = [d for d in operations.DIRECTIONS if d in set(by_direction["direction"])]
    directions += sorted(set(by_direction["direction"].dropna()) - set(directions))
    if len(directions) > max_directions:
        directions = []
    columns = [by_direction[by_direction["direction"] == d].iloc[0] for d in directions] + [total.iloc[0]]
    measures = ["operations"] + [m for m in operations.MEASURES if pd.notna(total.iloc[0][m])]

    def cell(value: object) -> str:
        number = _num(value)
        if number is None:
            return "—"
        return i18n.format_int(number, lang) if number == int(number) else format_rate(number, lang)

    rows = [[pick(TEXT, "op_count", lang) if m == "operations" else pick(operations.TEXT, m, lang),
             *[cell(column[m]) for column in columns]] for m in measures]
    header = [label("op_measure"), *[from_table(operations.TEXT, str(d)) for d in directions], label("op_total")]
    frame = pd.DataFrame({"measure": measures, **{str(d): [c[m] for m in measures]
                                                  for d, c in zip([*directions, "total"], columns, strict=True)}})
    table = TableSpec(header=[header], rows=rows, col_widths=[4.0] + [1.6] * len(columns), frame=frame)
    return SlideSpec(key="operations", title=title, subtitle=subtitle, table=table, note=label("op_note"))
