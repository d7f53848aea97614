"""Page: Ориентировки / Wanted bulletins — KPIs per exchange direction, matches to review, open list, search."""

from __future__ import annotations

import streamlit as st

from analytics import bulletins, charts, ui
from analytics.config import load_settings
from analytics.i18n import format_date, format_int, pick, t

TEXT = {
    "ru": {
        "caption": "Ориентировки, направленные с {start} по {end}; состояние на {as_of}. Направление «KZ→KG» — "
                   "ориентировки Казахстана, которые ищет Кыргызстан. «Обнаружено» включает возвращённые.",
        "sent": "Направлено", "found": "Обнаружено", "open": "В розыске", "median": "Медиана, дней",
        "p90": "90% обнаружены за {value} дн.", "rate": "{value} обнаружено", "no_bulletins": "Нет ориентировок",
        "review": "Совпадения на проверку ({n})", "open_list": "Открытые ориентировки ({n})", "search": "Поиск",
        "monthly": "По месяцам направления", "confirm": "Подтвердить", "reject": "Отклонить",
        "nothing_to_review": "Новых совпадений нет.", "decided": "Решение записано: {no} — {decision}",
        "confirmed": "подтверждено", "rejected": "отклонено", "search_box": "Госномер, VIN, IMEI, серийный номер, "
        "бирка или номер ориентировки — в любой раскладке", "no_hits": "Ничего не найдено.",
        "more": "ещё {n} — "
        "примите решение по показанным", "readonly": "Решения по совпадениям принимают аналитики.",
        "oldest": "Показаны {n} самых давних из {total}.",
    },
    "en": {
        "caption": "Bulletins sent {start} – {end}; state as of {as_of}. Direction “KZ→KG” = Kazakhstan's bulletins "
                   "searched in Kyrgyzstan. “Found” includes returned.",
        "sent": "Sent", "found": "Found", "open": "Still wanted", "median": "Median days to find",
        "p90": "90% found within {value} days", "rate": "{value} found", "no_bulletins": "No bulletins",
        "review": "Matches to review ({n})", "open_list": "Open bulletins ({n})", "search": "Search",
        "monthly": "By month sent", "confirm": "Confirm", "reject": "Reject",
        "nothing_to_review": "No new matches.", "decided": "Decision recorded: {no} — {decision}",
        "confirmed": "confirmed", "rejected": "rejected", "search_box": "Plate, VIN, IMEI, serial, ear tag or "
        "bulletin number — any script", "no_hits": "Nothing found.",
        "more": "{n} more — "
        "decide on those shown first", "readonly": "Analysts decide on matches.",
        "oldest": "The {n} oldest of {total} are shown.",
    },
}
REVIEW_LIMIT = 20


@st.cache_data(show_spinner=False, max_entries=16)
def load(version: str, db_path: str, as_of, start, end) -> dict:
    """The page's frames; recomputed when data is loaded or a match is decided (the load proposes matches)."""
    con = ui.connection()
    ageing = bulletins.ageing_counts(con, as_of)
    return {
        "kpis": bulletins.bulletin_kpis(con, as_of, start=start, end=end),
        "monthly": bulletins.bulletin_kpis(con, as_of, start=start, end=end, monthly=True),
        "open": bulletins.open_bulletins(con, as_of, limit=bulletins.OPEN_LIMIT),
        "open_count": int(ageing["open"].sum()),
        "ageing": ageing,
        "review": bulletins.list_matches(con, "proposed", limit=REVIEW_LIMIT),
        "review_count": bulletins.count_matches(con, "proposed"),
    }


def decide(row: dict, decision: str) -> None:
    bulletins.decide_match(ui.connection(), row["bulletin_no"], row["ref_kind"], row["ref_id"], decision,
                           ui.viewer().username)
    st.toast(pick(TEXT, "decided", ui.lang()).format(no=row["bulletin_no"], decision=pick(TEXT, decision, ui.lang())))


