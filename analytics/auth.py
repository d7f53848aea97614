"""Local accounts: argon2id password hashes in DuckDB, roles bound to a side, lockout, audit.

Roles: ``admin`` (users, sharing policy, audit log), ``analyst`` (uploads for its own side),
``commander`` (reads). Each account is bound to ``KZ``, ``KG`` or ``BOTH``. Every login attempt,
password change and account change is written to ``audit_log``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import duckdb
import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from analytics.access import Viewer
from analytics.audit import log_action
from analytics.errors import ShekaraError

ROLES = ("admin", "analyst", "commander")
SIDES = ("KZ", "KG", "BOTH")
MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,31}$")

TEXT = {
    "ru": {
        "login_title": "Вход в Шекару", "username": "Имя пользователя", "password": "Пароль",
        "sign_in": "Войти", "logout": "Выйти", "logged_in_as": "Вы вошли как",
        "session_expired": "Сеанс завершён после бездействия. Войдите снова.",
        "login_required": "Нужно войти в систему.",
        "no_accounts": "Учётных записей пока нет. Администратор сервера создаёт первую командой "
                       "`python -m analytics users add ИМЯ --role admin --side BOTH`.",
        "must_change": "Смените пароль, чтобы продолжить.",
        "admin": "администратор", "analyst": "аналитик", "commander": "руководитель",
        "BOTH": "обе стороны", "KZ": "KZ", "KG": "KG",
        "account_title": "Учётная запись", "old_password": "Текущий пароль", "new_password": "Новый пароль",
        "repeat_password": "Новый пароль ещё раз", "change_password": "Сменить пароль",
        "password_changed": "Пароль изменён.", "mismatch": "Новые пароли не совпадают.",
        "auth_off": "Вход отключён (SHEKARA_AUTH=off): смена пароля недоступна.",
        "users_title": "Пользователи", "add_user": "Создать пользователя", "role": "Роль", "side": "Сторона",
        "temp_password": "Временный пароль", "must_change_box": "Сменить пароль при первом входе",
        "create": "Создать", "created": "Пользователь создан.", "manage": "Изменить пользователя",
        "user": "Пользователь", "disable": "Отключить", "enable": "Включить", "reset": "Сбросить пароль",
        "save_role": "Сохранить роль и сторону", "done": "Готово.",
        "sharing_title": "Что видит другая сторона",
        "sharing_help": "Отмеченные поля происшествий стороны {side} видны пользователям другой стороны. "
                        "Без координат другая сторона видит только итоги по районам.",
        "save_policy": "Сохранить правила {side}", "policy_saved": "Правила обмена сохранены.",
    },
    "en": {
        "login_title": "Sign in to Shekara", "username": "User name", "password": "Password",
        "sign_in": "Sign in", "logout": "Sign out", "logged_in_as": "Signed in as",
        "session_expired": "The session ended after inactivity. Sign in again.",
        "login_required": "Please sign in.",
        "no_accounts": "There are no accounts yet. The server administrator creates the first one with "
                       "`python -m analytics users add NAME --role admin --side BOTH`.",
        "must_change": "Change your password to continue.",
        "admin": "administrator", "analyst": "analyst", "commander": "commander",
        "BOTH": "both sides", "KZ": "KZ", "KG": "KG",
        "account_title": "Account", "old_password": "Current password", "new_password": "New password",
        "repeat_password": "New password again", "change_password": "Change password",
        "password_changed": "Password changed.", "mismatch": "The new passwords differ.",
        "auth_off": "Sign-in is switched off (SHEKARA_AUTH=off): no password to change.",
        "users_title": "Users", "add_user": "Create a user", "role": "Role", "side": "Side",
        "temp_password": "Temporary password", "must_change_box": "Must change the password at first login",
        "create": "Create", "created": "User created.", "manage": "Change a user",
        "user": "User", "disable": "Disable", "enable": "Enable", "reset": "Reset password",
        "save_role": "Save role and side", "done": "Done.",
        "sharing_title": "What the other side sees",
        "sharing_help": "Ticked incident fields of side {side} are visible to the other side's users. "
                        "Without coordinates the other side sees district totals only.",
        "save_policy": "Save {side} rules", "policy_saved": "Sharing rules saved.",
    },
}

# Demo accounts made by the demo set-up (listed in docs/security.md). They are flagged
# ``is_default`` so that a production start refuses to run until each is changed or disabled.
DEMO_ACCOUNTS: tuple[tuple[str, str, str, str], ...] = (
    ("admin", "admin", "BOTH", "admin-demo-2026"),
    ("kz_analyst", "analyst", "KZ", "kz-analyst-demo"),
    ("kg_analyst", "analyst", "KG", "kg-analyst-demo"),
    ("kz_commander", "commander", "KZ", "kz-commander-demo"),
    ("kg_commander", "commander", "KG", "kg-commander-demo"),
)


class AuthError(ShekaraError):
    """Base of account errors."""


class InvalidCredentials(AuthError):
    """Unknown user or wrong password (deliberately the same message for both)."""


class AccountLocked(AuthError):
    """Too many failed attempts; the account is locked for a while."""


class AccountDisabled(AuthError):
    """The account was disabled by an administrator."""


class WeakPassword(AuthError):
    """The new password does not meet the rules."""


class InvalidAccount(AuthError):
    """Bad user name, role or side."""


class UserExists(AuthError):
    """An account with this name already exists."""


class UnknownUser(AuthError):
    """No account with this name."""


class PermissionDenied(AuthError):
    """The viewer's role or side does not allow the action."""


