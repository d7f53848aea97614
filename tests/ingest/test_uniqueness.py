"""One stored row per (side, number) without a key index on ``incidents`` (migration 080).

The loader is what keeps numbers unique: it compares each file with the stored rows, and loads of one side are
serialised by ``incidents_load_lock`` (a concurrent load retries after the other commits).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from analytics import db
from analytics.ingest import load_file
from tests.ingest.conftest import column, kz_file, kz_row, one


def keys_stored_more_than_once(con) -> int:
    return one(con, "SELECT count(*) FROM (SELECT side, source_id FROM incidents GROUP BY ALL HAVING count(*) > 1)")


def test_incidents_table_has_no_key_index_but_a_lock_row_per_side(con):
    kinds = column(con, "SELECT constraint_type FROM duckdb_constraints() WHERE table_name = 'incidents'")
    assert "PRIMARY KEY" not in kinds and "UNIQUE" not in kinds
    assert column(con, "SELECT side FROM incidents_load_lock ORDER BY side") == ["KG", "KZ"]


def test_same_rows_twice_are_stored_once(con, write):
    rows = [kz_row(f"24113103100000{i}", summary=f"Кража {i}") for i in range(5)]
    first = load_file(con, write("a.csv", kz_file(rows)))
    # the same rows in another order: another file (another sha256), so it is really loaded again
    second = load_file(con, write("b.csv", kz_file(rows[::-1])))
    assert (first.accepted, first.duplicates) == (5, 0)
    assert (second.accepted, second.duplicates, second.updated) == (0, 5, 0)
    assert one(con, "SELECT count(*) FROM incidents") == 5
    assert keys_stored_more_than_once(con) == 0


def test_updated_versions_replace_the_stored_row(con, write):
    load_file(con, write("a.csv", kz_file([kz_row("241131031000001", summary="v1"),
                                           kz_row("241131031000002", summary="x")])))
    # v2 and v3 of the first number in one file, plus a new number
    result = load_file(con, write("b.csv", kz_file([kz_row("241131031000001", summary="v2"),
                                                    kz_row("241131031000001", summary="v3"),
                                                    kz_row("241131031000003", summary="y")])))
    assert (result.accepted, result.updated, result.duplicates) == (1, 2, 0)
    assert one(con, "SELECT count(*) FROM incidents") == 3
    assert keys_stored_more_than_once(con) == 0
    assert one(con, "SELECT summary FROM incidents WHERE source_id = '241131031000001'") == "v3"
    assert column(con, "SELECT summary FROM incidents_history WHERE source_id = '241131031000001' "
                       "ORDER BY summary") == ["v1", "v2"]


def test_concurrent_loads_of_overlapping_files_store_each_number_once(tmp_path: Path):
    con = db.connect(tmp_path / "c.duckdb")
    numbers = [f"2411310318{i:05d}" for i in range(400)]
    paths = []
    for name, part in (("a.csv", numbers[:300]), ("b.csv", numbers[100:])):
        path = tmp_path / name
        path.write_text(kz_file([kz_row(n, summary="Кража") for n in part]), encoding="utf-8")
        paths.append(path)
    results = {}
    errors: list[str] = []

    def upload(path: Path) -> None:
        cursor = con.cursor()
        try:
            results[path.name] = load_file(cursor, path)
        except Exception as exc:  # noqa: BLE001 - asserted below
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            cursor.close()

    threads = [threading.Thread(target=upload, args=(p,)) for p in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert one(con, "SELECT count(*) FROM incidents") == 400
    assert keys_stored_more_than_once(con) == 0
    # the 200 shared numbers are new for exactly one of the two loads and a duplicate for the other
    assert results["a.csv"].accepted + results["b.csv"].accepted == 400
    assert results["a.csv"].duplicates + results["b.csv"].duplicates == 200
    con.close()


def test_a_load_waits_for_an_open_load_of_its_side(tmp_path: Path):
    con = db.connect(tmp_path / "w.duckdb")
    path = tmp_path / "a.csv"
    path.write_text(kz_file([kz_row("241131031000001")]), encoding="utf-8")
    holder = con.cursor()
    holder.execute("BEGIN TRANSACTION")
    # another load of the KZ side, not committed yet: it stored the same number
    holder.execute("UPDATE incidents_load_lock SET loads = loads + 1 WHERE side = 'KZ'")
    holder.execute("INSERT INTO incidents (side, source_id, registered_on, category, upload_id, summary) "
                   "VALUES ('KZ', '241131031000001', DATE '2024-01-03', 'theft', 99, 'Фабула')")
    results = []
    cursor = con.cursor()
    thread = threading.Thread(target=lambda: results.append(load_file(cursor, path)))
    thread.start()
    time.sleep(1.0)
    assert thread.is_alive() and results == []  # waiting, not writing the number a second time
    holder.execute("COMMIT")
    thread.join(60)
    assert len(results) == 1
    assert results[0].accepted + results[0].updated + results[0].duplicates == 1
    assert results[0].accepted == 0
    assert one(con, "SELECT count(*) FROM incidents") == 1
    con.close()


def test_the_same_file_uploaded_twice_at_once_is_loaded_once(tmp_path: Path):
    con = db.connect(tmp_path / "s.duckdb")
    path = tmp_path / "a.csv"
    path.write_text(kz_file([kz_row(f"2411310318{i:05d}") for i in range(2000)]), encoding="utf-8")
    results = []

    def upload() -> None:
        cursor = con.cursor()
        try:
            results.append(load_file(cursor, path))
        finally:
            cursor.close()

    threads = [threading.Thread(target=upload) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted(r.already_loaded for r in results) == [False, True]
    assert sum(r.accepted for r in results) == 2000
    assert one(con, "SELECT count(*) FROM uploads") == 1
    assert one(con, "SELECT count(*) FROM incidents") == 2000
    con.close()


def test_undo_takes_the_lock_of_its_side(tmp_path: Path):
    import pytest

    from analytics.ingest import undo_upload
    from analytics.ingest.errors import UndoBusy

    con = db.connect(tmp_path / "u.duckdb")
    path = tmp_path / "a.csv"
    path.write_text(kz_file([kz_row("241131031000001")]), encoding="utf-8")
    upload_id = load_file(con, path).upload_id
    holder = con.cursor()
    holder.execute("BEGIN TRANSACTION")
    holder.execute("UPDATE incidents_load_lock SET loads = loads + 1 WHERE side = 'KZ'")  # a KZ load is running
    with pytest.raises(UndoBusy, match=f"№{upload_id}"):  # a clear "try again", the undo rolled back
        undo_upload(con.cursor(), upload_id, "admin")
    assert one(con, "SELECT count(*) FROM incidents") == 1
    holder.execute("ROLLBACK")
    undo_upload(con, upload_id, "admin")
    assert one(con, "SELECT count(*) FROM incidents") == 0
    con.close()
