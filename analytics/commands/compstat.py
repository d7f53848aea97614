"""``python -m analytics compstat``: the CompStat numbers of the Overview, for scripts and checks.

``--json`` prints a list of rows ``{side, category, window, current, prior, pct_change, z, per_100k,
coverage_complete}`` (``window`` is ``wtd``, ``28d`` or ``ytd``; ``pct_change`` is null when the prior
is 0; ``per_100k`` is the window count per 100 000 population, not annualised).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from analytics import compstat, db
from analytics.errors import ShekaraError
from analytics.filters import SIDES, Filters
from analytics.i18n import format_pct


class DatabaseNotFound(ShekaraError):
    """The database file given to a read-only command does not exist."""


class InvalidDate(ShekaraError):
    """A date argument is not YYYY-MM-DD."""


def parse_date(text: str) -> date:
    """``YYYY-MM-DD`` → date, or a named error saying how to write it."""
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidDate(f"Дата «{text}» не распознана. Укажите в формате ГГГГ-ММ-ДД, например 2024-03-31.",
                          f"Date '{text}' is not valid. Use YYYY-MM-DD, e.g. 2024-03-31.") from exc


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, help="файл базы DuckDB / database file")
    parser.add_argument("--as-of", dest="as_of", help="по состоянию на ГГГГ-ММ-ДД (по умолчанию последняя дата "
                        "регистрации) / as-of date (default: last registration date)")
    parser.add_argument("--json", action="store_true", help="вывести JSON / print JSON")
    parser.add_argument("--side", choices=SIDES, help="только сторона / one side only")
    parser.add_argument("--oblast", choices=("ZHA", "CHU", "TAL"), help="только область / one oblast only")


def run(args: argparse.Namespace) -> int:
    path = Path(args.db)
    if not path.exists():
        raise DatabaseNotFound(f"Файл базы {path} не найден. Проверьте путь (--db) или создайте демо-базу: "
                               "python -m analytics demo --db ПУТЬ.",
                               f"Database file {path} not found. Check --db or create a demo database: "
                               "python -m analytics demo --db PATH.")
    as_of = parse_date(args.as_of) if args.as_of else None
    filters = Filters(sides=(args.side,) if args.side else (), oblasts=(args.oblast,) if args.oblast else ())
    con = db.connect(path)
    try:
        table = compstat.compstat_table(con, as_of, filters)
    finally:
        con.close()
    records = compstat.compstat_records(table)
    if args.json:
        json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    for row in records:
        rate = "—" if row["per_100k"] is None else f"{row['per_100k']:.2f}"
        mark = "" if row["coverage_complete"] else "  (неполные данные / incomplete coverage)"
        print(f"{row['side']:3} {row['category']:24} {row['window']:4} {row['current']:7} {row['prior']:7} "
              f"{format_pct(row['pct_change'], 'en'):>7} z={row['z']:+.2f} per100k={rate}{mark}")
    return 0
