"""Meeting slides: the deck opened back with python-pptx, its numbers against CompStat, the PDF, the CLI."""

from __future__ import annotations

import re
import shutil
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from pptx import Presentation
from pptx.util import Emu

from analytics import db
from analytics.cli import main as cli_main
from analytics.compstat import compstat_table, direction_table
from analytics.slides import content, pdf, render, template
from analytics.slides.content import DeckOptions, kpi_row_label, kpi_table_spec, table_frame
from analytics.slides.deck import BadDeckOptions, build_deck, build_slides, check_options
from tests import slides_fixture

CHROMIUM = Path(render.DEFAULT_CHROMIUM)
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium (make system-deps)")
needs_soffice = pytest.mark.skipif(pdf.soffice_path() is None or shutil.which("pdftoppm") is None,
                                   reason="needs LibreOffice and poppler-utils (make system-deps)")
CYRILLIC = re.compile("[\u0400-\u04ff]")


def parse_count(text: str) -> int:
    return int(re.sub(r"[\s\u202f\u00a0*]", "", text))


def slide_title(slide) -> str:
    return slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""


def tables(slide) -> list:
    return [shape.table for shape in slide.shapes if shape.has_table]


def pictures(slide) -> list:
    return [shape for shape in slide.shapes if shape.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("slides") / "deck.duckdb"
    con = db.connect(path)
    slides_fixture.fill(con)
    slides_fixture.fill_bulletins(con)
    slides_fixture.fill_operations(con)
    con.close()
    return path


@pytest.fixture(scope="module")
def decks(fixture_db: Path, tmp_path_factory) -> dict:
    """The fixture deck in each language, built once for the module (timings printed, not asserted)."""
    if not CHROMIUM.exists():
        pytest.skip("needs Debian chromium")
    out = tmp_path_factory.mktemp("decks")
    con = db.connect(fixture_db)
    built = {}
    for lang in ("ru", "en", "ru+en"):
        options = DeckOptions(as_of=slides_fixture.AS_OF, lang=lang)
        started = time.perf_counter()
        built[lang] = build_deck(con, options, out / f"deck_{lang}.pptx", username="tester")
        print(f"\ndeck {lang}: {len(built[lang].slides)} slides in {time.perf_counter() - started:.2f} s "
              f"{ {k: round(v, 2) for k, v in built[lang].timings.items()} }")
    con.close()
    return built


# --- pure parts: template, KPI table, labels -------------------------------------------------


def test_presentation_is_16_by_9():
    prs = template.new_presentation()
    assert prs.slide_width * 9 == prs.slide_height * 16
    assert prs.slide_width == Emu(12192000)  # 13.333 in
    # the stock layouts were stretched too, so a slide added by hand fits the wide page
    title = prs.slide_layouts[template.TITLE_ONLY_LAYOUT].placeholders[0]
    assert title.left + title.width > Emu(int(12 * 914400))


@pytest.mark.skipif(shutil.which("fc-list") is None, reason="fontconfig not installed")
def test_deck_font_covers_kazakh_and_kyrgyz_letters():
    import subprocess

    family = template.deck_font()
    assert family in template.FONT_CANDIDATES
    charset = " ".join(f"{ord(ch):x}" for ch in template.KAZAKH_KYRGYZ_LETTERS + "ЖжЩщ")
    found = subprocess.run(["fc-list", f"{family}:charset={charset}", "family"], capture_output=True, text=True)
    assert found.stdout.strip(), f"{family} lacks some of {template.KAZAKH_KYRGYZ_LETTERS}"


def compstat_rows(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["side", "direction", "window", "current", "prior", "pct_change", "z",
                                       "per_100k", "coverage_complete"])


def test_kpi_table_places_sides_side_by_side_with_marks():
    frame = compstat_rows([
        # livestock: KZ doubles 6 -> 12 (z = 2(√12 − √6) = 2.03, notable), KG 2 -> 3 (z = 0.64, noise)
        ("KZ", "livestock", "28d", 12, 6, 100.0, 2.0300, 0.98, True),
        ("KZ", "livestock", "ytd", 1234, 1300, -5.08, -1.85, 101.3, True),
        ("KG", "livestock", "28d", 3, 2, 50.0, 0.6357, 0.22, False),
        ("KG", "livestock", "ytd", 40, 0, None, 12.65, 2.99, True),
    ])
    spec = kpi_table_spec(frame, "ru", key_column="direction", labels=lambda key: kpi_row_label(key, "ru"))
    assert spec.rows == [["Скотокрадство",
                          "12", "+100% ▲", "1\u202f234", "-5%", "101,3",
                          "3*", "+50%", "40", "— ▲", "3,0"]]
    assert spec.marks[0][2] == "up" and spec.marks[0][4] == "muted" and spec.marks[0][7] == "muted"
    assert spec.marks[0][9] == "up"
    english = kpi_table_spec(frame, "en", key_column="direction", labels=lambda key: kpi_row_label(key, "en"))
    assert english.rows[0][:6] == ["Livestock theft", "12", "+100% ▲", "1,234", "-5%", "101.3"]
    assert english.header[0][1]["en"] == "Kazakhstan (Zhambyl oblast)"
    assert english.header[1][2]["en"] == "Chg."


def test_kpi_table_of_empty_frame_is_empty():
    spec = kpi_table_spec(compstat_rows([]), "ru", key_column="direction")
    assert spec.rows == [] and spec.marks == []
    assert len(spec.header) == 2 and len(spec.header[1]) == 11


def test_table_frame_joins_the_merged_side_header():
    frame = compstat_rows([("KZ", "minors", "28d", 1, 1, 0.0, 0.0, 0.1, True),
                           ("KZ", "minors", "ytd", 2, 1, 100.0, 0.83, 0.2, True)])
    shown = table_frame(kpi_table_spec(frame, "en", key_column="direction",
                                       labels=lambda key: kpi_row_label(key, "en")), "en")
    assert list(shown.columns[:3]) == ["Direction", "Kazakhstan (Zhambyl oblast) · 28 d",
                                       "Kazakhstan (Zhambyl oblast) · Chg."]
    assert shown.iloc[0, 0] == "Minors" and shown.shape == (1, 11)


def test_unknown_language_or_direction_is_refused():
    with pytest.raises(BadDeckOptions, match="ru, en"):
        check_options(DeckOptions(as_of=date(2024, 3, 31), lang="kk"))
    with pytest.raises(BadDeckOptions, match="weather"):
        check_options(DeckOptions(as_of=date(2024, 3, 31), directions=("weather",)))


def test_period_defaults_to_twelve_months():
    assert DeckOptions(as_of=date(2024, 3, 31)).period_start == date(2023, 4, 1)
    assert DeckOptions(as_of=date(2024, 12, 5)).period_start == date(2024, 1, 1)


# --- content builders on the fixture database -------------------------------------------------


def test_coverage_slide_names_the_missing_month(con):
    slides_fixture.fill(con)
    spec = content.coverage_slide(con, DeckOptions(as_of=slides_fixture.AS_OF))
    assert spec.bullets[0] == {"ru": "Таласская обл.: нет данных за февраль 2024",
                               "en": "Talas oblast: no data for February 2024"}


def test_small_numbers_are_named(con):
    frame = compstat_rows([("KG", "extremism", "28d", 1, 0, None, 2.0, 0.1, True),
                           ("KZ", "livestock", "28d", 25, 20, 25.0, 1.06, 2.0, True)])
    note = content.small_numbers_note(frame, key_column="direction", labels=kpi_row_label)
    assert note["ru"] == ("Меньше 10 случаев за 28 дней — процент изменения ненадёжен: "
                          "KG Экстремизм и терроризм — 1.")
    assert "Livestock" not in note["en"]


def test_bulletin_slide_counts_by_exchange_direction(con):
    slides_fixture.fill(con)
    slides_fixture.fill_bulletins(con)
    spec = content.bulletins_slide(con, DeckOptions(as_of=slides_fixture.AS_OF))
    assert spec.table is not None
    assert spec.table.rows == [["Направлено", "3", "2"], ["Обнаружено", "1", "1"], ["Возвращено", "1", "0"],
                               ["Снято", "0", "1"], ["В розыске", "2", "0"], ["Доля обнаруженных", "33%", "50%"],
                               ["Медиана дней до обнаружения", "10", "20"]]
    assert [cell["ru"] for cell in spec.table.header[0]] == ["Направление обмена", "KZ→KG", "KG→KZ"]
    assert spec.figure is not None  # ageing of the three open bulletins
    # The chart counted in SQL shows what the open list counted in pandas shows (the old path).
    from analytics import bulletins

    old = bulletins.ageing_chart(bulletins.ageing_summary(bulletins.open_bulletins(con, slides_fixture.AS_OF)), "ru")
    assert [(t.name, list(t.x), list(t.y)) for t in spec.figure.data] == [(t.name, list(t.x), list(t.y))
                                                                        for t in old.data]
    assert sum(sum(t.y) for t in spec.figure.data) == 3  # every bulletin open at the as-of date


def test_slides_of_an_empty_database_still_build(con):
    slides = build_slides(con, DeckOptions(as_of=date(2024, 3, 31), lang="en"))
    assert [s.key for s in slides][:3] == ["title", "agenda", "kpi"]
    assert slides[-1].key == "next_steps"


# --- the produced PPTX -------------------------------------------------------------------------


def test_deck_is_16_9_with_at_least_eight_slides(decks):
    for lang, result in decks.items():
        prs = Presentation(str(result.pptx))
        assert len(prs.slides) == len(result.slides) >= 8, lang
        assert prs.slide_width * 9 == prs.slide_height * 16


def test_kpi_slide_numbers_equal_compstat(decks, fixture_db):
    prs = Presentation(str(decks["ru"].pptx))
    kpi_index = [s.key for s in decks["ru"].slides].index("kpi")
    table = tables(prs.slides[kpi_index])[0]
    con = db.connect(fixture_db)
    directions = direction_table(con, slides_fixture.AS_OF).set_index(["side", "direction", "window"])
    categories = compstat_table(con, slides_fixture.AS_OF)
    direction_of = dict(con.execute("SELECT category, direction FROM ref_categories").fetchall())
    con.close()
    by_label = {kpi_row_label(d, "ru"): d for d in content.DIRECTIONS}
    body = [[cell.text for cell in row.cells] for row in list(table.rows)[2:]]
    assert [by_label[row[0]] for row in body] == list(content.DIRECTIONS)
    checked = 0
    for row in body:
        direction = by_label[row[0]]
        for offset, side in ((1, "KZ"), (6, "KG")):
            for step, window in ((0, "28d"), (2, "ytd")):
                shown = parse_count(row[offset + step])
                assert shown == directions.loc[(side, direction, window), "current"]
                if direction != "minors":  # minors cut across categories (a flag, not a category)
                    cats = categories[(categories["side"] == side) & (categories["window"] == window)]
                    expected = cats[cats["category"].map(direction_of) == direction]["current"].sum()
                    assert shown == expected
                checked += 1
    assert checked == 20
    # the hand-countable fixture: KZ livestock every 3rd day, so 28 days ending 31.03 hold 9 or 10 thefts
    livestock = body[list(content.DIRECTIONS).index("livestock")]
    assert parse_count(livestock[1]) in (9, 10)


def test_every_text_run_names_the_offline_font(decks):
    prs = Presentation(str(decks["ru+en"].pptx))
    fonts = set()
    for slide in prs.slides:
        for shape in slide.shapes:
            frames = [shape.text_frame] if shape.has_text_frame else []
            if shape.has_table:
                frames += [cell.text_frame for row in shape.table.rows for cell in row.cells]
            for frame in frames:
                fonts |= {run.font.name for p in frame.paragraphs for run in p.runs if run.text}
    assert fonts == {template.deck_font()}


def test_english_titles_have_no_cyrillic(decks):
    prs = Presentation(str(decks["en"].pptx))
    titles = [slide_title(slide) for slide in prs.slides]
    assert all(titles) and not [t for t in titles if CYRILLIC.search(t)]
    russian = [slide_title(slide) for slide in Presentation(str(decks["ru"].pptx)).slides]
    assert all(CYRILLIC.search(t) for t in russian)


def test_bilingual_deck_has_english_subtitles(decks):
    prs = Presentation(str(decks["ru+en"].pptx))
    agenda = prs.slides[1]
    texts = [shape.text_frame.text for shape in agenda.shapes if shape.has_text_frame]
    assert slide_title(agenda) == "Повестка" and "Agenda" in texts
    assert any("Livestock theft" in text for text in texts)


def test_charts_are_pictures_and_tables_are_native(decks):
    result = decks["ru"]
    prs = Presentation(str(result.pptx))
    for spec, slide in zip(result.slides, prs.slides, strict=True):
        if spec.figure is not None:
            assert len(pictures(slide)) == 1, spec.key
        if spec.table is not None:
            assert len(tables(slide)) == 1, spec.key
    assert sum(1 for spec in result.slides if spec.figure is not None) >= 1


@needs_soffice
def test_pdf_has_one_page_per_slide_and_is_not_blank(decks, tmp_path):
    from PIL import Image, ImageStat

    result = decks["ru"]
    started = time.perf_counter()
    made = pdf.convert_to_pdf(result.pptx, tmp_path / "deck.pdf")
    print(f"\nPDF conversion: {time.perf_counter() - started:.2f} s")
    assert pdf.pdf_page_count(made) == len(result.slides)
    kpi_page = [s.key for s in result.slides].index("kpi") + 1
    pages = pdf.pdf_page_images(made, tmp_path / "png", dpi=30, first=kpi_page, last=kpi_page)
    assert len(pages) == 1
    with Image.open(pages[0]) as image:
        assert image.size[0] * 9 == pytest.approx(image.size[1] * 16, rel=0.02)
        variance = ImageStat.Stat(image.convert("L")).var[0]
    assert variance > 100, "the rendered KPI page is blank"


def test_pdf_without_libreoffice_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf, "soffice_path", lambda: None)
    with pytest.raises(pdf.SofficeMissing, match="apt-get install"):
        pdf.convert_to_pdf(tmp_path / "x.pptx", tmp_path / "x.pdf")


