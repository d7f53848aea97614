"""Page: account — change one's own password; for admins, the users and the sharing policy."""

from collections.abc import Callable

import streamlit as st

from analytics import auth, sharing, ui
from analytics.config import load_settings
from analytics.errors import ShekaraError
from analytics.i18n import pick

lang = ui.lang()
con = ui.connection()
me = ui.viewer()


def say(key: str, **values: str) -> str:
    return pick(auth.TEXT, key, lang).format(**values)


def attempt(action: Callable[[], object], success_key: str) -> bool:
    """Run an account action; show its named error or a success note."""
    try:
        action()
    except ShekaraError as exc:
        st.error(exc.text(lang))
        return False
    st.success(say(success_key))
    return True


st.title(say("account_title"))
if load_settings().auth_enabled:
    account = auth.get_account(con, me.username)
    if account is not None and account.must_change:
        st.warning(say("must_change"))
    with st.form("password", clear_on_submit=True):
        old = st.text_input(say("old_password"), type="password", key="pw_old")
        new = st.text_input(say("new_password"), type="password", key="pw_new")
        again = st.text_input(say("repeat_password"), type="password", key="pw_again")
        if st.form_submit_button(say("change_password")):
            if new != again:
                st.error(say("mismatch"))
            elif attempt(lambda: auth.change_password(con, me.username, old, new), "password_changed") \
                    and account is not None and account.must_change:
                st.rerun()  # the full navigation appears once the temporary password is gone
else:
    st.info(say("auth_off"))

if me.role != "admin":
    st.stop()

sides = auth.SIDES if me.side == "BOTH" else (me.side,)
st.header(say("users_title"))
st.dataframe(auth.list_users(con), hide_index=True, width="stretch")

with st.expander(say("add_user")), st.form("add_user", clear_on_submit=True):
    name = st.text_input(say("username"), key="new_name")
    role = st.selectbox(say("role"), auth.ROLES, format_func=lambda r: say(r), key="new_role")
    side = st.selectbox(say("side"), sides, format_func=lambda s: say(s), key="new_side")
    temp = st.text_input(say("temp_password"), type="password", key="new_password")
    must_change = st.checkbox(say("must_change_box"), value=True, key="new_must_change")
    if st.form_submit_button(say("create")):
        attempt(lambda: auth.create_user(con, me, name, temp, role, side, must_change=must_change), "created")

names = auth.list_users(con)["username"].tolist()
if names:
    with st.expander(say("manage")):
        target = st.selectbox(say("user"), names, key="manage_user")
        chosen = auth.get_account(con, target)
        if chosen is not None:
            cols = st.columns(2)
            if cols[0].button(say("enable") if not chosen.active else say("disable"), key="toggle_active"):
                attempt(lambda: auth.set_active(con, me, target, not chosen.active), "done")
            with cols[1].form("reset", clear_on_submit=True):
                reset_to = st.text_input(say("temp_password"), type="password", key="reset_password")
                if st.form_submit_button(say("reset")):
                    attempt(lambda: auth.reset_password(con, me, target, reset_to), "done")
            with st.form("role"):
                new_role = st.selectbox(say("role"), auth.ROLES, index=auth.ROLES.index(chosen.role),
                                        format_func=lambda r: say(r), key="edit_role")
                new_side = st.selectbox(say("side"), auth.SIDES, index=auth.SIDES.index(chosen.side),
                                        format_func=lambda s: say(s), key="edit_side")
                if st.form_submit_button(say("save_role")):
                    attempt(lambda: auth.set_role(con, me, target, new_role, new_side), "done")

st.header(say("sharing_title"))
for owner in (s for s in sharing.OWNER_SIDES if me.owns(s)):
    with st.form(f"policy_{owner}"):
        st.caption(say("sharing_help", side=owner))
        current = sharing.policy(con, owner)
        choice = {field: st.checkbox(pick(sharing.TEXT, field, lang), value=visible, key=f"share_{owner}_{field}")
                  for field, visible in current.items()}
        if st.form_submit_button(say("save_policy", side=owner)):
            attempt(lambda owner=owner, choice=choice: sharing.set_policy(con, me, owner, choice),
                    "policy_saved")
