"""``python -m analytics operations``: joint operation totals and the board, for scripts and checks.

``--json`` prints ``{"totals": {detained, cases_opened, drugs_seized_g, weapons_seized, ammunition_seized,
livestock_returned, vehicles_returned, phones_returned, online_resources_blocked, prevention_events,
minors_reached}, "operations": [{code, name, direction, started_on, ended_on, participants, districts, <the
same results>}]}``. A result no operation reported is ``null`` (missing), not 0.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

import pandas as pd

from analytics import operations
from analytics.commands import open_existing, parse_date


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, help="файл базы DuckDB / database file")
    parser.add_argument("--start", help="с ГГГГ-ММ-ДД / from YYYY-MM-DD")
    parser.add_argument("--end", help="по ГГГГ-ММ-ДД / to YYYY-MM-DD")
    parser.add_argument("--direction", choices=operations.DIRECTIONS, help="одно направление / one direction")
    parser.add_argument("--json", action="store_true", help="вывести JSON / print JSON")


def _scalar(value: Any) -> Any:
    """JSON-safe scalar: NaN/NA/NaT → null, dates → ISO text, numpy numbers → Python numbers."""
    if value is None or pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value.item() if hasattr(value, "item") else value


def _measure(name: str, value: Any) -> Any:
    value = _scalar(value)
    if value is None:
        return None
    return float(value) if name == "drugs_seized_g" else int(value)


def collect(con: Any, start: date | None, end: date | None, direction: str | None) -> dict[str, Any]:
    """The JSON document of the command (also used by tests)."""
    board = operations.operations_board(con, start, end, direction)
    totals = operations.operation_totals(board).iloc[0]
    rows = []
    for record in board.to_dict("records"):
        row = {key: _scalar(record[key]) for key in ("code", "name", "direction", "started_on", "ended_on",
                                                      "participants")}
        districts = record["districts"]
        row["districts"] = [] if districts is None else [str(d) for d in districts]
        row.update({m: _measure(m, record[m]) for m in operations.MEASURES})
        rows.append(row)
    return {"totals": {m: _measure(m, totals[m]) for m in operations.MEASURES}, "operations": rows}


def run(args: argparse.Namespace) -> int:
    start = parse_date(args.start) if args.start else None
    end = parse_date(args.end) if args.end else None
    con = open_existing(args.db, read_only=True)
    try:
        document = collect(con, start, end, args.direction)
    finally:
        con.close()
    if args.json:
        json.dump(document, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    print("Итого / totals:")
    for measure, value in document["totals"].items():
        print(f"  {measure:26} {'—' if value is None else f'{value:g}'}")
    print("Операции / operations:")
    for op in document["operations"]:
        print(f"  {op['code']:12} {op['started_on']}–{op['ended_on']} {op['direction']:20} {op['name']}")
    return 0
