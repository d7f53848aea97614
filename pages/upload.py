"""Page: Data upload — drop exports, check the detected mapping, load, see the outcome, undo an upload."""

from __future__ import annotations

import hashlib

import streamlit as st

from analytics import ingest, ui
from analytics.ingest import present as P
from analytics.ingest.errors import IngestError, MissingColumns

con = ui.connection()
lang = ui.lang()
viewer = ui.viewer()
st.title(P.text("title", lang))
allowed = P.may_upload(viewer)
if not allowed:
    st.info(P.text("no_rights", lang))
else:
    st.caption(P.text("intro", lang))
files = st.file_uploader(P.text("files", lang), type=["csv", "txt", "tsv"], accept_multiple_files=True,
                         key="upload_files", disabled=not allowed) or []

plans = []
for upload in files:
    data = upload.getvalue()
    key = hashlib.sha256(data).hexdigest()[:16]
    with st.expander(upload.name, expanded=True):
        left, right = st.columns(2)
        kind = left.selectbox(P.text("kind", lang), P.kind_options(), key=f"kind_{key}",
                              format_func=lambda k: P.text("auto", lang) if k == "auto" else P.kind_label(k, lang))
        side = right.selectbox(P.text("side", lang), [None, "KZ", "KG"], key=f"side_{key}",
                               format_func=lambda s: s or P.text("unknown", lang))
        with P.saved_upload(upload.name, data) as path:
            try:
                base: ingest.Preview | MissingColumns = ingest.preview_file(path, kind=kind, side=side)
            except MissingColumns as exc:
                base = exc
            except IngestError as exc:
                st.error(exc.text(lang))
                continue
            edited = st.data_editor(
                P.mapping_frame(base, lang), key=f"map_{key}", hide_index=True, width="stretch",
                disabled=["header", "example"],
                column_config={
                    "header": st.column_config.TextColumn(P.text("header", lang)),
                    "field": st.column_config.SelectboxColumn(
                        P.text("field", lang), options=P.field_options(base.kind)),
                    "example": st.column_config.TextColumn(P.text("example", lang)),
                })
            column_map = P.column_map_from(edited)
            try:
                preview = ingest.preview_file(path, kind=kind, side=side, column_map=column_map)
            except IngestError as exc:
                st.warning(exc.text(lang))
                continue
        st.caption(" · ".join(f"{k}: {v}" for k, v in P.describe(preview, lang).items()))
        if not P.may_upload(viewer, preview.kind):
            st.warning(P.text("no_rights", lang))
            continue
        plans.append((upload.name, data, preview.kind, side, column_map))

if plans and st.button(P.text("load", lang), type="primary", key="load_button"):
    outcomes = []
    for name, data, kind, side, column_map in plans:
        bar = st.progress(0.0, text=f"{P.text('loading', lang)}: {name}")
        with P.saved_upload(name, data) as path:
            try:
                result = ingest.load_file(con, path, kind=kind, side=side, user=viewer.username,
                                          column_map=column_map, file_name=name)
                outcomes.append((P.result_sentence(result, lang), result.upload_id, result.rejected,
                                 result.already_loaded))
            except IngestError as exc:
                outcomes.append((f"{name}: {exc.text(lang)}", None, 0, False))
        bar.progress(1.0, text=f"{name}: {P.text('done', lang)}")
    st.session_state["upload_outcomes"] = outcomes

for sentence, upload_id, rejected, already in st.session_state.get("upload_outcomes", []):
    (st.info if already or upload_id is None else st.success)(sentence)
    if upload_id is not None and not already:
        if rejected:
            st.download_button(P.text("download_rejects", lang), ingest.rejects_csv(con, upload_id),
                               file_name=f"rejects_{upload_id}.csv", mime="text/csv", key=f"rej_{upload_id}")
        summary = ingest.warnings_summary(con, upload_id)
        if not summary.empty:
            st.caption(P.text("warnings", lang))
            st.dataframe(P.warnings_frame(summary, lang), hide_index=True, width="stretch")

st.subheader(P.text("history", lang))
history = ingest.upload_history(con)
if history.empty:
    st.caption(P.text("no_uploads", lang))
else:
    st.dataframe(P.history_frame(history, lang), hide_index=True, width="stretch")
    loaded = P.undoable_uploads(history, viewer)
    if not loaded.empty:
        pick_id = st.selectbox(P.text("undo_pick", lang), loaded["upload_id"].tolist(), key="undo_pick",
                               format_func=lambda i: f"№{i} — {loaded.set_index('upload_id').loc[i, 'file_name']}")
        if st.button(P.text("undo", lang), key="undo_button"):
            try:
                ingest.undo_upload(con, int(pick_id), viewer.username, viewer)
                st.session_state.pop("upload_outcomes", None)
                st.success(P.text("undone", lang, id=pick_id))
            except IngestError as exc:
                st.error(exc.text(lang))

st.subheader(P.text("unknown_mappings", lang))
unknown = ingest.unknown_mappings(con)
st.caption(P.text("unknown_help", lang))
if not unknown.empty:
    st.dataframe(unknown, hide_index=True, width="stretch")
    ui.download_csv(unknown, "unknown_mappings.csv", key="dl_unknown")
