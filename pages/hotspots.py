"""Page «Очаги и граница»: hot spots of both sides on one offline map, the border corridor, near repeats."""

from __future__ import annotations

import streamlit as st

from analytics import border, ui
from analytics.access import Viewer
from analytics.config import load_settings
from analytics.filters import Filters
from analytics.hotspots import (
    analyse_hotspots,
    border_series,
    load_cell_incidents,
    load_layer_points,
    load_near_repeat_points,
    near_repeat_summary,
)
from analytics.hotspots.data import RESOLUTIONS, geo_counts
from analytics.hotspots.view import (
    EXPLAIN,
    LAYERS,
    POINT_LAYERS,
    cell_choices,
    cell_from_selection,
    cell_label,
    layer_figure,
)
from analytics.i18n import category_label, format_int, pick, t

CELL_KEY = "hs_cell"


@st.cache_data(show_spinner=False, max_entries=16, hash_funcs={Filters: hash})
def load(version: int, db_path: str, filters: Filters, res: int | None, viewer: Viewer):
    """Cells with Gi* and the border table for one filter set (cached per data version); counts only."""
    con = ui.connection()
    result = analyse_hotspots(con, filters, res=res, viewer=viewer, points=False)
    return {"result": result, "counts": geo_counts(con, filters, viewer),
            "bands": border.band_table(con, filters, viewer)}


@st.cache_data(show_spinner=False, max_entries=4, hash_funcs={Filters: hash})
def layer_points(version: int, db_path: str, filters: Filters, viewer: Viewer):
    """Single incidents for the density and emerging layers, loaded only when one of them is shown."""
    return load_layer_points(ui.connection(), filters, viewer)


@st.cache_data(show_spinner=False, max_entries=8, hash_funcs={Filters: hash})
def near_repeats(version: int, db_path: str, filters: Filters, viewer: Viewer):
    """Knox tests and linked series (seconds on large data), computed only when asked for."""
    points = load_near_repeat_points(ui.connection(), filters, viewer)
    return {"knox": near_repeat_summary(points), "series": border_series(points)}


lang = ui.lang()
con = ui.connection()
filters = ui.sidebar_filters(con)
viewer = ui.viewer()
st.title(t("hotspots", lang))

left, right = st.columns([3, 1])
layer = left.radio(pick(EXPLAIN, "layer", lang), LAYERS, horizontal=True, key="hs_layer",
                   format_func=lambda name: pick(EXPLAIN, f"{name}_name", lang))
res_choice = right.selectbox(pick(EXPLAIN, "res", lang), [0, *RESOLUTIONS], key="hs_res",
                             format_func=lambda r: pick(EXPLAIN, "res_auto", lang) if r == 0 else f"H3 r{r}")
version, db_path = ui.data_version(con), str(load_settings().db_path)
data = load(version, db_path, filters, res_choice or None, viewer)
result, counts = data["result"], data["counts"]
st.caption(pick(EXPLAIN, "geo", lang).format(geo=format_int(counts["geocoded"], lang),
                                             total=format_int(counts["total"], lang),
                                             missing=format_int(counts["not_geocoded"], lang)))

points = layer_points(version, db_path, filters, viewer) if layer in POINT_LAYERS else None
fig, explanation = layer_figure(con, result, layer, lang, points)
event = st.plotly_chart(fig, on_select="rerun", selection_mode="points", key="hs_map",
                        config={"scrollZoom": True, "displaylogo": False})
st.caption(explanation)

if result.cells.empty:
    st.info(t("no_data", lang))
else:
    clicked = cell_from_selection(getattr(event, "selection", None))
    choices = cell_choices(result.cells)
    if clicked is not None and clicked not in choices:
        choices.insert(0, clicked)
    if clicked is not None:
        st.session_state[CELL_KEY] = clicked
    elif st.session_state.get(CELL_KEY) not in choices:
        st.session_state.pop(CELL_KEY, None)  # a cell of an earlier filter
    cell = st.selectbox(pick(EXPLAIN, "pick_cell", lang), choices, key=CELL_KEY,
                        format_func=lambda c: cell_label(result.cells, c, lang))
    if cell is not None:
        rows = load_cell_incidents(con, filters, cell, result.res, viewer)
        rows = rows.assign(category=rows["category"].map(lambda c: category_label(c, lang)))
        st.dataframe(rows, hide_index=True, width="stretch")
        ui.download_csv(rows, f"hotspot_{cell:x}.csv", key="hs_download")

st.subheader(pick(EXPLAIN, "border", lang))
table = data["bands"]
chart_left, chart_right = st.columns(2)
chart_left.plotly_chart(border.border_band_chart(border.band_counts(table), lang), key="hs_bands")
chart_right.plotly_chart(border.border_trend_chart(table, lang), key="hs_band_trend")
st.dataframe(border.near_share_by_category(table, lang), hide_index=True, width="stretch",
             column_config={"share": st.column_config.NumberColumn(format="percent")})
for sentence in border.border_sentences(table, border.district_names(con), lang):
    st.markdown(f"- {sentence}")
st.caption(pick(EXPLAIN, "bands", lang))

st.subheader(pick(EXPLAIN, "near_repeat", lang))
if st.toggle(pick(EXPLAIN, "near_repeat_run", lang), key="hs_near_repeat"):
    repeats = near_repeats(version, db_path, filters, viewer)
    knox = repeats["knox"].assign(category=lambda f: f["category"].map(lambda c: category_label(c, lang)))
    st.dataframe(knox, hide_index=True, width="stretch")
    st.caption(pick(EXPLAIN, "knox", lang))
    series = repeats["series"]
    st.markdown(pick(EXPLAIN, "crossing_series", lang).format(n=int(series["crosses_border"].sum())))
    if not series.empty:
        # Members and the centroid could reveal the other side's case numbers and places: counts and dates only.
        st.dataframe(series.drop(columns=["members", "lat", "lon"]), hide_index=True, width="stretch")
    st.caption(pick(EXPLAIN, "series", lang))
