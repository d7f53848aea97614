"""``python -m analytics bulletins``: bulletin matches and lifecycle KPIs, for scripts and checks.

Proposes new matches first (idempotent; ``--no-propose`` to only read). ``--json`` prints
``{"matches": [{bulletin_no, find_id, key, method, status, ref_kind, verified_by}],
"kpis": [{direction ("KZ→KG"|"KG→KZ"), object_kind, sent, found, returned, withdrawn, open, resolution_rate,
median_days, p90_days}]}`` — ``find_id`` is the find's id, or ``SIDE:source_id`` for an incident fabula
(``ref_kind`` says which); KPIs cover every bulletin sent up to ``--as-of`` (default today).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import pandas as pd

from analytics import bulletins
from analytics.commands import open_existing, parse_date


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, help="файл базы DuckDB / database file")
    parser.add_argument("--as-of", dest="as_of", help="по состоянию на ГГГГ-ММ-ДД (по умолчанию сегодня) / "
                        "as-of date (default: today)")
    parser.add_argument("--json", action="store_true", help="вывести JSON / print JSON")
    parser.add_argument("--no-propose", dest="propose", action="store_false",
                        help="не искать новые совпадения / do not propose new matches")
    parser.add_argument("--same-side", dest="same_side", action="store_true",
                        help="сопоставлять и находки стороны-инициатора / also match the initiator's own finds")


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def collect(con: Any, as_of: Any, propose: bool, same_side: bool) -> dict[str, list[dict[str, Any]]]:
    """The JSON document of the command (also used by tests)."""
    if propose:
        bulletins.propose_matches(con, same_side=same_side)
    matches = bulletins.list_matches(con)
    kpis = bulletins.bulletin_kpis(con, as_of)
    kpis = kpis[kpis["object_kind"] != "all"]
    match_rows: list[dict[Any, Any]] = matches.sort_values(["bulletin_no", "ref_id"]).to_dict("records")
    kpi_rows: list[dict[Any, Any]] = kpis.to_dict("records")
    return {
        "matches": [
            {"bulletin_no": r["bulletin_no"], "find_id": r["ref_id"], "key": r["match_key"], "method": r["method"],
             "status": r["status"], "ref_kind": r["ref_kind"],
             "verified_by": None if pd.isna(r["verified_by"]) else str(r["verified_by"])}
            for r in match_rows
        ],
        "kpis": [
            {"direction": r["direction"], "object_kind": r["object_kind"],
             **{c: int(r[c]) for c in ("sent", "found", "returned", "withdrawn", "open")},
             **{c: _number(r[c]) for c in ("resolution_rate", "median_days", "p90_days")}}
            for r in kpi_rows
        ],
    }


def run(args: argparse.Namespace) -> int:
    as_of = parse_date(args.as_of) if args.as_of else None
    con = open_existing(args.db)
    try:
        document = collect(con, as_of, args.propose, args.same_side)
    finally:
        con.close()
    if args.json:
        json.dump(document, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    print("Совпадения / matches:")
    for m in document["matches"]:
        print(f"  {m['bulletin_no']:16} {m['find_id']:34} {m['key']:12} {m['method']:17} {m['status']}")
    print("Показатели / KPIs:")
    for k in document["kpis"]:
        rate = "—" if k["resolution_rate"] is None else f"{k['resolution_rate']:.0%}"
        days = "—" if k["median_days"] is None else f"{k['median_days']:g}"
        print(f"  {k['direction']} {k['object_kind']:10} sent={k['sent']} found={k['found']} "
              f"returned={k['returned']} withdrawn={k['withdrawn']} open={k['open']} rate={rate} median_days={days}")
    return 0
