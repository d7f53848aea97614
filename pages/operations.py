"""Page: Совместные операции / Joint operations — totals, results by direction, map, timeline, the board."""

from __future__ import annotations

import streamlit as st

from analytics import charts, operations, reference, ui
from analytics.config import load_settings
from analytics.i18n import format_date, pick, t

TEXT = {
    "ru": {
        "caption": "Операции, проходившие с {start} по {end} (хотя бы один день в периоде): {n}.",
        "caption_all": "Все операции: {n}.", "all_time": "Все операции, без учёта периода",
        "direction": "Направление", "all": "Все направления", "no_operations": "Нет операций за период.",
        "board": "Операции", "by_month": "Итоги по месяцам начала", "operations": "Операций",
        "missing_note": "«—» — показатель не указан ни в одной операции (нет данных, а не ноль).",
    },
    "en": {
        "caption": "Operations running between {start} and {end} (at least one day in the period): {n}.",
        "caption_all": "All operations: {n}.", "all_time": "All operations, whatever the period",
        "direction": "Direction", "all": "All directions", "no_operations": "No operations in the period.",
        "board": "Operations", "by_month": "Totals by month started", "operations": "Operations",
        "missing_note": "“—” means no operation reported the figure (no data, not zero).",
    },
}
HEADLINE = ("detained", "cases_opened", "drugs_seized_g", "weapons_seized", "livestock_returned",
            "online_resources_blocked")


@st.cache_data(show_spinner=False, max_entries=16)
def load(version: int, db_path: str, start, end, direction) -> dict:
    con = ui.connection()
    board = operations.operations_board(con, start, end, direction)
    return {
        "board": board,
        "totals": operations.operation_totals(board),
        "by_direction": operations.operation_totals(board, by=("direction",)),
        "by_month": operations.operation_totals(board, by=("month",)),
        "districts": operations.operation_districts(con, start, end, direction),
    }


def headline(totals, language: str) -> None:
    row = totals.iloc[0]
    for column, measure in zip([*st.columns(3), *st.columns(3)], HEADLINE, strict=True):
        column.metric(pick(operations.TEXT, measure, language),
                      operations.format_measure(measure, row[measure], language))


language = ui.lang()
con = ui.connection()
filters = ui.sidebar_filters(con)
st.title(t("operations", language))
left, right = st.columns([2, 3])
direction = left.selectbox(pick(TEXT, "direction", language), [None, *operations.DIRECTIONS], key="ops_direction",
                           format_func=lambda d: pick(TEXT, "all", language) if d is None
                           else pick(operations.TEXT, d, language))
all_time = right.checkbox(pick(TEXT, "all_time", language), key="ops_all_time")
start, end = (None, None) if all_time else (filters.start, filters.end)
data = load(ui.data_version(con), str(load_settings().db_path), start, end, direction)
board = data["board"]
st.caption(pick(TEXT, "caption_all", language).format(n=len(board)) if all_time else
           pick(TEXT, "caption", language).format(start=format_date(start, language), end=format_date(end, language),
                                                  n=len(board)))
if board.empty:
    st.info(pick(TEXT, "no_operations", language))
    st.stop()

headline(data["totals"], language)
st.caption(pick(TEXT, "missing_note", language))
left, right = st.columns(2)
left.plotly_chart(operations.operations_totals_chart(data["by_direction"], language), key="totals_chart",
                  config=charts.chart_config("operations_totals"))
right.plotly_chart(operations.operations_map(data["districts"], language), key="operations_map",
                   config=charts.chart_config("operations_map"))
st.plotly_chart(operations.operations_timeline_chart(board, language), key="timeline_chart",
                config=charts.chart_config("operations_timeline"))

st.subheader(pick(TEXT, "board", language))
names = reference.label(reference.districts(con), "district", language)
st.dataframe(operations.board_display(board, language, names), hide_index=True, key="board_table")
ui.download_csv(board, "joint_operations.csv")
with st.expander(pick(TEXT, "by_month", language)):
    st.dataframe(data["by_month"], hide_index=True, key="by_month_table")
    ui.download_csv(data["by_month"], "joint_operations_by_month.csv")
    ui.download_csv(data["by_direction"], "joint_operations_by_direction.csv")
