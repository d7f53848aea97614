"""``python -m analytics users add|list|disable|enable|reset``: accounts, for the server administrator.

Passwords come from a hidden prompt or, for scripts, from the first line of stdin
(``--password-stdin``); they are never echoed or accepted as arguments. ``list`` never prints hashes.
Whoever runs this command owns the database file, so it acts as administrator of both sides;
the audit log records it as ``cli:<os user>``.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from analytics import auth, db
from analytics.access import Viewer
from analytics.errors import ShekaraError


class PasswordInputError(ShekaraError):
    """No password could be read (no terminal, empty, or the two entries differ)."""


class DatabaseMissing(ShekaraError):
    """The database file named by --db does not exist."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=None, help="database file (default: SHEKARA_DB)")
    sub = parser.add_subparsers(dest="action", required=True)
    add = sub.add_parser("add", help="создать учётную запись / create an account")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=auth.ROLES)
    add.add_argument("--side", required=True, choices=auth.SIDES)
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin's first line")
    add.add_argument("--must-change", action="store_true", help="the user must change it at first login")
    listing = sub.add_parser("list", help="учётные записи (без хешей) / accounts (no hashes)")
    listing.add_argument("--json", action="store_true")
    for name, help_text in (("disable", "отключить / disable"), ("enable", "включить / enable")):
        sub.add_parser(name, help=help_text).add_argument("username")
    reset = sub.add_parser("reset", help="задать временный пароль / set a temporary password")
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true")
    for command in sub.choices.values():
        # also accept --db after the action (python -m analytics users list --db X)
        command.add_argument("--db", type=Path, default=argparse.SUPPRESS, help="database file")


def cli_actor() -> Viewer:
    """The server administrator running the CLI, as an admin of both sides."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return Viewer(username=f"cli:{who}", role="admin", side="BOTH")


def read_password(from_stdin: bool) -> str:
    """A new password from stdin's first line or from a hidden prompt typed twice."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = getpass.getpass("Пароль / Password: ")
        if getpass.getpass("Ещё раз / Again: ") != password:
            raise PasswordInputError("Пароли не совпадают. Повторите команду.",
                                     "The passwords differ. Run the command again.")
    else:
        raise PasswordInputError("Нет терминала для ввода пароля: передайте его через --password-stdin.",
                                 "No terminal to type the password: pass it with --password-stdin.")
    if not password:
        raise PasswordInputError("Пустой пароль. Введите пароль.", "Empty password. Type a password.")
    return password


def run(args: argparse.Namespace) -> int:
    path = args.db
    if args.action != "add" and path is not None and not Path(path).exists():
        raise DatabaseMissing(f"Нет базы {path}. Проверьте путь --db.", f"No database at {path}. Check --db.")
    actor = cli_actor()
    password = read_password(args.password_stdin) if args.action in ("add", "reset") else ""
    con = db.connect(path)
    try:
        if args.action == "add":
            account = auth.create_user(con, actor, args.username, password, args.role, args.side,
                                       must_change=args.must_change)
            print(f"создан / created: {account.username} ({account.role}, {account.side})")
        elif args.action == "list":
            print_accounts(auth.list_users(con), as_json=args.json)
        elif args.action in ("disable", "enable"):
            auth.set_active(con, actor, args.username, args.action == "enable")
            print(f"{args.action}d: {auth.normalise_username(args.username)}")
        elif args.action == "reset":
            auth.reset_password(con, actor, args.username, password)
            print(f"пароль сброшен, смена при входе / password reset, change at next login: "
                  f"{auth.normalise_username(args.username)}")
    finally:
        con.close()
    return 0


def print_accounts(frame, as_json: bool) -> None:
    """Accounts as a table or JSON list (the frame holds no hashes: see auth.list_users)."""
    records = json.loads(frame.to_json(orient="records", date_format="iso"))
    if as_json:
        print(json.dumps(records, ensure_ascii=False, indent=1))
        return
    columns = ["username", "role", "side", "active", "locked_until", "must_change", "is_default", "last_login"]
    rows = [columns] + [["" if r[c] is None else str(r[c]) for c in columns] for r in records]
    widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
