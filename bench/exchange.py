"""Fill ``bulletins`` and ``finds`` of the bench database from the generated exchange files.

The project's ingest loads them when it supports those kinds (timed as ``exchange_ingest_s``, not a target);
otherwise a direct set-wise load with the project's own vectorised normalisation
(``analytics.identifiers.normalise_series``) fills the same columns, so matching runs on the same keys.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from bench.measure import _load_with_project

KIND = {"автомобиль": "vehicle", "сотовый телефон": "phone", "оружие": "weapon", "скот": "livestock"}
STATUS = {"в розыске": "wanted", "обнаружен": "found", "возвращен": "returned", "снят": "withdrawn"}


def load_exchange(con: duckdb.DuckDBPyConnection, bulletins_path: Path, finds_path: Path) -> dict[str, Any]:
    """Load both files; returns ``seconds``, ``method`` and row counts (``error`` when neither way works)."""
    start = time.perf_counter()
    try:
        _load_with_project(con, bulletins_path)
        _load_with_project(con, finds_path)
        method = "analytics.ingest.load_file"
    except Exception as exc:  # noqa: BLE001 — fall back and say why
        try:
            con.execute("ROLLBACK")
        except duckdb.Error:
            pass  # the failed load left no transaction open
        con.execute("DELETE FROM finds")
        con.execute("DELETE FROM bulletins")
        method = f"direct insert (ingest: {type(exc).__name__}: {str(exc)[:120]})"
        start = time.perf_counter()
        _insert_directly(con, bulletins_path, finds_path)
    seconds = time.perf_counter() - start
    counts = con.execute("SELECT (SELECT count(*) FROM bulletins), (SELECT count(*) FROM finds)").fetchall()[0]
    return {"seconds": seconds, "method": method, "bulletins": int(counts[0]), "finds": int(counts[1])}


# Shares of the proposals an analyst has decided when the pages are timed: the pages must be measured on a
# database where analysts have worked (confirmed matches resolve bulletins), not only on fresh proposals.
CONFIRMED_TENTHS = 3
REJECTED_TENTHS = 1


def decide_some(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Mark about 30 % of the proposals confirmed and 10 % rejected (a fixed pseudo-random choice), as
    ``analytics.bulletins.decide_match`` records decisions; returns the counts by status."""
    con.execute(
        "UPDATE matches SET status = CASE WHEN hash(bulletin_no, ref_id) % 10 < ? THEN 'confirmed' "
        "ELSE 'rejected' END, decided_by = 'bench', decided_at = now() "
        "WHERE status = 'proposed' AND hash(bulletin_no, ref_id) % 10 < ?",
        [CONFIRMED_TENTHS, CONFIRMED_TENTHS + REJECTED_TENTHS],
    )
    from analytics.bulletins import refresh_first_found

    refresh_first_found(con)  # what decide_match does after each decision
    rows = con.execute("SELECT status, count(*) FROM matches GROUP BY status ORDER BY status").fetchall()
    return {str(status): int(n) for status, n in rows}


def _read(con: duckdb.DuckDBPyConnection, path: Path) -> pd.DataFrame:
    return con.execute(
        "SELECT * FROM read_csv(?, delim=';', header=true, all_varchar=true, quote='\"')", [str(path)]
    ).df()


def _insert_directly(con: duckdb.DuckDBPyConnection, bulletins_path: Path, finds_path: Path) -> None:
    from analytics.identifiers import normalise_series as norm

    upload_id = con.execute(
        "INSERT INTO uploads (file_name, sha256, kind) VALUES (?, 'bench', 'bulletins') RETURNING upload_id",
        [bulletins_path.name]).fetchall()[0][0]
    raw = _read(con, bulletins_path)
    bulletins = pd.DataFrame({
        "bulletin_no": raw["Номер ориентировки"], "bulletin_key": norm("bulletin_no", raw["Номер ориентировки"]),
        "sent_on": pd.to_datetime(raw["Дата направления"], format="%d.%m.%Y").dt.date,
        "initiator_side": raw["Инициатор"], "unit": raw["Подразделение"], "case_ref": raw["Связанное дело"],
        "object_kind": raw["Вид объекта"].map(KIND).fillna("other"), "object_raw": raw["Вид объекта"],
        "make_model": raw["Марка, модель"], "color": raw["Цвет"],
        "plate_raw": raw["Госномер"], "plate_norm": norm("plate", raw["Госномер"]),
        "vin_raw": raw["VIN"], "vin_norm": norm("vin", raw["VIN"]),
        "imei_raw": raw["IMEI"], "imei_norm": norm("imei", raw["IMEI"]), "imei_valid": norm("imei_valid", raw["IMEI"]),
        "serial_raw": raw["Серийный номер"], "serial_norm": norm("serial", raw["Серийный номер"]),
        "livestock_kind": raw["Вид скота"], "heads": pd.to_numeric(raw["Количество голов"]).astype("Int32"),
        "tag_raw": raw["Бирка/тавро"], "tag_norm": norm("tag", raw["Бирка/тавро"]),
        "status": raw["Статус"].map(STATUS).fillna("wanted"), "status_raw": raw["Статус"],
        "upload_id": upload_id,
    })
    con.register("bulletin_frame", bulletins)
    con.execute("INSERT INTO bulletins BY NAME SELECT * FROM bulletin_frame")
    con.unregister("bulletin_frame")
    upload_id = con.execute(
        "INSERT INTO uploads (file_name, sha256, kind) VALUES (?, 'bench', 'finds') RETURNING upload_id",
        [finds_path.name]).fetchall()[0][0]
    raw = _read(con, finds_path)
    finds = pd.DataFrame({
        "find_id": pd.RangeIndex(len(raw)).astype(str), "side": raw["Сторона"],
        "found_at": pd.to_datetime(raw["Дата"], format="%d.%m.%Y %H:%M"),
        "unit": raw["Подразделение"], "place": raw["Место"],
        "lat": pd.to_numeric(raw["Широта"]), "lon": pd.to_numeric(raw["Долгота"]),
        "object_kind": raw["Вид объекта"].map(KIND).fillna("other"), "object_raw": raw["Вид объекта"],
        "plate_raw": raw["Госномер"], "plate_norm": norm("plate", raw["Госномер"]),
        "vin_raw": raw["VIN"], "vin_norm": norm("vin", raw["VIN"]),
        "imei_raw": raw["IMEI"], "imei_norm": norm("imei", raw["IMEI"]), "imei_valid": norm("imei_valid", raw["IMEI"]),
        "serial_raw": raw["Серийный номер"], "serial_norm": norm("serial", raw["Серийный номер"]),
        "tag_raw": raw["Бирка/тавро"], "tag_norm": norm("tag", raw["Бирка/тавро"]),
        "bulletin_ref": raw["Номер ориентировки"], "result": raw["Результат"], "note": raw["Примечание"],
        "upload_id": upload_id,
    })
    con.register("find_frame", finds)
    con.execute("INSERT INTO finds BY NAME SELECT * FROM find_frame")
    con.unregister("find_frame")
