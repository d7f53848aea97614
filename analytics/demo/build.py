"""The demo's export files, month by month, and loading them through the real ingest.

Files written (``M`` = month of the period, the period being the ``years * 12`` months ending with ``end``):

- ``kz_erdr_YYYY-MM.csv`` (ЕРДР, Zhambyl) and ``kg_erp_chuy-talas_YYYY-MM.csv`` (ЕРП, Chuy and Talas) per month,
  statuses as of five days after the month ends;
- every third month from the sixth on, a re-export of the quarter before last with updated statuses
  (``kz_erdr_YYYY-MM_YYYY-MM_upd.csv``, ``kg_erp_chuy-talas_YYYY-MM_YYYY-MM_upd.csv``): the same values as first
  exported (typos and all), only the statuses moved on: exercises the upsert and the history;
- ``bulletins_YYYY-MM.csv`` (bulletins sent that month and older ones whose status changed), ``finds_YYYY-MM.csv``;
- ``operations_YYYY.csv`` per calendar year.

Missing months (coverage flags): **Talas** has no data for the **4th month** of the period (that month's KG file
holds Chuy only and is named ``kg_erp_chuy_YYYY-MM.csv``); **KZ** has no file for the **9th month**. Both lie in
the first year, so ``--years 1`` shows them too. With ``--end 2025-10-31 --years 1``: Talas 2025-02, KZ 2025-07;
with ``--years 3``: Talas 2023-02, KZ 2023-07. Re-exports leave the missing months out as well.

Messy files in the first year (every file also has a few empty, swapped or ``0,0`` coordinates, district aliases,
decimal dots among commas, no-break-space thousands, one or two exact duplicate rows and two rows that must be
rejected: an empty number and 31 February):

====  =====================================================  ===========================================================
 M    KZ ЕРДР                                                KG ЕРП
====  =====================================================  ===========================================================
 1    as the sample                                          older header «Рег. № ЕРПП»
 2    saved as UTF-8 (no BOM)                                «Рег. No ЕРП», flags ``ооба``/``жок``
 3    Kazakh headers, statuses and ``иә``/``жоқ``, UTF-8 BOM  saved as Windows-1251
 4    tab-delimited                                          Chuy only (Talas missing)
 5    header spellings (``№ ЕРДР``, case, spaces),           Excel «Unicode text»: UTF-16 LE, tab-delimited, ``.txt``
      unknown column «Следователь»
 6    separate «Время совершения», ``dd.mm.yy`` in 30 %       flags ``+``/empty, unknown column «Примечание»
 7    no-break-space thousands in every sum, ISO in 20 %     header case and spaces
 8    as the sample                                          all dates ``dd.mm.yyyy``
 9    missing                                                as the sample
====  =====================================================  ===========================================================

The month-2 KZ file is uploaded twice (the loader recognises the repeat and adds nothing). Bulletins and finds
carry their own messiness (identifiers typed differently, see :mod:`analytics.demo.exchange`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.demo import exchange, messy, model, writers
from analytics.errors import ShekaraError

TALAS_MISSING_MONTH = 3  # 0-based index in the period
KZ_MISSING_MONTH = 8
KZ_STATUS_KAZAKH = {"в производстве": "іс жүргізуде", "направлено в суд": "сотқа жіберілді",
                    "прекращено": "тоқтатылды", "приостановлено": "тоқтатыла тұрды"}
FILE_PREFIXES = ("kz_erdr_", "kg_erp_", "bulletins_", "finds_", "operations_")
_LOAD_ORDER = {"kz_incidents": 0, "kg_incidents": 1, "refresh": 2, "bulletins": 3, "finds": 4, "operations": 5, "repeat": 6}


class DemoDatabaseNotEmpty(ShekaraError):
    """The target database already holds incidents."""


@dataclass
class ExportFile:
    """One written file and what is special about it."""

    path: Path
    kind: str            # kz_incidents | kg_incidents | refresh | bulletins | finds | operations | repeat
    exported_on: date    # files load in this order
    rows: int            # data lines written, duplicates and bad rows included
    bad_rows: int = 0
    duplicate_rows: int = 0
    notes: str = ""


@dataclass
class DemoPlan:
    """Everything written by :func:`write_demo_exports`."""

    start: date
    end: date
    files: list[ExportFile]
    incidents: pd.DataFrame
    missing: list[str]
    seconds: float = 0.0


@dataclass
class DemoResult:
    """What :func:`build_demo_db` did: files, ingest results and timings."""

    db_path: Path
    out_dir: Path
    plan: DemoPlan
    results: list = field(default_factory=list)  # IngestResult per loaded file, in load order
    seconds_generate: float = 0.0
    seconds_load: float = 0.0
    matches_proposed: int = 0

    @property
    def incident_rows(self) -> int:
        """Incident data lines written (all incident files, re-exports included)."""
        return sum(f.rows for f in self.plan.files if f.kind in ("kz_incidents", "kg_incidents", "refresh"))

    def totals(self) -> dict[str, int]:
        """Sums of the ingest counts over all loaded files."""
        keys = ("rows_read", "accepted", "rejected", "duplicates", "updated", "warnings")
        return {k: int(sum(getattr(r, k) for r in self.results)) for k in keys}


def default_end(today: date | None = None) -> date:
    """The last day of the previous month: every month of the demo is complete."""
    today = today or date.today()
    return today.replace(day=1) - timedelta(days=1)


def period_start(end: date, years: int) -> date:
    """First day of the first month of ``years * 12`` months ending with ``end``'s month."""
    index = end.year * 12 + end.month - 1 - (12 * years - 1)
    return date(index // 12, index % 12 + 1, 1)


def _month_end(month: date) -> date:
    nxt = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _month_mask(days: pd.Series, month: date) -> np.ndarray:
    values = days.to_numpy(dtype="datetime64[M]")
    return values == np.datetime64(month, "M")


class _Writer:
    """Writes the files of one demo into ``out_dir`` and remembers them."""

    def __init__(self, out_dir: Path, rng: np.random.Generator, start: date) -> None:
        self.out_dir = out_dir
        self.rng = rng
        self.start = start
        self.files: list[ExportFile] = []
        # Each month's values as first exported (typos and all): a re-export repeats them, only statuses move on.
        self.exported: dict[tuple[str, date], pd.DataFrame] = {}
        self._fresh = 0

    def fresh_ids(self, side: str, year: int) -> list[str]:
        self._fresh += 2
        if side == "KZ":
            return [f"{year % 100:02d}1131039{900000 + self._fresh + k:06d}" for k in range(2)]
        return [f"02-{year}-9{self._fresh + k:05d}" for k in range(2)]

    def incidents(self, frame: pd.DataFrame, side: str, name: str, kind: str, exported_on: date, *, style: str = "",
                  month: date | None = None) -> ExportFile:
        """Write one incident export; ``month`` given = a first export (messy), else a clean re-export."""
        rng = self.rng
        notes: list[str] = []
        dialect = writers.KZ_DIALECT if side == "KZ" else writers.KG_DIALECT
        if month is None:
            options = writers.RenderOptions()
            mess = messy.RowMess(duplicates=0.0, bad_rows=0)
            frame = frame.copy()
        else:
            mess = messy.RowMess()
            frame = messy.damage_values(messy.plates_typed_loosely(frame, rng), rng, mess)
            self.exported[(side, month)] = frame
            options = messy.ordinary_options(frame, rng, side)
        frame["status_raw"] = model.status_as_of(frame, exported_on)
        n = len(frame)
        if style == "kz_utf8":
            dialect = writers.Dialect("utf-8", ";", "\r\n")
            notes.append("UTF-8 without BOM")
        elif style == "kz_kazakh":
            dialect = writers.Dialect("utf-8-sig", ";", "\r\n")
            options.flags = ("иә", "жоқ")
            frame["status_raw"] = frame["status_raw"].map(KZ_STATUS_KAZAKH)
            notes.append("Kazakh headers, statuses and flags, UTF-8 with BOM")
        elif style == "kz_tab":
            dialect = writers.with_delimiter(dialect, "\t")
            notes.append("tab-delimited")
        elif style == "kz_time":
            options.separate_time = True
            options.short_year = messy.rows(rng, n, 0.3)
            notes.append("separate time column, dd.mm.yy dates")
        elif style == "kz_thousands":
            options.thousands = np.ones(n, dtype=bool)
            options.iso_dates = messy.rows(rng, n, 0.2)
            notes.append("no-break-space thousands, some ISO dates")
        elif style == "kg_ooba":
            options.flags = ("ооба", "жок")
            notes.append("«Рег. No ЕРП», flags ооба/жок")
        elif style == "kg_cp1251":
            dialect = writers.Dialect("cp1251", ",", "\r\n")
            notes.append("Windows-1251")
        elif style == "kg_utf16":
            dialect = writers.Dialect("utf-16", "\t", "\r\n")
            notes.append("UTF-16 LE, tab-delimited (Excel Unicode text)")
        elif style == "kg_plus":
            options.flags = ("+", "")
            notes.append("flags +/empty, unknown column «Примечание»")
        elif style == "kg_dmy":
            options.dmy_dates = np.ones(n, dtype=bool)
            notes.append("dates dd.mm.yyyy")
        render = writers.render_kz_erdr if side == "KZ" else writers.render_kg_erp
        table = render(frame, options, delimiter=dialect.delimiter)
        if style == "kz_kazakh":
            messy.rename_headers(table, messy.KZ_HEADER_KAZAKH)
        elif style == "kz_headers":
            messy.rename_headers(table, messy.KZ_HEADER_VARIANTS)
            messy.add_column(table, "Следователь", messy.investigators(rng, table.n_rows))
            notes.append("header spellings, unknown column «Следователь»")
        elif style == "kg_old":
            messy.rename_headers(table, messy.KG_HEADER_OLD)
            notes.append("older header «Рег. № ЕРПП»")
        elif style == "kg_ooba":
            messy.rename_headers(table, {"Рег. № ЕРП": "Рег. No ЕРП"})
        elif style == "kg_plus":
            remarks = np.where(messy.rows(rng, table.n_rows, 0.1), "уточняется", "")
            messy.add_column(table, "Примечание", remarks)
        elif style == "kg_headers":
            messy.rename_headers(table, messy.KG_HEADER_VARIANTS)
            notes.append("header case and spaces")
        table, duplicates = messy.duplicate_rows(table, rng, mess.duplicates)
        year = int(frame["registered_on"].dt.year.iloc[0]) if n else exported_on.year
        iso_dates = side == "KG" and style != "kg_dmy"
        table, bad = messy.add_bad_rows(table, rng, mess.bad_rows, year=year, iso=iso_dates,
                                        fresh_ids=self.fresh_ids(side, year))
        path = self.out_dir / name
        rows = writers.write_table(path, table, dialect)
        record = ExportFile(path, kind, exported_on, rows, bad, duplicates, "; ".join(notes))
        self.files.append(record)
        return record

    def plain(self, frame: pd.DataFrame, header: tuple[str, ...], name: str, kind: str, exported_on: date) -> None:
        table = writers.render_plain(frame, header, delimiter=writers.EXCHANGE_DIALECT.delimiter)
        rows = writers.write_table(self.out_dir / name, table, writers.EXCHANGE_DIALECT)
        self.files.append(ExportFile(self.out_dir / name, kind, exported_on, rows))


KZ_STYLES = {0: "", 1: "kz_utf8", 2: "kz_kazakh", 3: "kz_tab", 4: "kz_headers", 5: "kz_time", 6: "kz_thousands"}
KG_STYLES = {0: "kg_old", 1: "kg_ooba", 2: "kg_cp1251", 4: "kg_utf16", 5: "kg_plus", 6: "kg_headers", 7: "kg_dmy"}


def clear_exports(out_dir: Path) -> None:
    """Remove demo export files left by an earlier run (only files with the demo's name prefixes)."""
    if not out_dir.exists():
        return
    for file in out_dir.iterdir():
        if file.is_file() and file.name.startswith(FILE_PREFIXES) and file.suffix in (".csv", ".txt"):
            file.unlink()


def write_demo_exports(out_dir: Path | str, *, years: int = 3, seed: int = 7, end: date | None = None,
                       world: model.World | None = None) -> DemoPlan:
    """Generate the demo world and write its export files (no database involved).

    Parameters
    ----------
    out_dir : folder for the files (created; earlier demo files in it are removed).
    years : length of the period in years (12 months each), ending with ``end``'s month.
    seed : random seed; the same (seed, end) writes the same bytes.
    end : last day of the period (default: the last day of the previous month).
    world : reference facts and geometry (default: the configured reference and geo folders).

    Returns
    -------
    DemoPlan
    """
    started = time.perf_counter()
    if years < 1:
        raise ValueError("years must be at least 1")
    end = end or default_end()
    start = period_start(end, years)
    if world is None:
        from analytics.config import load_settings
        settings = load_settings()
        world = model.load_world(settings.geo_dir, settings.reference_dir, require_geo=True)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    clear_exports(out)
    rng = np.random.default_rng([seed, end.toordinal()])
    incidents = model.generate_world_incidents(rng, world, start, end)
    swap = exchange.generate_exchange(rng, world, incidents, start, end)
    writer = _Writer(out, rng, start)
    months = model.month_starts(start, end)
    side = incidents["side"].astype(str)
    oblast = incidents["oblast"].astype(str)
    missing: list[str] = []
    for i, month in enumerate(months):
        tag = f"{month:%Y-%m}"
        month_last = min(_month_end(month), end)
        exported_on = min(month_last + timedelta(days=5), end)
        in_month = _month_mask(incidents["registered_on"], month)
        if i == KZ_MISSING_MONTH:
            missing.append(f"KZ ZHA {tag}")
        else:
            writer.incidents(incidents[in_month & (side == "KZ").to_numpy()], "KZ", f"kz_erdr_{tag}.csv", "kz_incidents",
                             exported_on, style=KZ_STYLES.get(i, ""), month=month)
        kg_rows = in_month & (side == "KG").to_numpy()
        kg_name = f"kg_erp_chuy-talas_{tag}.csv"
        if i == TALAS_MISSING_MONTH:
            kg_rows &= (oblast != "TAL").to_numpy()
            kg_name = f"kg_erp_chuy_{tag}.csv"
            missing.append(f"KG TAL {tag}")
        if KG_STYLES.get(i) == "kg_utf16":
            kg_name = kg_name.replace(".csv", ".txt")
        writer.incidents(incidents[kg_rows], "KG", kg_name, "kg_incidents", exported_on, style=KG_STYLES.get(i, ""),
                         month=month)
        if i >= 5 and (i + 1) % 3 == 0:
            _write_refresh(writer, months[i - 5:i - 2], exported_on)
        _write_exchange_month(writer, swap, month, month_last, exported_on)
    for year in sorted({m.year for m in months}):
        ops = swap.operations[swap.operations["year"] == year] if not swap.operations.empty else swap.operations
        if ops.empty:
            continue
        exported_on = min(date(year + 1, 1, 10), end)
        writer.plain(ops, writers.OPERATIONS_HEADER, f"operations_{year}.csv", "operations", exported_on)
    kz_files = [f for f in writer.files if f.kind == "kz_incidents"]
    if len(kz_files) > 1:
        repeat = kz_files[1]
        writer.files.append(ExportFile(repeat.path, "repeat", repeat.exported_on, repeat.rows, notes="the same file again"))
    writer.files.sort(key=lambda f: (f.exported_on, _LOAD_ORDER[f.kind]))
    return DemoPlan(start, end, writer.files, incidents, missing, time.perf_counter() - started)


def _write_refresh(writer: _Writer, quarter: list[date], exported_on: date) -> None:
    """Re-export of three earlier months with today's statuses (missing months stay missing)."""
    span = f"{quarter[0]:%Y-%m}_{quarter[-1]:%Y-%m}"
    for side, name in (("KZ", f"kz_erdr_{span}_upd.csv"), ("KG", f"kg_erp_chuy-talas_{span}_upd.csv")):
        frames = [writer.exported[(side, m)] for m in quarter if (side, m) in writer.exported]
        if frames:
            writer.incidents(pd.concat(frames, ignore_index=True), side, name, "refresh", exported_on)


def _write_exchange_month(writer: _Writer, swap: exchange.Exchange, month: date, month_last: date,
                          exported_on: date) -> None:
    bulletins = swap.bulletins
    if not bulletins.empty:
        lo, hi = pd.Timestamp(month), pd.Timestamp(month_last)
        sent = bulletins["sent_on"].between(lo, hi)
        changed = pd.Series(False, index=bulletins.index)
        for column in ("found_on", "returned_on", "withdrawn_on"):
            changed |= bulletins[column].between(lo, hi)
        chosen = bulletins[sent | (changed & (bulletins["sent_on"] < lo))]
        if not chosen.empty:
            frame = exchange.bulletins_export(chosen, month_last)
            writer.plain(frame, writers.BULLETINS_HEADER, f"bulletins_{month:%Y-%m}.csv", "bulletins", exported_on)
    finds = swap.finds
    if not finds.empty:
        chosen = finds[_month_mask(finds["found_day"], month)]
        if not chosen.empty:
            writer.plain(chosen, writers.FINDS_HEADER, f"finds_{month:%Y-%m}.csv", "finds", exported_on)


def propose_and_review(con, user: str) -> int:
    """Run the real bulletin matching, then confirm the matches of bulletins already marked returned.

    Each load already proposed the pairs of its own rows; the full pass here only catches what a load could
    not see. An analyst would have confirmed the pairs of returned bulletins (the object went back to its
    owner); the rest stay proposed so the review list has work in it. Returns the number of pairs proposed.
    """
    from analytics import bulletins

    bulletins.propose_matches(con)
    proposed = int(con.execute("SELECT count(*) FROM matches").fetchone()[0])
    returned = con.execute(
        "SELECT m.bulletin_no, m.ref_kind, m.ref_id FROM matches m JOIN bulletins b USING (bulletin_no) "
        "WHERE m.status = 'proposed' AND b.status = 'returned' ORDER BY 1, 2, 3"
    ).fetchall()
    for bulletin_no, ref_kind, ref_id in returned:
        bulletins.decide_match(con, bulletin_no, ref_kind, ref_id, "confirmed", user)
    return proposed


def build_demo_db(db_path: Path | str, *, years: int = 3, seed: int = 7, end: date | None = None,
                  out_dir: Path | str | None = None, replace: bool = False, user: str = "demo",
                  progress: Callable[[str], None] | None = None) -> DemoResult:
    """Write the demo exports and load every file through :func:`analytics.ingest.load_file`.

    Parameters
    ----------
    db_path : the DuckDB file to fill (created and migrated when absent).
    years, seed, end : see :func:`write_demo_exports`.
    out_dir : where the export files go (default: ``demo_exports/`` next to the database file).
    replace : delete an existing database file first; without it a database holding incidents is refused.
    user : the uploader recorded in ``uploads`` and the audit log.
    progress : called with one line per loaded file.

    Returns
    -------
    DemoResult

    Raises
    ------
    DemoDatabaseNotEmpty
        The database already holds incidents and ``replace`` is false.
    """
    from analytics import db
    from analytics.ingest import load_file

    db_file = Path(db_path)
    target_dir = Path(out_dir) if out_dir is not None else db_file.parent / "demo_exports"
    if replace:
        for leftover in (db_file, db_file.with_name(db_file.name + ".wal")):
            leftover.unlink(missing_ok=True)
    con = db.connect(db_file)
    try:
        row = con.execute("SELECT count(*) FROM incidents").fetchone()
        if row and row[0]:
            raise DemoDatabaseNotEmpty(
                f"В базе {db_file} уже есть происшествия ({row[0]}). Укажите другой файл или добавьте --replace.",
                f"The database {db_file} already holds {row[0]} incidents. Choose another file or pass --replace.",
            )
        started = time.perf_counter()
        plan = write_demo_exports(target_dir, years=years, seed=seed, end=end)
        result = DemoResult(db_file, target_dir, plan, seconds_generate=time.perf_counter() - started)
        started = time.perf_counter()
        for file in plan.files:
            outcome = load_file(con, file.path, user=user)
            result.results.append(outcome)
            if progress:
                progress(f"{file.path.name}: {outcome.accepted} новых, {outcome.updated} обновлено, "
                         f"{outcome.rejected} отклонено" + (" (уже загружен)" if outcome.already_loaded else ""))
        result.matches_proposed = propose_and_review(con, user)
        result.seconds_load = time.perf_counter() - started
        return result
    finally:
        con.close()