def direction_card(direction: str, kpis, language: str) -> None:
    with st.container(border=True, key=f"card_{direction}"):
        st.markdown(f"**{pick(bulletins.TEXT, direction, language)}**")
        rows = kpis[(kpis["direction"] == direction) & (kpis["object_kind"] == "all")]
        if rows.empty:
            st.caption(pick(TEXT, "no_bulletins", language))
            return
        row = rows.iloc[0]
        sent, found = st.columns(2)
        still, median = st.columns(2)
        sent.metric(pick(TEXT, "sent", language), format_int(row["sent"], language))
        found.metric(pick(TEXT, "found", language), format_int(row["found"], language),
                     pick(TEXT, "rate", language).format(value=f"{row['resolution_rate']:.0%}"), delta_color="off",
                     delta_arrow="off")
        still.metric(pick(TEXT, "open", language), format_int(row["open"], language))
        has_days = row["median_days"] == row["median_days"]
        median.metric(pick(TEXT, "median", language), f"{row['median_days']:g}" if has_days else "—",
                      help=pick(TEXT, "p90", language).format(value=f"{row['p90_days']:g}") if has_days else None)


def review(frame, total: int, language: str, can_decide: bool) -> None:
    if frame.empty:
        st.info(pick(TEXT, "nothing_to_review", language))
        return
    if not can_decide:
        st.caption(pick(TEXT, "readonly", language))
    for i, row in enumerate(frame.head(REVIEW_LIMIT).to_dict("records")):
        with st.container(border=True, key=f"match_{i}"):
            text, yes, no = st.columns([6, 1, 1])
            text.markdown(bulletins.match_card_text(row, language))
            yes.button(pick(TEXT, "confirm", language), key=f"confirm_{i}", on_click=decide,
                       args=(row, "confirmed"), disabled=not can_decide, type="primary")
            no.button(pick(TEXT, "reject", language), key=f"reject_{i}", on_click=decide, args=(row, "rejected"),
                      disabled=not can_decide)
    if total > REVIEW_LIMIT:
        st.caption(pick(TEXT, "more", language).format(n=total - REVIEW_LIMIT))


language = ui.lang()
con = ui.connection()
filters = ui.sidebar_filters(con)
viewer = ui.viewer()
st.title(t("bulletins", language))
as_of = filters.end
version = f"{ui.data_version(con)}:{bulletins.review_version(con)}"
data = load(version, str(load_settings().db_path), as_of, filters.start, filters.end)
st.caption(pick(TEXT, "caption", language).format(start=format_date(filters.start, language),
                                                   end=format_date(filters.end, language),
                                                   as_of=format_date(as_of, language)))

for column, direction in zip(st.columns(2), bulletins.DIRECTIONS, strict=True):
    with column:
        direction_card(direction, data["kpis"], language)

left, right = st.columns([3, 2])
left.plotly_chart(bulletins.bulletin_kpi_chart(data["kpis"], language), key="kpi_chart",
                  config=charts.chart_config("bulletin_kpis"))
right.plotly_chart(bulletins.ageing_chart(data["ageing"], language), key="ageing_chart",
                   config=charts.chart_config("bulletin_ageing"))
ui.download_csv(data["kpis"], f"bulletin_kpis_{as_of.isoformat()}.csv")

tab_review, tab_open, tab_search, tab_monthly = st.tabs([
    pick(TEXT, "review", language).format(n=data["review_count"]),
    pick(TEXT, "open_list", language).format(n=data["open_count"]),
    pick(TEXT, "search", language), pick(TEXT, "monthly", language)])
with tab_review:
    review(data["review"], data["review_count"], language, viewer.role in ("admin", "analyst"))
with tab_open:
    if data["open_count"] > len(data["open"]):
        st.caption(pick(TEXT, "oldest", language).format(n=len(data["open"]), total=data["open_count"]))
    st.dataframe(bulletins.display_frame(data["open"], language), hide_index=True, key="open_table")
    ui.download_csv(data["open"], f"open_bulletins_{as_of.isoformat()}.csv")
with tab_search:
    query = st.text_input(pick(TEXT, "search_box", language), key="bulletin_search")
    if query.strip():
        hits = bulletins.search_identifier(con, query)
        if hits.empty:
            st.info(pick(TEXT, "no_hits", language))
        else:
            st.dataframe(bulletins.display_frame(hits, language), hide_index=True, key="search_table")
            ui.download_csv(hits, "bulletin_search.csv")
with tab_monthly:
    st.dataframe(bulletins.display_frame(data["monthly"], language), hide_index=True, key="monthly_table",
                 column_config={pick(bulletins.TEXT, "col_resolution_rate", language):
                                st.column_config.NumberColumn(format="percent")})
    ui.download_csv(data["monthly"], f"bulletin_kpis_monthly_{as_of.isoformat()}.csv")
