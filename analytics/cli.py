"""``python -m analytics <command>``: the analysts' scripting interface.

Each command lives in ``analytics/commands/<name>.py`` with ``add_arguments(parser)`` and
``run(args) -> int``. Exit 0 on success, 2 on a user-facing error (one line on stderr, never a
traceback).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from analytics.errors import ShekaraError

COMMANDS: dict[str, str] = {
    "demo": "Сгенерировать демо-выгрузки обеих сторон и загрузить их / generate and load demo exports",
    "ingest": "Загрузить выгрузки (ЕРДР, ЕРП, ориентировки, находки, операции) / load export files",
    "compstat": "Показатели CompStat (неделя, 28 дней, с начала года) / CompStat windows",
    "hotspots": "Очаги (H3, Gi*), пояса у границы, серии / hotspots, border bands, series",
    "bulletins": "Совпадения и показатели ориентировок / bulletin matches and KPIs",
    "operations": "Итоги совместных операций / joint operation totals",
    "slides": "Слайды для совещания (PPTX, PDF) / meeting deck",
    "export": "Безопасная выгрузка таблиц в CSV / formula-safe CSV export",
    "users": "Учётные записи / user accounts",
}


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, object]]:
    parser = argparse.ArgumentParser(prog="python -m analytics", description="Shekara command line")
    sub = parser.add_subparsers(dest="command", required=True)
    modules: dict[str, object] = {}
    for name, help_text in COMMANDS.items():
        try:
            module = importlib.import_module(f"analytics.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"analytics.commands.{name}":
                raise
            continue
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(command_parser)
        modules[name] = module
    return parser, modules


def main(argv: Sequence[str] | None = None) -> int:
    parser, modules = build_parser()
    args = parser.parse_args(argv)
    module = modules[args.command]
    try:
        return int(module.run(args))  # type: ignore[attr-defined]
    except ShekaraError as exc:
        print(f"ошибка: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("прервано / interrupted", file=sys.stderr)
        return 130
