"""``python -m analytics export incidents|bulletins|finds|operations --db PATH --out FILE.csv [--user NAME]``.

Formula-safe CSV (UTF-8 with BOM) or XLSX, like every download in the app. With ``--user`` the
export shows exactly what that account may see (its side's sharing policy); without it the
command runs as the server administrator, who owns the database file and sees everything.
Every export is written to the audit log.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from analytics import auth, db
from analytics.audit import log_action
from analytics.commands.users import DatabaseMissing, cli_actor
from analytics.exports import EXPORT_TABLES, export_bytes, fetch_export, write_export


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("table", choices=sorted(EXPORT_TABLES))
    parser.add_argument("--db", type=Path, default=None, help="database file (default: SHEKARA_DB)")
    parser.add_argument("--out", type=Path, required=True, help="output file, .csv or .xlsx")
    parser.add_argument("--user", default=None,
                        help="apply this account's sharing policy (default: server administrator, sees all)")


def run(args: argparse.Namespace) -> int:
    export_bytes(pd.DataFrame(), args.out.name)  # refuse a bad suffix before any work
    path = args.db if args.db is not None else db.load_settings().db_path
    if not Path(path).exists():
        raise DatabaseMissing(f"Нет базы {path}. Проверьте путь --db.", f"No database at {path}. Check --db.")
    con = db.connect(path)
    try:
        if args.user is None:
            viewer = cli_actor()
        else:
            account = auth.get_account(con, args.user)
            if account is None:
                raise auth.UnknownUser(f"Нет учётной записи «{args.user}». Проверьте имя: users list.",
                                       f"No account '{args.user}'. Check the name: users list.")
            if not account.active:
                raise auth.AccountDisabled(f"Учётная запись «{account.username}» отключена.",
                                           f"The account '{account.username}' is disabled.")
            viewer = account.viewer
        frame = fetch_export(con, args.table, viewer)
        size = write_export(frame, args.out)
        log_action(con, viewer.username, "export", table=args.table, rows=len(frame), file=args.out.name,
                   by=cli_actor().username, via="cli")
    finally:
        con.close()
    print(f"{args.table}: {len(frame)} строк / rows → {args.out} ({size} bytes)")
    return 0