class DefaultPasswordInUse(AuthError):
    """A production start found active accounts that still have their default password."""


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    # argon2-cffi's defaults are argon2id with the RFC 9106 low-memory profile.
    return PasswordHasher()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Verified against when the user does not exist, so both paths cost the same time.
    return _hasher().hash("shekara-no-such-user")


def hash_password(password: str) -> str:
    """argon2id hash of ``password`` (salted; the encoded string carries its parameters)."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash``; False on mismatch or a corrupt hash."""
    try:
        return bool(_hasher().verify(password_hash, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _now() -> datetime:
    # Naive local time, like DuckDB's current_timestamp stored in TIMESTAMP columns.
    return datetime.now()


def normalise_username(username: str) -> str:
    """User names are case-insensitive: stored and compared lower-case without spaces around."""
    return username.strip().lower()


def _printable(username: str) -> str:
    # What an attacker typed goes into the audit log: keep it short and on one line.
    return re.sub(r"[\x00-\x1f\x7f]", "?", username)[:64]


def validate_password(password: str, username: str) -> None:
    """Raise :class:`WeakPassword` unless the password is long enough, not the name, not a demo one."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(
            f"Пароль слишком короткий: нужно не менее {MIN_PASSWORD_LENGTH} символов. Придумайте длиннее.",
            f"The password is too short: at least {MIN_PASSWORD_LENGTH} characters. Choose a longer one.",
        )
    if normalise_username(username) in password.lower():
        raise WeakPassword("Пароль не должен содержать имя пользователя. Выберите другой.",
                           "The password must not contain the user name. Choose another.")
    if password in {demo for *_, demo in DEMO_ACCOUNTS}:
        raise WeakPassword("Это демонстрационный пароль из документации. Выберите другой.",
                           "That is a documented demo password. Choose another.")


def _validate_account(username: str, role: str, side: str) -> None:
    if not USERNAME_PATTERN.match(username):
        raise InvalidAccount(
            f"Недопустимое имя «{_printable(username)}»: 2–32 символа, латинские строчные буквы, цифры, _ . -",
            f"Invalid user name '{_printable(username)}': 2-32 characters, lower-case latin letters, digits, _ . -",
        )
    if role not in ROLES:
        raise InvalidAccount(f"Неизвестная роль «{role}». Допустимо: {', '.join(ROLES)}.",
                             f"Unknown role '{role}'. Use one of: {', '.join(ROLES)}.")
    if side not in SIDES:
        raise InvalidAccount(f"Неизвестная сторона «{side}». Допустимо: {', '.join(SIDES)}.",
                             f"Unknown side '{side}'. Use one of: {', '.join(SIDES)}.")


@dataclass(frozen=True)
class Account:
    """An account as stored, without its hash."""

    username: str
    role: str
    side: str
    active: bool
    failed_attempts: int
    locked_until: datetime | None
    must_change: bool
    is_default: bool
    last_login: datetime | None

    @property
    def viewer(self) -> Viewer:
        return Viewer(username=self.username, role=self.role, side=self.side)


_SELECT_ACCOUNTS = ("SELECT username, role, side, active, failed_attempts, locked_until, must_change, "
                    "is_default, last_login FROM users")


def get_account(con: duckdb.DuckDBPyConnection, username: str) -> Account | None:
    """The account called ``username`` (case-insensitive), or None."""
    row = con.execute(_SELECT_ACCOUNTS + " WHERE username = ?",
                      [normalise_username(username)]).fetchone()
    return Account(*row) if row else None


def _require_account(con: duckdb.DuckDBPyConnection, username: str) -> Account:
    account = get_account(con, username)
    if account is None:
        raise UnknownUser(f"Нет учётной записи «{_printable(username)}». Проверьте имя: users list.",
                          f"No account '{_printable(username)}'. Check the name: users list.")
    return account


def require_admin(actor: Viewer, side: str = "BOTH") -> None:
    """Raise :class:`PermissionDenied` unless ``actor`` is an admin whose side covers ``side``."""
    if actor.role != "admin" or not (actor.side == "BOTH" or actor.side == side):
        raise PermissionDenied(
            "Недостаточно прав: действие доступно администратору соответствующей стороны.",
            "Not allowed: this action is for an administrator of the corresponding side.",
        )


def can_upload(viewer: Viewer, side: str | None) -> bool:
    """May ``viewer`` upload a file of ``side`` (None: a two-sided file such as bulletins)?"""
    if viewer.role not in ("admin", "analyst"):
        return False
    return side is None or viewer.owns(side)


def can_view_audit(viewer: Viewer) -> bool:
    """Only administrators read the audit log."""
    return viewer.role == "admin"


def authenticate(con: duckdb.DuckDBPyConnection, username: str, password: str,
                 now: datetime | None = None) -> Viewer:
    """Check a login; count failures, lock after 5 for 15 minutes; log every attempt.

    Parameters
    ----------
    username, password : as typed.
    now : the current time (tests pass one to move the clock).

    Returns
    -------
    Viewer
        The logged-in user. Raises :class:`InvalidCredentials`, :class:`AccountLocked` or
        :class:`AccountDisabled` otherwise (the same message for unknown user and wrong password).
    """
    now = now or _now()
    name = normalise_username(username)
    row = con.execute("SELECT password_hash, active, failed_attempts, locked_until, role, side "
                      "FROM users WHERE username = ?", [name]).fetchone()
    invalid = InvalidCredentials("Неверное имя пользователя или пароль.", "Wrong user name or password.")
    if row is None:
        verify_password(_dummy_hash(), password)
        log_action(con, _printable(name), "login_failed", reason="unknown_user")
        raise invalid
    password_hash, active, failed, locked_until, role, side = row
    if locked_until is not None and locked_until > now:
        log_action(con, name, "login_failed", reason="locked", locked_until=locked_until)
        raise AccountLocked(
            f"Учётная запись заблокирована после {MAX_FAILED_ATTEMPTS} неудачных попыток до "
            f"{locked_until:%H:%M}. Повторите позже или обратитесь к администратору.",
            f"The account is locked after {MAX_FAILED_ATTEMPTS} failed attempts until {locked_until:%H:%M}. "
            "Try later or ask an administrator.",
        )
    if not verify_password(password_hash, password):
        failed += 1  # the count restarts at 0 when a lock is set, so an expired lock starts afresh
        lock = now + LOCKOUT if failed >= MAX_FAILED_ATTEMPTS else None
        con.execute("UPDATE users SET failed_attempts = ?, locked_until = ? WHERE username = ?",
                    [0 if lock else failed, lock, name])
        log_action(con, name, "login_failed", reason="wrong_password", attempt=failed,
                   locked=lock is not None)
        if lock is not None:
            log_action(con, name, "account_locked", until=lock)
        raise invalid
    if not active:
        log_action(con, name, "login_failed", reason="disabled")
        raise AccountDisabled("Учётная запись отключена. Обратитесь к администратору.",
                              "The account is disabled. Ask an administrator.")
    new_hash = _hasher().hash(password) if _hasher().check_needs_rehash(password_hash) else password_hash
    con.execute("UPDATE users SET failed_attempts = 0, locked_until = NULL, last_login = ?, password_hash = ? "
                "WHERE username = ?", [now, new_hash, name])
    log_action(con, name, "login_ok")
    return Viewer(username=name, role=role, side=side)


def create_user(con: duckdb.DuckDBPyConnection, actor: Viewer, username: str, password: str, role: str,
                side: str, *, is_default: bool = False, must_change: bool = False) -> Account:
    """Create an account (admin only; an admin of one side creates accounts of that side).

    Parameters
    ----------
    actor : who creates it (logged as the audit user).
    is_default : a documented demo/default password (blocks a production start).
    must_change : the user must choose a new password at first login.

    Returns
    -------
    Account
    """
    name = normalise_username(username)
    _validate_account(name, role, side)
    require_admin(actor, side)
    if not is_default:
        validate_password(password, name)
    if get_account(con, name) is not None:
        raise UserExists(f"Учётная запись «{name}» уже есть. Выберите другое имя или сбросьте пароль.",
                         f"Account '{name}' already exists. Choose another name or reset its password.")
    con.execute("INSERT INTO users (username, password_hash, role, side, must_change, is_default) "
                "VALUES (?, ?, ?, ?, ?, ?)", [name, hash_password(password), role, side, must_change, is_default])
    log_action(con, actor.username, "user_add", target=name, role=role, side=side)
    return _require_account(con, name)


def list_users(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every account without its password hash, by name.

    Returns
    -------
    DataFrame with columns username, role, side, active, failed_attempts, locked_until, must_change,
    is_default, last_login (empty when there is no account).
    """
    return con.execute(_SELECT_ACCOUNTS + " ORDER BY username").df()


def set_active(con: duckdb.DuckDBPyConnection, actor: Viewer, username: str, active: bool) -> None:
    """Disable (or re-enable) an account. An admin cannot disable their own account."""
    account = _require_account(con, username)
    require_admin(actor, account.side)
    if not active and account.username == actor.username:
        raise PermissionDenied("Нельзя отключить собственную учётную запись.",
                               "You cannot disable your own account.")
    con.execute("UPDATE users SET active = ?, failed_attempts = 0, locked_until = NULL WHERE username = ?",
                [active, account.username])
    log_action(con, actor.username, "user_enable" if active else "user_disable", target=account.username)


def set_role(con: duckdb.DuckDBPyConnection, actor: Viewer, username: str, role: str, side: str) -> None:
    """Change an account's role and side (admin of both the old and the new side)."""
    account = _require_account(con, username)
    _validate_account(account.username, role, side)
    require_admin(actor, account.side)
    require_admin(actor, side)
    con.execute("UPDATE users SET role = ?, side = ? WHERE username = ?", [role, side, account.username])
    log_action(con, actor.username, "user_role", target=account.username, role=role, side=side,
               previous_role=account.role, previous_side=account.side)


def reset_password(con: duckdb.DuckDBPyConnection, actor: Viewer, username: str, new_password: str) -> None:
    """Set a temporary password chosen by an admin; the user must change it at next login. Unlocks."""
    account = _require_account(con, username)
    require_admin(actor, account.side)
    validate_password(new_password, account.username)
    con.execute("UPDATE users SET password_hash = ?, must_change = true, is_default = false, "
                "failed_attempts = 0, locked_until = NULL WHERE username = ?",
                [hash_password(new_password), account.username])
    log_action(con, actor.username, "user_reset", target=account.username)


def change_password(con: duckdb.DuckDBPyConnection, username: str, old_password: str, new_password: str) -> None:
    """The user changes their own password (the old one is required). Clears must_change/is_default.

    Raises :class:`InvalidCredentials` when the old password is wrong, :class:`WeakPassword`
    when the new one breaks the rules.
    """
    name = normalise_username(username)
    row = con.execute("SELECT password_hash FROM users WHERE username = ?", [name]).fetchone()
    if row is None or not verify_password(row[0], old_password):
        log_action(con, _printable(name), "password_change_failed", reason="wrong_old_password")
        raise InvalidCredentials("Текущий пароль введён неверно.", "The current password is wrong.")
    validate_password(new_password, name)
    if new_password == old_password:
        raise WeakPassword("Новый пароль совпадает с текущим. Выберите другой.",
                           "The new password equals the current one. Choose another.")
    con.execute("UPDATE users SET password_hash = ?, must_change = false, is_default = false WHERE username = ?",
                [hash_password(new_password), name])
    log_action(con, name, "password_change")


def create_demo_accounts(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Create the documented demo accounts that do not exist yet (flagged as default passwords).

    Returns
    -------
    list of (username, password) created; empty when they all exist.
    """
    from analytics.access import SYSTEM

    created = []
    for username, role, side, password in DEMO_ACCOUNTS:
        if get_account(con, username) is None:
            create_user(con, SYSTEM, username, password, role, side, is_default=True)
            created.append((username, password))
    return created


def check_production_ready(con: duckdb.DuckDBPyConnection) -> None:
    """Refuse a production start while an active account still has its default password.

    Raises
    ------
    DefaultPasswordInUse
        Naming the accounts; change their passwords (``users reset``) or disable them.
    """
    names = [row[0] for row in con.execute(
        "SELECT username FROM users WHERE active AND is_default ORDER BY username").fetchall()]
    if names:
        listed = ", ".join(names)
        raise DefaultPasswordInUse(
            f"Рабочий запуск невозможен: у учётных записей {listed} стандартный (демо) пароль. "
            "Смените пароль (python -m analytics users reset ИМЯ) или отключите их (users disable ИМЯ).",
            f"Refusing a production start: accounts {listed} still have a default (demo) password. "
            "Change it (python -m analytics users reset NAME) or disable them (users disable NAME).",
        )


def has_accounts(con: duckdb.DuckDBPyConnection) -> bool:
    """True when at least one active account exists (otherwise nobody could log in)."""
    row = con.execute("SELECT count(*) FROM users WHERE active").fetchone()
    return bool(row and row[0])


def session_expired(last_seen: datetime | None, timeout_min: int, now: datetime | None = None) -> bool:
    """Has a session idle since ``last_seen`` run past ``timeout_min`` minutes?"""
    if last_seen is None:
        return True
    return (now or _now()) - last_seen > timedelta(minutes=timeout_min)