def test_missing_chromium_is_a_named_error(monkeypatch, tmp_path):
    monkeypatch.setenv("SHEKARA_CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(render.ChromiumMissing, match="apt-get install -y chromium"):
        render.chromium_path()


# --- command line ------------------------------------------------------------------------------


@needs_chromium
def test_cli_writes_the_deck_and_an_audit_entry(fixture_db, tmp_path, capsys):
    out = tmp_path / "cli.pptx"
    code = cli_main(["slides", "--db", str(fixture_db), "--as-of", "2024-03-31", "--lang", "en", "--out", str(out),
                     "--directions", "livestock", "stolen_property"])
    printed = capsys.readouterr().out
    assert code == 0 and out.exists()
    prs = Presentation(str(out))
    assert "Livestock theft" in printed and "Minors" not in printed
    assert len(prs.slides) == len(re.findall(r"^\s*\d+\. ", printed, flags=re.M))
    con = db.connect(fixture_db)
    entry = con.execute("SELECT username, details FROM audit_log WHERE action = 'slides' "
                        "ORDER BY audit_id DESC LIMIT 1").fetchone()
    con.close()
    assert entry[0] == "cli" and '"lang": "en"' in entry[1] and '"livestock"' in entry[1]


def test_cli_refuses_a_bad_language(fixture_db, tmp_path):
    with pytest.raises(SystemExit):
        cli_main(["slides", "--db", str(fixture_db), "--lang", "de", "--out", str(tmp_path / "x.pptx")])


def test_one_trend_slide_per_direction_with_the_gap_named(con):
    slides_fixture.fill(con)
    slides = content.trend_slides(con, DeckOptions(as_of=slides_fixture.AS_OF, directions=("livestock", "minors")))
    assert [s.key for s in slides] == ["trend_livestock", "trend_minors"]
    livestock = slides[0]
    assert livestock.title["en"] == "Monthly trend: Livestock theft"
    kg = next(trace for trace in livestock.figure.data if trace.name == "KG")
    assert len(kg.y) == 12 and pd.isna(kg.y[10])  # February 2024: Talas uploaded nothing → a gap, not 0
    assert livestock.note["ru"] == "Разрывы линии — месяцы без данных (KG), а не ноль."


def test_operations_table_sums_the_period_and_keeps_missing_results(con):
    slides_fixture.fill_operations(con)
    spec = content.operations_slide(con, DeckOptions(as_of=slides_fixture.AS_OF))
    assert spec.table is not None
    assert [cell["ru"] for cell in spec.table.header[0]] == ["Результат", "Скотокрадство", "Наркотики", "Всего"]
    assert spec.table.rows == [
        ["Операций", "1", "1", "2"],
        ["Задержано лиц", "3", "5", "8"],
        ["Возбуждено дел", "2", "4", "6"],
        ["Изъято наркотиков, г", "—", "1\u202f840,5", "1\u202f840,5"],
        ["Возвращено голов скота", "40", "—", "40"],
    ]


def test_no_operations_is_said_not_tabled(con):
    spec = content.operations_slide(con, DeckOptions(as_of=slides_fixture.AS_OF, lang="en"))
    assert spec.table is None and spec.bullets == [content.label("no_operations")]


def test_border_slide_accounts_for_every_geocoded_incident(con):
    slides_fixture.fill(con)
    options = DeckOptions(as_of=slides_fixture.AS_OF)
    spec = content.border_slide(con, options)
    geocoded = con.execute("SELECT count(*) FROM incidents WHERE geo_ok AND registered_on BETWEEN ? AND ?",
                           [options.period_start, options.as_of]).fetchone()[0]
    assert sum(sum(trace.y) for trace in spec.figure.data) == geocoded > 0
    assert spec.bullets and spec.bullets[0]["en"].endswith("of the border (24 of 24)")


def fake_hotspots(monkeypatch, classes: list[str], counts: list[int]) -> None:
    """Replace the Gi* analysis by hand-made cells (real H3 cells near Kordai) to test what the slide draws."""
    import h3
    import numpy as np

    from analytics import hotspots

    cells = [int(h3.str_to_int(c)) for c in h3.grid_disk(h3.latlng_to_cell(43.05, 74.7, 7), 2)][:len(classes)]
    frame = pd.DataFrame({"h3": np.array(cells, dtype=np.uint64), "lat": 43.05, "lon": 74.7,
                          "count": counts, "gi_z": [4.0 - i for i in range(len(classes))], "p_fdr": 0.01,
                          "class": classes})
    rows = pd.DataFrame({"side": ["KZ"] * sum(counts)})
    monkeypatch.setattr(hotspots, "analyse_hotspots",
                        lambda con, filters, viewer=None, points=True: hotspots.HotspotResult(
                            res=7, points=rows if points else None, cells=frame))


def hotspots_cells(monkeypatch) -> list[int]:
    """The h3 ids the faked analysis returns, in its order (strongest Gi* z first)."""
    from analytics import hotspots

    return hotspots.analyse_hotspots(None, None).cells["h3"].tolist()


def test_hotspot_map_draws_only_significant_cells_offline(con, monkeypatch):
    fake_hotspots(monkeypatch, ["hot_99", "hot_95", "cold_90", "none", "none"], [9, 6, 0, 2, 1])
    monkeypatch.setattr(content, "MAP_CELL_LIMIT", 2)
    spec = content.hotspot_slide(con, DeckOptions(as_of=slides_fixture.AS_OF))
    assert spec.figure.layout.map.style == "white-bg"  # no tiles: the image renders without internet
    drawn = [loc for trace in spec.figure.data if trace.type == "choroplethmap" for loc in trace.locations]
    strongest = {f"{int(cell):x}" for cell in hotspots_cells(monkeypatch)[:2]}
    assert set(drawn) == strongest and len(drawn) == 2  # the two strongest of the three significant cells
    names = {trace.name for trace in spec.figure.data}
    assert {"Очаг, 99 %", "Очаг, 95 %"} <= names and "Холодная зона, 90 %" not in names
    assert spec.note["ru"] == ("Getis-Ord Gi* по ячейкам H3 с поправкой FDR; значимых очагов: 2; происшествий с "
                               "координатами: 18. На карте 2 из 3 ячеек (самые значимые).")


def test_hotspot_map_without_significant_cells_shows_counts(con, monkeypatch):
    fake_hotspots(monkeypatch, ["none", "none", "none"], [5, 3, 0])
    spec = content.hotspot_slide(con, DeckOptions(as_of=slides_fixture.AS_OF, lang="en"))
    drawn = [trace for trace in spec.figure.data if trace.type == "choroplethmap"]
    assert len(drawn) == 1 and list(drawn[0].z) == [5, 3]  # every incident on the map; empty cells left out
    assert spec.note["en"].startswith("No significant hotspots")


@pytest.fixture
def fake_kaleido(monkeypatch):
    """render_charts with the batch call replaced (no Chromium): returns a setter for the fake call."""
    monkeypatch.setattr(render, "start_renderer", lambda: None)
    monkeypatch.setattr(render, "stop_renderer", lambda: None)
    return lambda fake: monkeypatch.setattr(render, "_render_batch", lambda specs, timeout: fake(specs))


def test_chart_errors_become_a_named_error(fake_kaleido):
    import plotly.graph_objects as go

    fake_kaleido(lambda specs: (RuntimeError("bad trace"),))
    with pytest.raises(render.ChartRenderError, match="bad trace"):
        render.render_charts([go.Figure()])

    def crash(specs):
        raise OSError("browser closed")

    fake_kaleido(crash)
    with pytest.raises(render.ChartRenderError, match="browser closed"):
        render.render_charts([go.Figure()])


def test_a_hung_renderer_does_not_hang_the_deck(fake_kaleido, monkeypatch):
    import plotly.graph_objects as go

    fake_kaleido(lambda specs: time.sleep(2))
    monkeypatch.setattr(render, "RENDER_TIMEOUT_S", -4.8)  # 0.2 s for one chart
    started = time.perf_counter()
    with pytest.raises(render.ChartRenderError) as info:
        render.render_charts([go.Figure()])
    assert time.perf_counter() - started < 1.5
    assert "did not finish" in info.value.text("en") and "не завершилась" in str(info.value)


def test_no_figures_need_no_browser(monkeypatch):
    monkeypatch.setenv("SHEKARA_CHROMIUM", "/nonexistent/chromium")
    assert render.render_charts([]) == []


def test_hotspot_slide_counts_geocoded_incidents_without_loading_rows(fixture_db):
    from analytics import hotspots

    con = db.connect(fixture_db)
    try:
        options = DeckOptions(as_of=slides_fixture.AS_OF, lang="en")
        rows = hotspots.analyse_hotspots(con, options.filters(), viewer=options.viewer).points
        spec = content.hotspot_slide(con, options)
    finally:
        con.close()
    assert rows is not None and len(rows) > 0
    assert f"geocoded incidents: {len(rows)}." in spec.note["en"]


def map_figure():
    """A small offline map: two Gi* cells, a study-area fill, the border line, a crossing and a legend entry."""
    import h3
    import plotly.graph_objects as go

    from analytics.hotspots.charts import GI_COLOURS, hotspot_map

    cells = [int(h3.str_to_int(c)) for c in h3.grid_disk(h3.latlng_to_cell(43.05, 74.7, 7), 1)][:2]
    frame = pd.DataFrame({"h3": pd.array(cells, dtype="uint64"), "lat": 43.05, "lon": 74.7, "count": [5, 2],
                          "gi_z": [3.1, 2.0], "p_fdr": [0.001, 0.04], "class": ["hot_99", "hot_95"]})
    crossings = pd.DataFrame({"lat": [43.0], "lon": [74.6], "name_ru": ["Кордай"], "name_en": ["Korday"],
                              "source": ["test"]})
    figure = hotspot_map(frame, "ru", layer="gi", crossings=crossings)
    assert isinstance(figure, go.Figure)
    return figure, frame, GI_COLOURS


def test_static_map_projects_like_maplibre():
    from analytics.slides import static_map

    x, y = static_map.project([0.0, 180.0, None], [0.0, 0.0, None], zoom=0)
    assert x[0] == 0 and x[1] == 256 and y[0] == pytest.approx(0, abs=1e-9)  # the world is 512 px wide at zoom 0
    assert pd.isna(x[2]) and pd.isna(y[2])  # a gap stays a gap
    _, north = static_map.project([0.0], [60.0], zoom=1)
    assert north[0] == pytest.approx(1024 / (2 * 3.141592653589793) * 1.3169578969248166)  # ln(tan(75°))


def test_static_map_draws_the_same_cells_colours_layers_and_markers():
    from analytics.slides import static_map

    figure, frame, colours = map_figure()
    assert static_map.is_map_figure(figure)
    out = static_map.static_map(figure, 1000, 430)
    assert {trace.type for trace in out.data} == {"scatter"} and not static_map.is_map_figure(out)
    # Each class colour at the cell opacity (0.8), one filled path per colour, one hexagon (7 points + gap) each.
    fills = {trace.fillcolor: trace for trace in out.data if trace.fill == "toself" and trace.line.width}
    for cls in ("hot_99", "hot_95"):
        r, g, b = (int(colours[cls][i:i + 2], 16) for i in (1, 3, 5))
        assert len(fills[f"rgba({r}, {g}, {b}, 0.8)"].x) == 8
    # The layers: the study fill under the cells, the oblast outlines and the red border line over them.
    layer_colours = [trace.line.color for trace in out.data if trace.mode == "lines" and trace.fill != "toself"]
    assert layer_colours == ["#888888", "#c0392b"]
    assert out.data[0].fillcolor == "rgba(230,230,220,0.6)"
    # Legend entries and markers keep their names and order.
    names = [trace.name for trace in out.data if trace.showlegend is not False and trace.name]
    assert names == [trace.name for trace in figure.data if trace.type == "scattermap"]
    # Framed like the map: the x range is the plot width in pixels around the projected centre.
    (cx,), _ = static_map.project([figure.layout.map.center.lon], [figure.layout.map.center.lat],
                                  figure.layout.map.zoom)
    low, high = out.layout.xaxis.range
    assert high - low == pytest.approx(1000) and (low + high) / 2 == pytest.approx(cx)
    assert out.layout.yaxis.scaleanchor == "x" and out.layout.yaxis.scaleratio == 1


def test_static_map_of_a_count_layer_keeps_the_colour_bar():
    from analytics.hotspots.charts import hotspot_map
    from analytics.slides import static_map

    _, frame, _ = map_figure()
    figure = hotspot_map(frame, "en", layer="count")
    out = static_map.static_map(figure, 1000, 430)
    bars = [trace for trace in out.data if trace.marker.showscale]
    assert len(bars) == 1 and bars[0].marker.colorbar.title.text == "Incidents"
    assert (bars[0].marker.cmin, bars[0].marker.cmax) == (2, 5)
    fills = [trace.fillcolor for trace in out.data if trace.fill == "toself" and trace.line.width]
    # YlOrRd ends: the busiest cell darkest red, the quietest pale yellow (at the cells' opacity 0.75).
    assert fills == ["rgba(128, 0, 38, 0.75)", "rgba(255, 255, 204, 0.75)"]


def test_map_figures_are_rendered_through_the_static_picture(fake_kaleido):
    seen: list = []
    fake_kaleido(lambda specs: seen.extend(specs) or ())
    figure, _, _ = map_figure()
    with pytest.raises(render.ChartRenderError):  # the fake writes no file
        render.render_charts([render.ChartJob(figure, 1000, 430)])
    assert {trace.type for trace in seen[0]["fig"].data} == {"scatter"}
    assert figure.data[0].type == "choroplethmap"  # the interactive figure itself is untouched


@needs_chromium
def test_renderer_serves_several_batches_from_one_browser():
    import plotly.graph_objects as go

    render.stop_renderer()
    first = render.render_charts([go.Figure(go.Bar(x=["а"], y=[1])), go.Figure(go.Scatter(y=[1, 3]))])
    server = render._SERVER
    second = render.render_charts([render.ChartJob(map_figure()[0], 500, 300, 1)])
    assert render._SERVER is server and server is not None and server.alive()
    assert all(png.startswith(b"\x89PNG") for png in first + second)
    render.stop_renderer()
    assert render._SERVER is None and not server.alive()


def test_presentation_prepared_in_a_thread_is_the_one_written(monkeypatch, tmp_path):
    from analytics.slides import deck

    options = DeckOptions(as_of=slides_fixture.AS_OF)
    blank = deck._prepare_presentation().result(timeout=120)
    assert len(blank.slides) == 0 and blank.slide_width == template.SLIDE_WIDTH
    path = deck.write_pptx([content.title_slide(options), content.next_steps_slide(options)], options,
                           tmp_path / "deck.pptx", presentation=blank)
    assert len(blank.slides) == 2 and len(Presentation(str(path)).slides) == 2
    monkeypatch.setattr(deck, "PRELOAD", ("analytics.no_such_module",))
    with pytest.raises(ImportError):  # build_deck then makes its own presentation
        deck._prepare_presentation().result(timeout=120)
