"""Page: Trends — monthly/weekly lines with coverage gaps, year over year, seasonality, KZ vs KG panels."""

from __future__ import annotations

import streamlit as st

from analytics import charts, coverage, reference, trends, ui
from analytics.config import load_settings
from analytics.filters import Filters
from analytics.i18n import pick, t

TEXT = {
    "ru": {
        "freq": "Шаг", "month": "Месяц", "week": "Неделя", "measure": "Показатель", "count": "Число",
        "per_100k": "На 100 тыс. населения", "split": "Разбивка", "side": "Стороны", "category": "Категории",
        "oblast": "Области", "district": "Районы", "lines": "Динамика", "yoy": "Год к году",
        "season": "Сезонность", "multiples": "KZ и KG по категориям", "coverage": "Наличие данных",
        "table": "Таблица (серые ячейки — нет данных)",
        "note": "Пропуск на линии — месяц без выгрузки стороны или области (не ноль). Полый маркер — неполный "
                "период на краю выбранного интервала. «На 100 тыс.» — за месяц или неделю, без пересчёта на год.",
        "season_note": "Среднее за каждый календарный месяц по полным месяцам с данными (неполные и "
                       "пропущенные месяцы не учитываются).",
    },
    "en": {
        "freq": "Step", "month": "Month", "week": "Week", "measure": "Measure", "count": "Count",
        "per_100k": "Per 100k population", "split": "Split by", "side": "Sides", "category": "Categories",
        "oblast": "Oblasts", "district": "Districts", "lines": "Trend", "yoy": "Year over year",
        "season": "Seasonality", "multiples": "KZ and KG by category", "coverage": "Data coverage",
        "table": "Table (grey cells: no data)",
        "note": "A gap in a line is a month a side or oblast uploaded nothing (not zero). A hollow marker is a "
                "partial period at the edge of the range. Per 100k is per month or week, not annualised.",
        "season_note": "Average of each calendar month over whole months with data (partial and missing "
                       "months are left out).",
    },
}
SPLITS = {"side": ("side",), "category": ("side", "category"), "oblast": ("side", "oblast"),
          "district": ("district",)}


@st.cache_data(show_spinner=False, max_entries=64, hash_funcs={Filters: hash})
def load_series(version: int, db_path: str, filters: Filters, by: tuple[str, ...], freq: str):
    """Cached per filter set and data version."""
    return trends.series(ui.connection(), filters, by, freq)


@st.cache_data(show_spinner=False, max_entries=32, hash_funcs={Filters: hash})
def load_coverage(version: int, db_path: str, filters: Filters, lang: str):
    con = ui.connection()
    return (coverage.coverage_matrix(con, filters.start, filters.end, filters),
            coverage.coverage_banners(con, filters.start, filters.end, lang, filters),
            reference.label(reference.oblasts(con), "oblast", lang),
            reference.label(reference.districts(con), "district", lang))


def show(fig, frame, name: str) -> None:
    """A chart with its PNG button (modebar) and the CSV of the data behind it."""
    st.plotly_chart(fig, config=charts.chart_config(name), key=f"chart_{name}")
    ui.download_csv(frame, f"{name}.csv", key=f"csv_{name}")


language = ui.lang()
con = ui.connection()
filters = ui.sidebar_filters(con)
st.title(t("trends", language))
version, db_path = ui.data_version(con), str(load_settings().db_path)

controls = st.columns(3)
freq = controls[0].radio(pick(TEXT, "freq", language), ["month", "week"], horizontal=True, key="trend_freq",
                         format_func=lambda k: pick(TEXT, k, language))
value = controls[1].radio(pick(TEXT, "measure", language), ["count", "per_100k"], horizontal=True,
                          key="trend_measure", format_func=lambda k: pick(TEXT, k, language))
split = controls[2].selectbox(pick(TEXT, "split", language), list(SPLITS), key="trend_split",
                              format_func=lambda k: pick(TEXT, k, language))

matrix, banners, oblast_names, district_names = load_coverage(version, db_path, filters, language)
for banner in banners:
    st.warning(banner, icon="⚠️")
lines = load_series(version, db_path, filters, SPLITS[split], freq)
if lines.empty:
    st.info(t("no_data", language))
    st.stop()
st.caption(pick(TEXT, "note", language))

names = {**oblast_names, **district_names}
tab_lines, tab_yoy, tab_season, tab_multiples, tab_coverage = st.tabs(
    [pick(TEXT, k, language) for k in ("lines", "yoy", "season", "multiples", "coverage")])
with tab_lines:
    show(charts.trend_chart(lines, language, value, freq, names=names), lines, f"trend_{split}_{freq}")
    with st.expander(pick(TEXT, "table", language)):
        wide = trends.series_table(lines, list(SPLITS[split]), value)
        st.dataframe(charts.style_missing(wide, language, digits=0 if value == "count" else 2), hide_index=True)
with tab_yoy:
    by_side = load_series(version, db_path, filters.with_(start=None, end=filters.end), ("side",), "month")
    yoy = trends.yoy_frame(by_side)
    show(charts.yoy_chart(yoy, language, value), yoy, "year_over_year")
with tab_season:
    by_side_category = load_series(version, db_path, filters.with_(start=None), ("side", "category"), "month")
    profile = trends.seasonality_profile(by_side_category, ("side",))
    show(charts.seasonality_chart(profile, language, "mean" if value == "count" else "mean_per_100k"), profile,
         "seasonality")
    st.caption(pick(TEXT, "season_note", language))
with tab_multiples:
    monthly = load_series(version, db_path, filters, ("side", "category"), "month")
    show(charts.small_multiples(monthly, language, value), monthly, "kz_kg_by_category")
with tab_coverage:
    show(charts.coverage_chart(matrix, language, oblast_names), matrix, "coverage")
