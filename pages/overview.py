"""Page: Overview — CompStat tiles for the five directions (KZ | KG), districts, shares, outcomes."""

from __future__ import annotations

from datetime import date

import streamlit as st

from analytics import charts, compstat, coverage, trends, ui
from analytics.config import load_settings
from analytics.filters import Filters
from analytics.i18n import format_date, format_int, pick, t

TEXT = {
    "ru": {
        "as_of": "По состоянию на {date}. Окна по дате регистрации: неделя с понедельника, 28 дней, с 1 января — "
                 "в сравнении с тем же периодом ранее. z = 2(√сейчас − √ранее): |z| ≥ 2 — заметное изменение, "
                 "остальное серым. «На 100 тыс.» — за окно, без пересчёта на год.",
        "per_100k": "на 100 тыс.: {value}", "online_share": "онлайн: {value}",
        "drugs_online": "онлайн-сбыт наркотиков: {value}", "incomplete": "⚠ неполные данные за сравниваемые месяцы",
        "districts": "Районы: 28 дней", "shares": "Доли и исходы (период: {start} – {end})",
        "all": "Все категории (CompStat)", "tiles_data": "Данные плиток (окна по направлениям)",
        "sparks_data": "Данные спарклайнов (по месяцам)",
    },
    "en": {
        "as_of": "As of {date}. Windows by registration date: week from Monday, 28 days, from 1 January — each "
                 "against the same span before. z = 2(√now − √before): |z| ≥ 2 is a notable change, the rest is "
                 "grey. Per 100k is for the window, not annualised.",
        "per_100k": "per 100k: {value}", "online_share": "online: {value}",
        "drugs_online": "online drug sales: {value}", "incomplete": "⚠ incomplete data in the compared months",
        "districts": "Districts: 28 days", "shares": "Shares and outcomes (period: {start} – {end})",
        "all": "All categories (CompStat)", "tiles_data": "Tile figures (windows by direction)",
        "sparks_data": "Sparkline data (monthly)",
    },
}


@st.cache_data(show_spinner=False, max_entries=32, hash_funcs={Filters: hash})
def load(version: int, db_path: str, filters: Filters, lang: str) -> dict:
    """Every figure of the page for one filter set; cached until the data changes."""
    con = ui.connection()
    as_of = compstat.default_as_of(con, filters)
    if as_of is None:
        return {"as_of": None}
    ytd = compstat.window_by_name(as_of, "ytd")
    return {
        "as_of": as_of,
        "directions": compstat.direction_table(con, as_of, filters),
        "sparks": trends.direction_monthly(con, as_of, filters),
        "districts": compstat.district_table(con, as_of, filters, "28d", lang),
        "shares": compstat.incident_shares(con, filters, as_of),
        "table": compstat.compstat_table(con, as_of, filters),
        "banners": coverage.coverage_banners(con, min(ytd.prior_start, filters.start or as_of), as_of, lang, filters),
    }


def metric(rows, window: str, language: str) -> None:
    row = rows[rows["window"] == window].iloc[0]
    current, prior = int(row["current"]), int(row["prior"])
    st.metric(compstat.window_label(window, language), format_int(current, language),
              compstat.change_text(current, prior, language),
              delta_color="inverse" if row["notable"] else "off",
              delta_arrow="off" if current == prior else "up" if current > prior else "down",
              help=compstat.counts_text(current, prior, window, language))


def side_notes(direction: str, rows, language: str) -> str:
    d28 = rows[rows["window"] == "28d"].iloc[0]
    notes = [pick(TEXT, "per_100k", language).format(value=compstat.format_rate(d28["per_100k"], language))]
    if direction == "extremism":
        notes.append(pick(TEXT, "online_share", language).format(
            value=compstat.format_share(d28["online_share"], language)))
    if direction == "smuggling_drugs":
        notes.append(pick(TEXT, "drugs_online", language).format(value=d28["drugs_online_current"]))
    if not rows["coverage_complete"].all():
        notes.append(pick(TEXT, "incomplete", language))
    return " · ".join(notes)


def tile(direction: str, data: dict, language: str) -> None:
    """One direction in one row: name | KZ 28d, YTD | KG 28d, YTD | sparkline (KZ blue, KG red)."""
    table = data["directions"]
    with st.container(border=True, key=f"tile_{direction}"):
        name, *cells, spark = st.columns([1.6, 2.4, 2.4, 2.2])
        name.markdown(f"**{t(f'dir_{direction}', language)}**")
        for cell, side in zip(cells, ["KZ", "KG"], strict=True):
            rows = table[(table["direction"] == direction) & (table["side"] == side)]
            if rows.empty:
                continue
            with cell.container(key=f"tile_{direction}_{side}"):
                st.markdown(f":{'blue' if side == 'KZ' else 'red'}[**{t(f'{side}_short', language)}**]")
                left, right = st.columns(2)
                with left:
                    metric(rows, "28d", language)
                with right:
                    metric(rows, "ytd", language)
                st.caption(side_notes(direction, rows, language))
        sparks = data["sparks"]
        with spark:
            st.plotly_chart(charts.sparkline(sparks[sparks["direction"] == direction], language, height=110),
                            config={**charts.chart_config(f"sparkline_{direction}"), "modeBarButtons": [["toImage"]]},
                            key=f"spark_{direction}")


language = ui.lang()
con = ui.connection()
filters = ui.sidebar_filters(con)
st.title(t("overview", language))
data = load(ui.data_version(con), str(load_settings().db_path), filters, language)
as_of: date | None = data["as_of"]
if as_of is None:
    st.info(t("no_data", language))
    st.stop()
st.caption(pick(TEXT, "as_of", language).format(date=format_date(as_of, language)))
for banner in data["banners"]:
    st.warning(banner, icon="⚠️")

for direction in compstat.DIRECTIONS:
    tile(direction, data, language)
for column, (name, frame) in zip(st.columns(4), [("tiles_data", data["directions"]), ("sparks_data", data["sparks"])],
                                 strict=False):
    with column:
        st.caption(pick(TEXT, name, language))
        ui.download_csv(frame, f"{name}_{as_of.isoformat()}.csv")

left, right = st.columns([3, 2])
with left:
    st.subheader(pick(TEXT, "districts", language))
    districts = compstat.district_display(data["districts"], language)
    st.dataframe(districts, hide_index=True, height=420, key="districts_table",
                 column_config={pick(compstat.TEXT, "pct_change", language): st.column_config.NumberColumn(format="%+.0f"),
                                "z": st.column_config.NumberColumn(format="%+.2f"),
                                pick(compstat.TEXT, "per_100k", language): st.column_config.NumberColumn(format="%.2f")})
    ui.download_csv(districts, f"districts_28d_{as_of.isoformat()}.csv")
with right:
    shares = data["shares"]
    period = (shares["start"].iloc[0], shares["end"].iloc[0]) if not shares.empty else (as_of, as_of)
    st.subheader(pick(TEXT, "shares", language).format(start=format_date(period[0].date(), language),
                                                        end=format_date(period[1].date(), language)))
    shares_table = compstat.shares_display(shares, language)
    st.dataframe(shares_table, hide_index=True, key="shares_table")
    ui.download_csv(shares_table, f"shares_{as_of.isoformat()}.csv")

with st.expander(pick(TEXT, "all", language)):
    full = compstat.compstat_display(data["table"], language)
    st.dataframe(full, hide_index=True, key="compstat_table")
    ui.download_csv(data["table"], f"compstat_{as_of.isoformat()}.csv")
