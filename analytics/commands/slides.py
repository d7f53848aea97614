"""``python -m analytics slides``: the meeting deck as PPTX (and PDF) from the command line.

Example::

    python -m analytics slides --db data/shekara.duckdb --as-of 2024-03-31 --lang ru --out deck.pptx --pdf deck.pdf
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from analytics import auth, db
from analytics.access import SYSTEM
from analytics.errors import ShekaraError
from analytics.slides.content import DECK_LANGS, DIRECTIONS, DeckOptions
from analytics.slides.deck import build_deck
from analytics.slides.render import start_renderer


class NothingToShow(ShekaraError):
    """No incidents in the database and no --as-of date: nothing to put on slides."""


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"дата должна быть ГГГГ-ММ-ДД / date must be YYYY-MM-DD: {text!r}") from exc


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=None, help="файл базы / database file (default: SHEKARA_DB)")
    parser.add_argument("--as-of", type=_date, default=None,
                        help="данные на дату / as-of date YYYY-MM-DD (default: last registration date)")
    parser.add_argument("--start", type=_date, default=None,
                        help="начало периода / period start (default: 12 months up to the as-of month)")
    parser.add_argument("--lang", choices=DECK_LANGS, default="ru", help="ru, en или ru+en (Russian + English)")
    parser.add_argument("--out", type=Path, required=True, help="PPTX файл / output .pptx")
    parser.add_argument("--pdf", type=Path, default=None, help="также PDF / also write this .pdf (LibreOffice)")
    parser.add_argument("--directions", nargs="+", choices=DIRECTIONS, default=list(DIRECTIONS),
                        help="направления / directions shown (default: all five)")
    parser.add_argument("--meeting", default=None, help="название совещания / meeting title")
    parser.add_argument("--participants", nargs="+", default=None, help="участники / participants")
    parser.add_argument("--user", default="cli", help="кто делает (журнал) / user name for the audit log")


def run(args: argparse.Namespace) -> int:
    start_renderer()  # Chromium boots (~2 s) while the database opens and the figures are computed
    con = db.connect(args.db)
    try:
        as_of = args.as_of or _last_date(con)
        account = auth.get_account(con, args.user)  # an account's deck follows its sharing policy
        options = DeckOptions(as_of=as_of, lang=args.lang, start=args.start, directions=tuple(args.directions),
                              meeting=args.meeting, participants=tuple(args.participants or ()),
                              viewer=account.viewer if account else SYSTEM)
        result = build_deck(con, options, args.out, pdf=args.pdf, username=args.user)
    finally:
        con.close()
    lang = "en" if args.lang == "en" else "ru"
    for number, title in enumerate(result.titles(lang), start=1):
        print(f"{number:2d}. {title}")
    print(f"PPTX: {result.pptx} ({len(result.slides)} slides)")
    if result.pdf is not None:
        print(f"PDF:  {result.pdf}")
    print("time, s: " + ", ".join(f"{step} {seconds:.2f}" for step, seconds in result.timings.items()))
    return 0


def _last_date(con) -> date:
    from analytics.compstat import default_as_of

    found = default_as_of(con)
    if found is None:
        raise NothingToShow(
            "В базе нет происшествий, а дата --as-of не задана. Загрузите данные или укажите --as-of ГГГГ-ММ-ДД.",
            "The database has no incidents and --as-of was not given. Load data or pass --as-of YYYY-MM-DD.",
        )
    return found
