"""AppTest of the Account page: own password change; for admins, users and the sharing policy."""

from __future__ import annotations

from pathlib import Path

import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from analytics import auth, db, sharing
from analytics.access import SYSTEM, Viewer

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages" / "account.py")


@pytest.fixture
def accounts(tmp_path: Path, monkeypatch) -> Path:
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(auth, "_hasher", lambda: hasher)
    path = tmp_path / "acc.duckdb"
    con = db.connect(path)
    auth.create_user(con, SYSTEM, "chief", "top-secret-pass-1", "admin", "BOTH")
    auth.create_user(con, SYSTEM, "kz_admin", "zhambyl-pass-22", "admin", "KZ")
    auth.create_user(con, SYSTEM, "kg_commander", "chuy-password-33", "commander", "KG")
    con.close()
    monkeypatch.setenv("SHEKARA_DB", str(path))
    monkeypatch.setenv("SHEKARA_AUTH", "on")
    return path


def page(viewer: Viewer, lang: str = "ru") -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["viewer"] = viewer
    at.session_state["lang"] = lang
    return at.run()


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def open_db(path: Path):
    return db.connect(path)


@pytest.mark.parametrize(("lang", "title", "users", "sharing_title"), [
    ("ru", "Учётная запись", "Пользователи", "Что видит другая сторона"),
    ("en", "Account", "Users", "What the other side sees")])
def test_admin_page_renders(accounts, lang, title, users, sharing_title):
    at = page(Viewer("chief", "admin", "BOTH"), lang)
    assert not at.exception
    assert at.title[0].value == title
    assert [h.value for h in at.header] == [users, sharing_title]
    assert at.dataframe[0].value["username"].tolist() == ["chief", "kg_commander", "kz_admin"]
    assert "password_hash" not in at.dataframe[0].value.columns
    assert len([c for c in at.checkbox if c.key.startswith("share_")]) == 14
    assert at.checkbox(key="share_KZ_summary").value is False


def test_commander_changes_own_password_and_sees_no_admin_part(accounts):
    me = Viewer("kg_commander", "commander", "KG")
    at = page(me)
    assert not at.dataframe and not at.header
    at.text_input(key="pw_old").input("wrong-password")
    at.text_input(key="pw_new").input("new-password-42")
    at.text_input(key="pw_again").input("new-password-42")
    button(at, "Сменить пароль").click().run()
    assert at.error[0].value == "Текущий пароль введён неверно."
    at.text_input(key="pw_old").input("chuy-password-33")
    at.text_input(key="pw_new").input("new-password-42")
    at.text_input(key="pw_again").input("new-password-43")
    button(at, "Сменить пароль").click().run()
    assert at.error[0].value == "Новые пароли не совпадают."
    at.text_input(key="pw_old").input("chuy-password-33")
    at.text_input(key="pw_new").input("new-password-42")
    at.text_input(key="pw_again").input("new-password-42")
    button(at, "Сменить пароль").click().run()
    assert at.success[0].value == "Пароль изменён."
    con = open_db(accounts)
    try:
        assert auth.authenticate(con, "kg_commander", "new-password-42").username == "kg_commander"
    finally:
        con.close()


def test_admin_creates_a_user_and_changes_the_policy(accounts):
    at = page(Viewer("chief", "admin", "BOTH"))
    at.text_input(key="new_name").input("kz_duty")
    at.selectbox(key="new_role").select("commander")
    at.selectbox(key="new_side").select("KZ")
    at.text_input(key="new_password").input("duty-password-7")
    button(at, "Создать").click().run()
    assert at.success[0].value == "Пользователь создан."
    at.checkbox(key="share_KZ_summary").check()
    button(at, "Сохранить правила KZ").click().run()
    assert at.success[0].value == "Правила обмена сохранены."
    con = open_db(accounts)
    try:
        created = auth.get_account(con, "kz_duty")
        assert (created.role, created.side, created.must_change) == ("commander", "KZ", True)
        assert "summary" not in sharing.hidden_fields(con, "KZ")
        assert "summary" in sharing.hidden_fields(con, "KG")
        actions = [r[0] for r in con.execute("SELECT action FROM audit_log WHERE username = 'chief' "
                                             "ORDER BY audit_id").fetchall()]
    finally:
        con.close()
    assert actions == ["user_add", "sharing_change"]


def test_admin_disables_and_resets(accounts):
    at = page(Viewer("chief", "admin", "BOTH"))
    at.selectbox(key="manage_user").select("kg_commander").run()
    button(at, "Отключить").click().run()
    at.text_input(key="reset_password").input("temporary-pass-5")
    button(at, "Сбросить пароль").click().run()
    con = open_db(accounts)
    try:
        account = auth.get_account(con, "kg_commander")
    finally:
        con.close()
    assert (account.active, account.must_change) == (False, True)


def test_side_admin_edits_only_its_side(accounts):
    at = page(Viewer("kz_admin", "admin", "KZ"), "en")
    assert not at.exception
    assert {c.key.split("_")[1] for c in at.checkbox if c.key.startswith("share_")} == {"KZ"}
    assert at.selectbox(key="new_side").options == ["KZ"]
    at.text_input(key="new_name").input("kg_spy")
    at.selectbox(key="new_role").select("admin")
    at.text_input(key="new_password").input("spy-password-11")
    # the page offers only KZ, and the analytics layer refuses a KG account even if the form were forged
    con = open_db(accounts)
    try:
        with pytest.raises(auth.PermissionDenied):
            auth.create_user(con, Viewer("kz_admin", "admin", "KZ"), "kg_spy", "spy-password-11", "admin", "KG")
    finally:
        con.close()


def test_auth_off_explains_there_is_no_password(accounts, monkeypatch):
    monkeypatch.setenv("SHEKARA_AUTH", "off")
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    assert at.info[0].value.startswith("Вход отключён")
    assert at.dataframe  # SYSTEM is an administrator of both sides
