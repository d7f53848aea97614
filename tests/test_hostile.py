"""The hostile corpus through ``python -m analytics ingest FILE --db PATH --json``.

Every file gives exit 2 with one specific line on stderr and an unchanged database, or a correct
load with exact counts — never a traceback, never a partial load. Files: ``tests/data/hostile/``
(committed) and ``make_hostile.LARGE`` (written to a temporary directory at test time).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from analytics import db
from tests.data import make_hostile

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "data" / "hostile"
DATA_TABLES = ("incidents", "incidents_history", "coverage", "bulletins", "bulletins_history", "finds",
               "matches", "operations", "uploads", "rejects", "warnings")
TABLE_OF_KIND = {"kz_incidents": "incidents", "kg_incidents": "incidents", "incidents": "incidents",
                 "bulletins": "bulletins", "finds": "finds", "operations": "operations"}


@dataclass(frozen=True)
class Expect:
    """``error``: exit 2, nothing written; ``load``: exit 0 with these exact counts; ``either``: one of
    the two, and when it loads, the counts given (None: only the bookkeeping must add up)."""

    outcome: str
    accepted: int | None = None
    rejected: int | None = None
    duplicates: int = 0
    about: str = ""  # regex the error line must match: what it is about (any language)
    check: Callable[[duckdb.DuckDBPyConnection], None] | None = None
    records: int | None = None  # data rows in the file: accepted + rejected + duplicates must equal it
    env: dict[str, str] = field(default_factory=dict)


def error(about: str) -> Expect:
    return Expect("error", about=about)


def load(accepted: int, rejected: int = 0, duplicates: int = 0, check=None) -> Expect:
    return Expect("load", accepted, rejected, duplicates, check=check, records=accepted + rejected + duplicates)


def either(records: int | None = None, accepted: int | None = None, check=None, about: str = "") -> Expect:
    return Expect("either", accepted=accepted, check=check, records=records, about=about)


def no_nul(con) -> None:
    assert con.execute("SELECT count(*) FROM incidents WHERE contains(summary, chr(0))").fetchone()[0] == 0


def kept_verbatim(con) -> None:
    # formula payloads are data: stored as typed, give or take surrounding whitespace (the export
    # neutralises them, see test_exports)
    stored = {row[0].strip() for row in con.execute("SELECT summary FROM incidents").fetchall()}
    assert stored == {payload.strip() for payload in make_hostile.FORMULAS}


def kg_formulas_kept(con) -> None:
    assert con.execute("SELECT settlement FROM incidents WHERE source_id = '02-2024-900201'").fetchone()[0] == "@A1"


def tables_intact(con) -> None:
    assert con.execute("SELECT count(*) FROM uploads").fetchone()[0] == 1
    assert con.execute("SELECT summary FROM incidents WHERE source_id = '241131031100009'").fetchone()[0] \
        == "'); DROP TABLE incidents; --"


def finite_coordinates(con) -> None:
    bad = con.execute("SELECT count(*) FROM incidents WHERE geo_ok AND (NOT isfinite(lat) OR NOT isfinite(lon) "
                      "OR abs(lat) > 90 OR abs(lon) > 180)").fetchone()[0]
    assert bad == 0
    assert con.execute("SELECT count(*) FROM incidents WHERE NOT isfinite(damage)").fetchone()[0] == 0


def nothing_swallowed(con) -> None:
    # the row after the broken quote must not vanish inside the previous row's fabula
    assert con.execute("SELECT count(*) FROM incidents WHERE contains(summary, '07-2024-900022')").fetchone()[0] == 0


def long_field_intact(con) -> None:
    length = con.execute("SELECT length(summary) FROM incidents WHERE source_id = '241131031100030'").fetchone()
    assert length == (1024 * 1024,)


def feb31_warns(con) -> None:
    assert con.execute("SELECT count(*) FROM warnings").fetchone()[0] >= 1
    assert con.execute("SELECT occurred_at FROM incidents WHERE source_id = '241131031100008'").fetchone() == (None,)


NOT_A_TABLE = r"не читается|не похож|двоичн|CSV|таблиц|кодиров"
EXPECTED: dict[str, Expect] = {
    "empty.csv": error(r"пуст|нет (строк|данных)"),
    "bom_only.csv": error(r"пуст|нет (строк|данных)"),
    "whitespace_only.csv": error(r"пуст|нет (строк|данных)"),
    "header_only_kz.csv": error(r"пуст|нет (строк|данных)|только заголов"),
    "header_only_kg.csv": error(r"пуст|нет (строк|данных)|только заголов"),
    "binary_random.csv": error(NOT_A_TABLE),
    "png_renamed.csv": error(NOT_A_TABLE),
    "pdf_renamed.csv": error(NOT_A_TABLE),
    "html_saved_as.csv": error(NOT_A_TABLE + r"|HTML"),
    "gzip_renamed.csv": error(NOT_A_TABLE + r"|gzip|архив"),
    "zip_renamed.csv": error(r"архив|archive"),  # a plain zip is not "an Excel workbook"
    "xlsx_renamed.csv": error(NOT_A_TABLE + r"|Excel|xlsx"),
    "utf16le_kz.csv": load(4),
    "utf16be_kg.csv": either(records=3, accepted=3),
    "utf16le_no_bom_kz.csv": either(records=4, accepted=4),
    "duplicate_key_header_kz.csv": error(r"Номер ЕРДР|повтор|дважды|дублир"),
    "duplicate_extra_header_kz.csv": either(records=4, accepted=4),
    "unknown_columns_only.csv": error(r"не похож|столбц|вид файла"),
    "only_delimiters.csv": error(r"пуст|не похож|столбц|нет (строк|данных)"),
    "one_column_kz.csv": error(r"Дата регистрации|столбц"),
    "missing_date_column_kz.csv": error(r"Дата регистрации|столбц"),
    "unterminated_quote_kg.csv": either(records=3, check=nothing_swallowed, about=r"кавыч|строк"),
    "nul_in_field_kz.csv": either(records=4, check=no_nul),
    "nul_in_header_kz.csv": either(records=4, accepted=4),
    "future_dates_kz.csv": load(4, rejected=2),
    "feb31_kz.csv": load(5, rejected=1, check=feb31_warns),
    "formula_fabula_kz.csv": load(6, check=kept_verbatim),
    "formula_fields_kg.csv": load(2, check=kg_formulas_kept),
    "formula_finds.csv": load(1),
    "sql_in_values_kz.csv": load(2, check=tables_intact),
    "control_chars_kz.csv": load(2),
    "invalid_utf8_kg.csv": either(records=3, accepted=3),
    "mixed_encoding_kg.csv": either(records=3, accepted=3),
    "bom_then_cp1251_kz.csv": either(records=4, accepted=4),
    "all_rows_rejected_kz.csv": load(0, rejected=3),
    "duplicate_rows_kz.csv": load(2, duplicates=2),
    "bad_numbers_kz.csv": load(4, check=finite_coordinates),
    "ancient_date_kz.csv": either(records=2),
    "quotes_storm_kz.csv": either(records=2),
    "cr_only_newlines_kz.csv": either(records=4, accepted=4),
    "title_rows_before_header_kz.csv": load(4),
    "many_columns.csv": error(r"не похож|столбц|вид файла"),
    "emoji_kg.csv": load(3),
    "trailing_delimiters_kz.csv": load(4),
    # generated at test time (make_hostile.LARGE)
    "long_line_5mb_kz.csv": either(records=3, about=r"строк|длин|размер"),
    "long_field_1mb_kz.csv": load(3, check=long_field_intact),
    "over_upload_limit_kz.csv": Expect("error", about=r"МБ|MB|размер|предел|лимит|больше",
                                       env={"SHEKARA_UPLOAD_LIMIT_MB": "1"}),
    "long_header_cell_1mb_kz.csv": either(records=4, accepted=4),
}


def test_corpus_is_complete():
    """At least 40 files, each with an expectation, and the committed ones equal to their builders."""
    committed = {p.name for p in HOSTILE.iterdir() if p.is_file()}
    assert committed == set(make_hostile.SMALL)
    assert set(EXPECTED) == set(make_hostile.SMALL) | set(make_hostile.LARGE)
    assert len(EXPECTED) >= 40
    for name, build in make_hostile.SMALL.items():
        assert (HOSTILE / name).read_bytes() == build(), f"{name} differs from make_hostile.py: regenerate it"


@pytest.fixture(scope="module")
def large_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("hostile-large")
    make_hostile.write(make_hostile.LARGE, directory)
    return directory


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(argv: list[str]) -> Run:
    """``python -m analytics`` in-process; an exception escaping main() is what a user would see as a traceback."""
    from analytics import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(argv)
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 2
        except Exception as exc:  # noqa: BLE001 - this is the failure being tested for
            pytest.fail(f"traceback reached the user: {type(exc).__name__}: {exc}")
    return Run(int(code), out.getvalue(), err.getvalue())


def table_counts(path: Path) -> dict[str, int]:
    con = db.connect(path)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {db.quote_ident(t)}").fetchone()[0] for t in DATA_TABLES}
    finally:
        con.close()


def assert_one_specific_line(err: str, about: str, file_name: str = "") -> None:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}: {err[:500]!r}"
    assert "Traceback" not in err
    assert len(lines[0]) >= 30, f"message too vague: {lines[0]!r}"
    # what the message says, not the file's name in it, must match
    said = lines[0].replace(file_name, "") if file_name else lines[0]
    assert re.search(about, said, re.IGNORECASE), f"message not about {about!r}: {lines[0]!r}"


def check_load(path: Path, run: Run, expect: Expect) -> None:
    report = json.loads(run.out)
    assert isinstance(report, list) and len(report) == 1
    entry = report[0]
    rows_read = entry["rows_read"]
    assert rows_read == entry["accepted"] + entry["rejected"] + entry["duplicates"] + entry["updated"]
    if expect.records is not None:
        assert entry["accepted"] + entry["rejected"] + entry["duplicates"] == expect.records, entry
    if expect.accepted is not None:
        assert entry["accepted"] == expect.accepted, entry
    if expect.rejected is not None:
        assert entry["rejected"] == expect.rejected, entry
    if expect.outcome == "load":
        assert entry["duplicates"] == expect.duplicates, entry
    counts = table_counts(path)
    table = TABLE_OF_KIND[entry["kind"]]
    assert counts[table] == entry["accepted"], f"{table} has {counts[table]} rows, report says {entry}"
    assert counts["rejects"] == entry["rejected"]
    assert counts["uploads"] == 1
    if expect.check is not None:
        con = db.connect(path)
        try:
            expect.check(con)
        finally:
            con.close()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_file(name: str, tmp_path: Path, large_dir: Path, monkeypatch):
    expect = EXPECTED[name]
    for key, value in expect.env.items():
        monkeypatch.setenv(key, value)
    source = (large_dir if name in make_hostile.LARGE else HOSTILE) / name
    database = tmp_path / "h.duckdb"
    db.connect(database).close()
    before = table_counts(database)
    run = run_cli(["ingest", str(source), "--db", str(database), "--json"])
    if run.code == 2:
        assert expect.outcome in ("error", "either"), f"refused a file that must load: {run.err.strip()}"
        assert_one_specific_line(run.err, expect.about or ".", name)
        assert table_counts(database) == before, "a refused file changed the database"
    else:
        assert run.code == 0, f"exit {run.code}: {run.err.strip()}"
        assert expect.outcome in ("load", "either"), f"loaded a file that must be refused: {run.out[:300]}"
        check_load(database, run, expect)


def test_over_limit_file_loads_under_the_default_limit(tmp_path: Path, large_dir: Path):
    """The same file is refused only because of SHEKARA_UPLOAD_LIMIT_MB (the limit is configurable)."""
    run = run_cli(["ingest", str(large_dir / "over_upload_limit_kz.csv"), "--db", str(tmp_path / "l.duckdb"),
                   "--json"])
    assert run.code == 0, run.err
    assert json.loads(run.out)[0]["accepted"] == 9000


def test_path_traversal_name_is_stored_as_a_plain_name(tmp_path: Path):
    inside = tmp_path / "in" / "a" / "b"
    inside.mkdir(parents=True)
    (tmp_path / "in" / "etc").mkdir()
    (tmp_path / "in" / "etc" / "passwd.csv").write_bytes(make_hostile.kz(make_hostile.KZ_ROWS))
    database = tmp_path / "t.duckdb"
    run = run_cli(["ingest", str(inside / ".." / ".." / "etc" / "passwd.csv"), "--db", str(database), "--json"])
    assert run.code == 0, run.err
    con = db.connect(database)
    try:
        names = [row[0] for row in con.execute("SELECT file_name FROM uploads").fetchall()]
    finally:
        con.close()
    assert names == ["passwd.csv"]


def test_hostile_file_name_gives_valid_json(tmp_path: Path):
    source = tmp_path / 'evil\n"name";=1+1.csv'
    source.write_bytes(make_hostile.kz(make_hostile.KZ_ROWS))
    run = run_cli(["ingest", str(source), "--db", str(tmp_path / "n.duckdb"), "--json"])
    assert run.code == 0, run.err
    assert json.loads(run.out)[0]["accepted"] == 4


@pytest.mark.parametrize("target", ["directory", "missing"])
def test_not_a_file(target: str, tmp_path: Path):
    path = tmp_path if target == "directory" else tmp_path / "no-such-file.csv"
    database = tmp_path / "d.duckdb"
    db.connect(database).close()
    run = run_cli(["ingest", str(path), "--db", str(database), "--json"])
    assert run.code == 2
    assert_one_specific_line(run.err, r"файл|папк|каталог|не найден|нет")


def test_wrong_kind_is_refused(tmp_path: Path, samples: Path):
    database = tmp_path / "k.duckdb"
    db.connect(database).close()
    run = run_cli(["ingest", str(samples / "bulletins_2024-01.csv"), "--kind", "kz_incidents", "--db",
                   str(database), "--json"])
    assert run.code == 2
    assert_one_specific_line(run.err, r"ЕРДР|столбц|не похож")
    assert table_counts(database)["bulletins"] == 0


@pytest.mark.parametrize("name", ["binary_random.csv", "empty.csv", "xlsx_renamed.csv"])
def test_real_process_exits_2_without_traceback(name: str, tmp_path: Path, samples: Path):
    """The same contract at process level, on a database that already holds a load: it stays as it was."""
    database = tmp_path / "p.duckdb"
    first = subprocess.run([sys.executable, "-m", "analytics", "ingest", str(samples / "kz_erdr_2024-01.csv"),
                            "--db", str(database), "--json"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    before = table_counts(database)
    result = subprocess.run([sys.executable, "-m", "analytics", "ingest", str(HOSTILE / name), "--db",
                             str(database), "--json"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert table_counts(database) == before


def test_loaded_formula_payloads_leave_the_export_neutralised(tmp_path: Path):
    """=HYPERLINK(...) in a fabula loads as data, and `export` turns every such cell into text."""
    import csv

    database = tmp_path / "f.duckdb"
    assert run_cli(["ingest", str(HOSTILE / "formula_fabula_kz.csv"), "--db", str(database), "--json"]).code == 0
    out = tmp_path / "incidents.csv"
    assert run_cli(["export", "incidents", "--db", str(database), "--out", str(out)]).code == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))
    summaries = [row[rows[0].index("summary")] for row in rows[1:]]
    assert len(summaries) == 6
    assert all(cell.startswith("'") for cell in summaries), summaries
    assert "'" + make_hostile.FORMULAS[0] in summaries


@pytest.mark.parametrize("upload_name", ["../../etc/passwd.csv", "..\\..\\windows\\system32\\x.csv",
                                         "/etc/shadow.csv", "kz\x00.csv"],
                         ids=["dot-dot", "backslashes", "absolute", "nul"])
def test_upload_name_from_the_browser_is_stored_without_a_path(upload_name: str, tmp_path: Path, con):
    """The Upload page passes the browser's file name: no directory part survives, nothing is written by it."""
    from analytics.ingest import load_file

    source = tmp_path / "upload.tmp"
    source.write_bytes(make_hostile.kz(make_hostile.KZ_ROWS))
    before = sorted(p.name for p in tmp_path.parent.iterdir())
    result = load_file(con, source, file_name=upload_name)
    stored = con.execute("SELECT file_name FROM uploads").fetchone()[0]
    assert result.accepted == 4
    assert "/" not in stored and "\\" not in stored and "\x00" not in stored and not stored.startswith(".."), stored
    assert sorted(p.name for p in tmp_path.parent.iterdir()) == before
