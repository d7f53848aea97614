"""``python -m analytics ingest FILE [FILE...] --db PATH [--kind K] [--side KZ|KG] [--user NAME] --json``.

Each file is loaded in its own transaction. Output (``--json``): a JSON list with one object per file —
``file, kind, side, encoding, delimiter, rows_read, accepted, rejected, duplicates, updated, already_loaded,
warnings`` — for every file that was processed.

Exit rule: 0 when every file was processed (even with rejected rows or already loaded); 2 when at least one file
could not be used at all (unreadable, empty, not an export, missing columns, unknown side, too large). Each such
file gets one line on stderr saying what is wrong and what to do; the other files are still loaded and reported.
No traceback is ever printed for a file problem.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from analytics import db
from analytics.ingest import KINDS, load_file
from analytics.ingest.errors import IngestError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="export files (CSV)")
    parser.add_argument("--db", type=Path, default=None, help="database file (default: SHEKARA_DB)")
    parser.add_argument("--kind", choices=("auto", *KINDS), default="auto", help="file kind (default: detect)")
    parser.add_argument("--side", choices=("KZ", "KG"), default=None, help="side, when the file does not say")
    parser.add_argument("--user", default="system", help="who loads (audit log)")
    parser.add_argument("--json", action="store_true", help="print a JSON list, one object per file")


def run(args: argparse.Namespace) -> int:
    con = db.connect(args.db)
    # DuckDB's progress bar writes to the terminal during long loads; the JSON on stdout must stay clean.
    con.execute("SET enable_progress_bar = false")
    results = []
    failed = False
    try:
        for file in args.files:
            try:
                result = load_file(con, file, kind=args.kind, side=args.side, user=args.user)
            except IngestError as exc:
                failed = True
                print(f"ошибка: {file.name}: {exc.message}", file=sys.stderr)
                continue
            results.append(result)
            if not args.json:
                state = ("уже загружен / already loaded" if result.already_loaded else
                         f"принято {result.accepted}, обновлено {result.updated}, дубликатов {result.duplicates}, "
                         f"отклонено {result.rejected}, предупреждений {result.warnings}")
                print(f"{result.file}: {result.kind} {result.side or ''} — {state}")
    finally:
        con.close()
    if args.json:
        print(json.dumps([r.as_json() for r in results], ensure_ascii=False))
    return 2 if failed else 0
