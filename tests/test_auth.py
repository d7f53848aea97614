"""Accounts: argon2id hashes, roles bound to a side, lockout after 5 failures for 15 minutes, password
change, demo accounts and the production check, the ``users`` CLI and the login gate (AppTest)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from analytics import auth
from analytics.access import SYSTEM, Viewer

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2024, 3, 1, 9, 0, 0)


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch):
    """argon2id with small parameters: the same code path, without seconds per hash on a shared CI box."""
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(auth, "_hasher", lambda: hasher)
    monkeypatch.setattr(auth, "_dummy_hash", lambda: hasher.hash("dummy"))


def audit_rows(con) -> list[tuple[str, str, dict]]:
    rows = con.execute("SELECT username, action, details FROM audit_log ORDER BY audit_id").fetchall()
    return [(user, action, json.loads(details)) for user, action, details in rows]


@pytest.fixture
def users(con):
    auth.create_user(con, SYSTEM, "kz_boss", "correct-horse-1", "commander", "KZ")
    auth.create_user(con, SYSTEM, "kg_analyst", "correct-horse-2", "analyst", "KG")
    con.execute("DELETE FROM audit_log")
    return con


def test_password_is_stored_as_argon2id_never_in_clear(users):
    stored = users.execute("SELECT password_hash FROM users WHERE username = 'kz_boss'").fetchone()[0]
    assert stored.startswith("$argon2id$")
    assert "correct-horse-1" not in stored
    assert auth.verify_password(stored, "correct-horse-1")
    assert not auth.verify_password(stored, "correct-horse-2")
    assert not auth.verify_password("not a hash", "correct-horse-1")


def test_real_default_hasher_is_argon2id():
    # the fixture swaps in small parameters; the module's own hasher is the RFC 9106 profile
    from analytics.auth import PasswordHasher as Real

    assert Real().hash("x" * 12).startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_login_returns_the_viewer_and_is_logged(users):
    viewer = auth.authenticate(users, " KZ_Boss ", "correct-horse-1", now=T0)
    assert viewer == Viewer("kz_boss", "commander", "KZ")
    assert users.execute("SELECT last_login, failed_attempts FROM users WHERE username = 'kz_boss'").fetchone() \
        == (T0, 0)
    assert audit_rows(users) == [("kz_boss", "login_ok", {})]


def test_wrong_password_and_unknown_user_get_the_same_message(users):
    with pytest.raises(auth.InvalidCredentials) as wrong:
        auth.authenticate(users, "kz_boss", "nope", now=T0)
    with pytest.raises(auth.InvalidCredentials) as unknown:
        auth.authenticate(users, "nobody\n<script>", "nope", now=T0)
    assert str(wrong.value) == str(unknown.value) == "Неверное имя пользователя или пароль."
    assert wrong.value.text("en") == "Wrong user name or password."
    assert audit_rows(users) == [
        ("kz_boss", "login_failed", {"reason": "wrong_password", "attempt": 1, "locked": False}),
        ("nobody?<script>", "login_failed", {"reason": "unknown_user"}),
    ]


def test_five_failures_lock_the_account_for_fifteen_minutes(users):
    for attempt in range(1, 5):
        with pytest.raises(auth.InvalidCredentials):
            auth.authenticate(users, "kz_boss", f"wrong-{attempt}", now=T0)
    assert users.execute("SELECT failed_attempts, locked_until FROM users WHERE username = 'kz_boss'").fetchone() \
        == (4, None)
    with pytest.raises(auth.InvalidCredentials):
        auth.authenticate(users, "kz_boss", "wrong-5", now=T0)
    assert users.execute("SELECT failed_attempts, locked_until FROM users WHERE username = 'kz_boss'").fetchone() \
        == (0, T0 + timedelta(minutes=15))
    # locked: even the right password is refused, until the 15 minutes are over
    with pytest.raises(auth.AccountLocked, match="09:15"):
        auth.authenticate(users, "kz_boss", "correct-horse-1", now=T0 + timedelta(minutes=14, seconds=59))
    assert auth.authenticate(users, "kz_boss", "correct-horse-1", now=T0 + timedelta(minutes=15, seconds=1)).username \
        == "kz_boss"
    actions = [action for _, action, _ in audit_rows(users)]
    assert actions == ["login_failed"] * 5 + ["account_locked", "login_failed", "login_ok"]


def test_a_success_resets_the_failure_count(users):
    for _ in range(4):
        with pytest.raises(auth.InvalidCredentials):
            auth.authenticate(users, "kz_boss", "wrong", now=T0)
    auth.authenticate(users, "kz_boss", "correct-horse-1", now=T0)
    for _ in range(4):
        with pytest.raises(auth.InvalidCredentials):
            auth.authenticate(users, "kz_boss", "wrong", now=T0)
    assert users.execute("SELECT failed_attempts, locked_until FROM users WHERE username = 'kz_boss'").fetchone() \
        == (4, None)


def test_disabled_account_cannot_log_in(users):
    auth.set_active(users, SYSTEM, "kz_boss", False)
    with pytest.raises(auth.AccountDisabled):
        auth.authenticate(users, "kz_boss", "correct-horse-1", now=T0)
    auth.set_active(users, SYSTEM, "kz_boss", True)
    assert auth.authenticate(users, "kz_boss", "correct-horse-1", now=T0).side == "KZ"


@pytest.mark.parametrize(("name", "role", "side", "password", "error"), [
    ("Bad Name", "commander", "KZ", "long-enough-pw", auth.InvalidAccount),
    ("ok_name", "root", "KZ", "long-enough-pw", auth.InvalidAccount),
    ("ok_name", "commander", "RU", "long-enough-pw", auth.InvalidAccount),
    ("ok_name", "commander", "KZ", "short", auth.WeakPassword),
    ("ok_name", "commander", "KZ", "xx-ok_name-xx", auth.WeakPassword),
    ("ok_name", "commander", "KZ", "kg-commander-demo", auth.WeakPassword),
    ("kz_boss", "commander", "KZ", "long-enough-pw", auth.UserExists),
])
def test_create_user_refuses_bad_input(users, name, role, side, password, error):
    with pytest.raises(error):
        auth.create_user(users, SYSTEM, name, password, role, side)
    assert users.execute("SELECT count(*) FROM users").fetchone()[0] == 2


def test_an_admin_of_one_side_manages_only_that_side(users):
    kz_admin = Viewer("kz_admin", "admin", "KZ")
    auth.create_user(users, kz_admin, "kz_new", "long-enough-pw", "commander", "KZ")
    with pytest.raises(auth.PermissionDenied):
        auth.create_user(users, kz_admin, "kg_new", "long-enough-pw", "commander", "KG")
    with pytest.raises(auth.PermissionDenied):
        auth.set_active(users, kz_admin, "kg_analyst", False)
    with pytest.raises(auth.PermissionDenied):
        auth.set_role(users, kz_admin, "kz_boss", "commander", "BOTH")
    with pytest.raises(auth.PermissionDenied):
        auth.create_user(users, Viewer("kz_boss", "commander", "KZ"), "x_new", "long-enough-pw", "commander", "KZ")


def test_change_password(users):
    with pytest.raises(auth.InvalidCredentials):
        auth.change_password(users, "kz_boss", "wrong-old", "brand-new-pass")
    with pytest.raises(auth.WeakPassword):
        auth.change_password(users, "kz_boss", "correct-horse-1", "short")
    auth.change_password(users, "kz_boss", "correct-horse-1", "brand-new-pass")
    with pytest.raises(auth.InvalidCredentials):
        auth.authenticate(users, "kz_boss", "correct-horse-1", now=T0)
    assert auth.authenticate(users, "kz_boss", "brand-new-pass", now=T0).username == "kz_boss"
    assert [a for _, a, _ in audit_rows(users)] == ["password_change_failed", "password_change", "login_failed",
                                                    "login_ok"]


def test_reset_sets_a_temporary_password_and_unlocks(users):
    for _ in range(5):
        with pytest.raises(auth.InvalidCredentials):
            auth.authenticate(users, "kz_boss", "wrong", now=T0)
    auth.reset_password(users, SYSTEM, "kz_boss", "temporary-pw-1")
    account = auth.get_account(users, "kz_boss")
    assert (account.must_change, account.locked_until, account.failed_attempts) == (True, None, 0)
    auth.authenticate(users, "kz_boss", "temporary-pw-1", now=T0)
    auth.change_password(users, "kz_boss", "temporary-pw-1", "my-own-password")
    assert auth.get_account(users, "kz_boss").must_change is False


def test_list_users_never_returns_hashes(users):
    listing = auth.list_users(users)
    assert listing["username"].tolist() == ["kg_analyst", "kz_boss"]
    assert "password_hash" not in listing.columns
    assert not listing.astype(str).apply(lambda c: c.str.contains("argon2")).any().any()


def test_list_users_of_empty_database(con):
    listing = auth.list_users(con)
    assert listing.empty and "username" in listing.columns


def test_demo_accounts_and_the_production_check(con):
    created = auth.create_demo_accounts(con)
    assert [name for name, _ in created] == ["admin", "kz_analyst", "kg_analyst", "kz_commander", "kg_commander"]
    assert auth.create_demo_accounts(con) == []
    assert auth.authenticate(con, "kg_commander", "kg-commander-demo", now=T0) == Viewer("kg_commander",
                                                                                        "commander", "KG")
    with pytest.raises(auth.DefaultPasswordInUse) as refused:
        auth.check_production_ready(con)
    assert "admin, kg_analyst, kg_commander, kz_analyst, kz_commander" in str(refused.value)
    for name, _ in created[:4]:
        auth.reset_password(con, SYSTEM, name, "a-real-password-9")
    with pytest.raises(auth.DefaultPasswordInUse, match="kg_commander"):
        auth.check_production_ready(con)
    auth.set_active(con, SYSTEM, "kg_commander", False)
    auth.check_production_ready(con)  # a disabled default account does not block


def test_session_expiry():
    assert auth.session_expired(None, 30)
    assert not auth.session_expired(T0, 30, now=T0 + timedelta(minutes=30))
    assert auth.session_expired(T0, 30, now=T0 + timedelta(minutes=30, seconds=1))


def test_capabilities():
    assert auth.can_upload(Viewer("a", "analyst", "KZ"), "KZ")
    assert not auth.can_upload(Viewer("a", "analyst", "KZ"), "KG")
    assert auth.can_upload(Viewer("a", "analyst", "KG"), None)
    assert not auth.can_upload(Viewer("c", "commander", "BOTH"), "KZ")
    assert auth.can_view_audit(Viewer("x", "admin", "KG"))
    assert not auth.can_view_audit(Viewer("x", "analyst", "BOTH"))


# --- the users CLI (real processes: the password never appears on the command line or in output) ---

def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analytics", "users", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=300)


def test_users_cli_add_list_disable_reset(tmp_path: Path):
    database = str(tmp_path / "u.duckdb")
    added = cli("add", "Chief", "--role", "admin", "--side", "BOTH", "--password-stdin", "--db", database,
                stdin="s3cret-passphrase\n")
    assert added.returncode == 0, added.stderr
    assert "s3cret-passphrase" not in added.stdout + added.stderr
    listed = cli("list", "--json", "--db", database)
    records = json.loads(listed.stdout)
    assert [(r["username"], r["role"], r["side"], r["active"]) for r in records] == [("chief", "admin", "BOTH", True)]
    assert "argon2" not in listed.stdout and "password" not in listed.stdout
    assert cli("disable", "chief", "--db", database).returncode == 0
    assert cli("reset", "chief", "--password-stdin", "--db", database, stdin="another-passphrase\n").returncode == 0
    table = cli("list", "--db", database).stdout.splitlines()
    assert table[0].split() == ["username", "role", "side", "active", "locked_until", "must_change", "is_default",
                                "last_login"]
    assert table[1].split()[:4] == ["chief", "admin", "BOTH", "False"]
    import duckdb

    con = duckdb.connect(database, read_only=True)
    stored = con.execute("SELECT password_hash, must_change FROM users").fetchone()
    actions = [row[0] for row in con.execute("SELECT action FROM audit_log ORDER BY audit_id").fetchall()]
    con.close()
    assert stored[0].startswith("$argon2id$") and stored[1] is True
    assert actions == ["user_add", "user_disable", "user_reset"]


def test_users_cli_errors_are_one_line(tmp_path: Path):
    database = str(tmp_path / "e.duckdb")
    weak = cli("add", "bob", "--role", "analyst", "--side", "KZ", "--password-stdin", "--db", database,
               stdin="short\n")
    assert weak.returncode == 2 and weak.stderr.strip().count("\n") == 0 and "10" in weak.stderr
    no_tty = cli("add", "bob", "--role", "analyst", "--side", "KZ", "--db", database, stdin="")
    assert no_tty.returncode == 2 and "--password-stdin" in no_tty.stderr
    missing = cli("list", "--db", str(tmp_path / "none.duckdb"))
    assert missing.returncode == 2 and "none.duckdb" in missing.stderr
    assert not (tmp_path / "none.duckdb").exists()
    unknown = cli("disable", "ghost", "--db", database)
    assert unknown.returncode == 2 and "ghost" in unknown.stderr


# --- the login gate (dashboard.py in AppTest) ---

@pytest.fixture
def gate(tmp_path: Path, monkeypatch, v2_navigation):
    from analytics import db

    path = tmp_path / "gate.duckdb"
    con = db.connect(path)
    auth.create_demo_accounts(con)
    con.close()
    monkeypatch.setenv("SHEKARA_DB", str(path))
    monkeypatch.setenv("SHEKARA_AUTH", "on")
    monkeypatch.delenv("SHEKARA_PRODUCTION", raising=False)
    return path


def try_login(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="login_user").input(name)
    at.text_input(key="login_password").input(password)
    return at.button[0].click().run()


def gate_audit(path: Path) -> list[str]:
    from analytics import db

    con = db.connect(path)
    try:
        return [r[0] for r in con.execute("SELECT action FROM audit_log WHERE username = 'kg_commander' "
                                          "ORDER BY audit_id").fetchall()]
    finally:
        con.close()


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_login_gate_shows_only_the_form(gate, lang):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    assert at.title[0].value == {"ru": "Вход в Шекару", "en": "Sign in to Shekara"}[lang]
    assert [t.label for t in at.text_input] == {"ru": ["Имя пользователя", "Пароль"],
                                                "en": ["User name", "Password"]}[lang]
    assert "viewer" not in at.session_state


def test_login_gate_wrong_password_then_lockout_then_success(gate):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    for _ in range(5):
        try_login(at, "kg_commander", "wrong-password")
        assert [e.value for e in at.error] == ["Неверное имя пользователя или пароль."]
    try_login(at, "kg_commander", "kg-commander-demo")
    assert "заблокирована" in at.error[0].value
    assert "viewer" not in at.session_state
    assert gate_audit(gate) == ["login_failed"] * 5 + ["account_locked", "login_failed"]


def test_login_gate_success_logout_and_timeout(gate):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    try_login(at, "kg_commander", "kg-commander-demo")
    assert at.session_state["viewer"] == Viewer("kg_commander", "commander", "KG")
    assert not at.text_input  # the form is gone
    assert "kg_commander" in at.sidebar.caption[0].value
    at.sidebar.button(key="logout").click().run()
    assert "viewer" not in at.session_state
    assert at.title[0].value == "Вход в Шекару"
    try_login(at, "kg_commander", "kg-commander-demo")
    at.session_state["last_seen"] = datetime.now() - timedelta(minutes=31)
    at.run()
    assert "viewer" not in at.session_state
    assert at.info[0].value == "Сеанс завершён после бездействия. Войдите снова."
    assert gate_audit(gate) == ["login_ok", "logout", "login_ok", "session_timeout"]


def test_production_start_refuses_default_passwords(gate, monkeypatch):
    monkeypatch.setenv("SHEKARA_PRODUCTION", "1")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    assert "Рабочий запуск невозможен" in at.error[0].value
    assert not at.text_input  # not even the login form


def test_temporary_password_opens_only_the_account_page(gate):
    from analytics import db

    con = db.connect(gate)
    auth.reset_password(con, SYSTEM, "kz_analyst", "temporary-pw-77")
    con.close()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    try_login(at, "kz_analyst", "temporary-pw-77")
    assert not at.exception
    assert at.title[0].value == "Учётная запись"
    assert at.warning[0].value == "Смените пароль, чтобы продолжить."
    with pytest.raises(ValueError, match="Known pages: \\['[^']*pages/account.py'\\]"):
        at.switch_page("pages/overview.py")  # the only page in the navigation is the account page
    at.text_input(key="pw_old").input("temporary-pw-77")
    at.text_input(key="pw_new").input("my-own-secret-1")
    at.text_input(key="pw_again").input("my-own-secret-1")
    next(b for b in at.button if b.label == "Сменить пароль").click().run()
    assert not at.exception and not at.warning
    at.switch_page("pages/overview.py").run()
    assert at.title and at.title[0].value != "Учётная запись"
