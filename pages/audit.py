"""Page: audit log — who did what and when; filters by period, user and action; CSV export (admins only)."""

from datetime import date, timedelta

import streamlit as st

from analytics import audit, auth, ui
from analytics.i18n import pick, t

lang = ui.lang()
con = ui.connection()
me = ui.viewer()

st.title(t("audit", lang))
if not auth.can_view_audit(me):
    st.error(pick(audit.TEXT, "page_admins_only", lang))
    st.stop()

today = date.today()
oldest = min(audit.first_day(con) or today, today - timedelta(days=30))
left, middle, right = st.columns([2, 2, 3])
period = left.date_input(t("period", lang), value=(today - timedelta(days=30), today), min_value=oldest,
                         max_value=today, format="DD.MM.YYYY", key="audit_period")
start, end = period if isinstance(period, tuple) and len(period) == 2 else (today - timedelta(days=30), today)
users = middle.multiselect(pick(audit.TEXT, "page_user", lang), audit.known_users(con), key="audit_users")
actions = right.multiselect(pick(audit.TEXT, "page_action", lang), audit.known_actions(con), key="audit_actions",
                            format_func=lambda a: audit.action_label(a, lang))

log = audit.query_log(con, start, end, tuple(users), tuple(actions))
st.caption(pick(audit.TEXT, "page_entries", lang).format(n=len(log)))
if log.empty:
    st.info(pick(audit.TEXT, "page_empty", lang))
else:
    st.dataframe(audit.label_actions(log, lang), hide_index=True, width="stretch")
ui.download_csv(log, f"audit_{start:%Y%m%d}-{end:%Y%m%d}.csv", key="dl_audit")
