"""Concurrency and the one-writer rule.

- Two uploads while ten readers query, all on cursors of one connection (how the app runs): no
  errors, and no reader ever sees half a load.
- DuckDB lets one process write a database file: every CLI command refuses politely (exit 2, one
  line) while another process — the running app — holds it.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from analytics import db
from analytics.ingest import load_file
from tests.data import make_hostile

ROOT = Path(__file__).resolve().parent.parent
ROWS = 3000


def kz_file(path: Path) -> Path:
    rows = [make_hostile.kz_row(f"2411310318{i:05d}", "05.01.2024", summary=f"Кража № {i}") for i in range(ROWS)]
    path.write_bytes(make_hostile.kz(rows))
    return path


def kg_file(path: Path) -> Path:
    rows = [f'02-2024-8{i:05d},2024-01-04,2024-01-03,,,Кража скота,Чуйская,Панфиловский район,с. Кайынды,'
            f'"42.8262, 73.6788",в производстве,1000,0,0,0,Хищение {i}' for i in range(ROWS)]
    path.write_bytes(make_hostile.kg(rows))
    return path


def test_two_uploads_while_ten_readers_query(tmp_path: Path):
    con = db.connect(tmp_path / "c.duckdb")
    files = [kz_file(tmp_path / "kz.csv"), kg_file(tmp_path / "kg.csv")]
    errors: list[str] = []
    seen: list[tuple[float, tuple[int, int, int, int]]] = []
    results = {}
    window: list[float] = []
    uploading = threading.Event()
    done = threading.Event()

    def upload(path: Path) -> None:
        cursor = con.cursor()
        try:
            uploading.wait()
            window.append(time.perf_counter())
            results[path.name] = load_file(cursor, path, user=f"analyst_{path.stem}")
            window.append(time.perf_counter())
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(f"upload {path.name}: {type(exc).__name__}: {exc}")
        finally:
            cursor.close()

    def read() -> None:
        cursor = con.cursor()
        try:
            while not done.is_set():
                # one statement = one snapshot: the rows and the upload that wrote them agree, or neither is there
                row = cursor.execute(
                    "SELECT (SELECT count(*) FROM incidents WHERE side = 'KZ'), "
                    "       (SELECT count(*) FROM incidents WHERE side = 'KG'), "
                    "       (SELECT coalesce(sum(accepted), 0) FROM uploads WHERE status = 'loaded'), "
                    "       (SELECT count(*) FROM coverage)").fetchone()
                seen.append((time.perf_counter(), row))
        except Exception as exc:  # noqa: BLE001
            errors.append(f"reader: {type(exc).__name__}: {exc}")
        finally:
            cursor.close()

    readers = [threading.Thread(target=read) for _ in range(10)]
    writers = [threading.Thread(target=upload, args=(path,)) for path in files]
    for thread in readers + writers:
        thread.start()
    time.sleep(0.2)
    uploading.set()
    for thread in writers:
        thread.join(timeout=600)
    done.set()
    for thread in readers:
        thread.join(timeout=60)

    assert errors == []
    assert {r.accepted for r in results.values()} == {ROWS}
    during = [row for when, row in seen if min(window) < when < max(window)]
    assert len(during) >= 10, "the readers must really have queried while the uploads ran"
    for _, (kz, kg, accepted, coverage) in seen:
        assert kz in (0, ROWS) and kg in (0, ROWS), (kz, kg)
        assert kz + kg == accepted, (kz, kg, accepted)
        assert (coverage == 0) == (accepted == 0), (coverage, accepted)
    final = con.execute("SELECT count(*) FROM incidents").fetchone()[0]
    con.close()
    assert final == 2 * ROWS


# --- the one-writer rule: the app holds the file, the CLI refuses politely ---

HOLDER = """
import sys, time
from analytics import db
con = db.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(120)
"""


@pytest.fixture
def held_database(tmp_path: Path, samples: Path):
    """A database with one load, held open by another process the way the running app holds it."""
    path = tmp_path / "held.duckdb"
    con = db.connect(path)
    load_file(con, samples / "kz_erdr_2024-01.csv")
    con.close()
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    yield path
    holder.kill()
    holder.wait(timeout=30)


@pytest.mark.parametrize("command", [
    ["ingest", "{samples}/kg_erp_chuy-talas_2024-01.csv", "--json"],
    ["export", "incidents", "--out", "{tmp}/out.csv"],
    ["users", "list"],
])
def test_cli_refuses_politely_while_the_app_holds_the_database(held_database: Path, samples: Path,
                                                                tmp_path: Path, command: list[str]):
    argv = [part.format(samples=samples, tmp=tmp_path) for part in command] + ["--db", str(held_database)]
    result = subprocess.run([sys.executable, "-m", "analytics", *argv], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert "открыта другим процессом" in lines[0] and str(held_database) in lines[0]
    assert not (tmp_path / "out.csv").exists()
