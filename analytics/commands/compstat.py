"""``python -m analytics compstat``: the CompStat numbers of the Overview, for scripts and checks.

``--json`` prints a list of rows ``{side, category, window, current, prior, pct_change, z, per_100k,
coverage_complete}`` (``window`` is ``wtd``, ``28d`` or ``ytd``; ``pct_change`` is null when the prior
is 0; ``per_100k`` is the window count per 100 000 population, not annualised).
"""

from __future__ import annotations

import argparse
import json
import sys

from analytics import compstat
from analytics.commands import open_existing, parse_date
from analytics.filters import SIDES, Filters
from analytics.i18n import format_pct


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, help="файл базы DuckDB / database file")
    parser.add_argument("--as-of", dest="as_of", help="по состоянию на ГГГГ-ММ-ДД (по умолчанию последняя дата "
                        "регистрации) / as-of date (default: last registration date)")
    parser.add_argument("--json", action="store_true", help="вывести JSON / print JSON")
    parser.add_argument("--side", choices=SIDES, help="только сторона / one side only")
    parser.add_argument("--oblast", choices=("ZHA", "CHU", "TAL"), help="только область / one oblast only")


def run(args: argparse.Namespace) -> int:
    as_of = parse_date(args.as_of) if args.as_of else None
    filters = Filters(sides=(args.side,) if args.side else (), oblasts=(args.oblast,) if args.oblast else ())
    con = open_existing(args.db)
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
