"""``python -m analytics demo``: write realistic exports of both sides and load them through the real ingest."""

from __future__ import annotations

import argparse
import sys
from contextlib import closing
from datetime import date
from pathlib import Path

from analytics import auth, db
from analytics.errors import ShekaraError


class BadDemoArgument(ShekaraError):
    """A command-line value of ``demo`` cannot be used."""


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"дата в формате ГГГГ-ММ-ДД / a date as YYYY-MM-DD: {text!r}") from exc


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``demo``."""
    parser.add_argument("--db", required=True, type=Path, help="файл базы DuckDB / the DuckDB file to fill")
    parser.add_argument("--years", type=int, default=3, help="сколько лет данных (по умолчанию 3) / years of data")
    parser.add_argument("--seed", type=int, default=7, help="зерно генератора / random seed (default 7)")
    parser.add_argument("--end", type=_day, default=None,
                        help="последний день периода, ГГГГ-ММ-ДД (по умолчанию конец прошлого месяца) / last day")
    parser.add_argument("--out", type=Path, default=None,
                        help="папка для файлов выгрузок (по умолчанию demo_exports/ рядом с базой) / export folder")
    parser.add_argument("--replace", action="store_true",
                        help="удалить существующую базу перед загрузкой / delete an existing database first")
    parser.add_argument("--quiet", action="store_true", help="не печатать строку на каждый файл / no per-file lines")


def run(args: argparse.Namespace) -> int:
    """Build the demo database; prints one line per loaded file and a summary."""
    from analytics.demo import build_demo_db

    if args.years < 1 or args.years > 10:
        raise BadDemoArgument("--years должно быть от 1 до 10.", "--years must be between 1 and 10.")

    def report(line: str) -> None:
        if not args.quiet:
            print(line, flush=True)

    result = build_demo_db(args.db, years=args.years, seed=args.seed, end=args.end, out_dir=args.out,
                           replace=args.replace, progress=report)
    with closing(db.connect(result.db_path)) as con:
        created = auth.create_demo_accounts(con)
    totals = result.totals()
    plan = result.plan
    print(f"Период / period: {plan.start:%d.%m.%Y} – {plan.end:%d.%m.%Y}; файлов / files: {len(plan.files)} "
          f"в / in {result.out_dir}")
    print(f"Строк / rows: {totals['rows_read']}, принято / accepted {totals['accepted']}, обновлено / updated "
          f"{totals['updated']}, повторы / duplicates {totals['duplicates']}, отклонено / rejected {totals['rejected']}")
    print(f"Нет данных / missing months: {', '.join(plan.missing) or '—'}")
    print(f"Время / time: генерация / generate {result.seconds_generate:.1f} s, загрузка / load "
          f"{result.seconds_load:.1f} s → {result.db_path}")
    if created:
        print("Демо-учётные записи / demo accounts: " + ", ".join(f"{name} / {password}" for name, password in created))
    sys.stdout.flush()
    return 0
