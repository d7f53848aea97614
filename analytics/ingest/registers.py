"""Bulletins (ориентировки), finds and joint operations: the two-sided registers.

Same shape as incidents: stage SQL (types, rejects) → look-ups on DISTINCT values or vectorised pandas columns
(sides, identifiers via :mod:`analytics.identifiers`, object kinds, statuses, directions, district lists) →
write SQL (duplicates, versions, upsert with history, warnings). These files are small (hundreds of rows).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import duckdb
import pandas as pd

from analytics.identifiers import normalise_series
from analytics.ingest.pipeline import annotate_geo, distinct_frame, register_frame, run_sql
from analytics.ingest.vocab import (
    BULLETIN_STATUS,
    BULLETIN_STATUS_KEYS,
    DIRECTION,
    DIRECTION_KEYS,
    OBJECT_KIND,
    OBJECT_KIND_KEYS,
    PlaceIndex,
    classify,
    districts_list,
    side_of,
)

# Words in a unit's name that tell its side ("ДП Жамбылской области" → KZ, "ОВД г. Токмок" → KG).
_KZ_UNIT = re.compile(r"жамбыл|тараз|кордай|мерке|шуск|байзак|жуалы|мойынкум|сарысу|рыскулов|казахстан|қазақ"
                      r"|\bрк\b|\bkz\b|\bдп\b|\bроп\b|\bуп\b", re.IGNORECASE)
_KG_UNIT = re.compile(r"чуй|чүй|талас|токмок|бишкек|кыргыз|киргиз|панфилов|сокулук|аламуд|жайыл|кемин|москов"
                      r"|ысык|бакай|кара-буур|манас|\bкр\b|\bkg\b|\bгувд\b|\bровд\b|\bовд\b|\bувд\b", re.IGNORECASE)


def side_from(side_raw: object, unit: object) -> str | None:
    """The side written in the side column, else the side the unit's name belongs to; None when neither says."""
    side = side_of(side_raw)
    if side or not isinstance(unit, str):
        return side
    kz, kg = bool(_KZ_UNIT.search(unit)), bool(_KG_UNIT.search(unit))
    return "KZ" if kz and not kg else "KG" if kg and not kz else None


def _side_map(con: duckdb.DuckDBPyConnection, side_field: str) -> None:
    query = {"bulletins": "SELECT DISTINCT f_initiator_side AS side_raw, f_unit AS unit FROM ingest_src",
             "finds": "SELECT DISTINCT f_side AS side_raw, f_unit AS unit FROM ingest_src"}[side_field]
    pairs = distinct_frame(con, query)
    pairs["side"] = pd.Series([side_from(s, u) for s, u in zip(pairs["side_raw"], pairs["unit"], strict=True)],
                              dtype="object")
    register_frame(con, "ingest_side_map", pairs)


def _object_kind(frame: pd.DataFrame) -> pd.Series:
    """Kind from the object's name, else from the livestock kind, else from which identifier is filled in."""
    names = frame["object_raw"].astype("object")
    kinds = {value: classify(value, OBJECT_KIND, OBJECT_KIND_KEYS) for value in names.dropna().unique()}
    kind = names.map(kinds).astype("object")

    def filled(column: str) -> pd.Series:
        if column not in frame:
            return pd.Series(False, index=frame.index)
        return frame[column].notna()

    unnamed = names.isna()
    for mask, value in ((filled("livestock_kind") | filled("tag_raw"), "livestock"),
                        (filled("vin_raw") | filled("plate_raw"), "vehicle"),
                        (filled("imei_raw"), "phone"), (filled("serial_raw"), "weapon")):
        kind = kind.where(~(unnamed & kind.isna() & mask), value)
    return kind


def _identifier_frame(con: duckdb.DuckDBPyConnection, query: str, with_status: bool) -> None:
    frame = con.execute(query).df()
    out = pd.DataFrame({"rid": frame["rid"].astype("int64")})
    for kind, column in (("plate", "plate_raw"), ("vin", "vin_raw"), ("imei", "imei_raw"),
                         ("imei_valid", "imei_raw"), ("serial", "serial_raw"), ("tag", "tag_raw")):
        target = "imei_valid" if kind == "imei_valid" else f"{kind}_norm"
        values = normalise_series(kind, frame[column].astype("object"))
        out[target] = values.astype("object").where(values.notna(), None)
    if "bulletin_no" in frame:
        keys = normalise_series("bulletin_no", frame["bulletin_no"].astype("object"))
        out["bulletin_key"] = keys.astype("object").where(keys.notna(), None)
    out["object_kind"] = _object_kind(frame).where(lambda s: s.notna(), None)
    if with_status:
        statuses = {v: classify(v, BULLETIN_STATUS, BULLETIN_STATUS_KEYS) for v in frame["status_raw"].dropna().unique()}
        out["status"] = frame["status_raw"].astype("object").map(statuses).astype("object")
    out["imei_valid"] = out["imei_valid"].astype("object")
    register_frame(con, "ingest_ids", out)


def load_bulletins(con: duckdb.DuckDBPyConnection) -> None:
    _side_map(con, "bulletins")
    run_sql(con, "bulletins_stage")
    _identifier_frame(con, "SELECT rid, bulletin_no, object_raw, livestock_kind, plate_raw, vin_raw, imei_raw, "
                           "serial_raw, tag_raw, status_raw FROM ingest_stage WHERE reject_reason IS NULL", True)
    run_sql(con, "bulletins_write")


def load_finds(con: duckdb.DuckDBPyConnection) -> None:
    _side_map(con, "finds")
    run_sql(con, "finds_stage")
    _identifier_frame(con, "SELECT rid, object_raw, plate_raw, vin_raw, imei_raw, serial_raw, tag_raw "
                           "FROM ingest_stage WHERE reject_reason IS NULL", False)
    annotate_geo(con)
    run_sql(con, "finds_write")


def load_operations(con: duckdb.DuckDBPyConnection) -> None:
    run_sql(con, "operations_stage")
    directions = distinct_frame(con, "SELECT DISTINCT direction_raw FROM ingest_stage "
                                     "WHERE reject_reason IS NULL AND direction_raw IS NOT NULL")
    directions["direction"] = pd.Series([classify(v, DIRECTION, DIRECTION_KEYS) for v in directions["direction_raw"]],
                                        dtype="object")
    register_frame(con, "ingest_direction_map", directions)
    index = PlaceIndex.from_db(con)
    lists = distinct_frame(con, "SELECT DISTINCT districts_raw FROM ingest_stage "
                                "WHERE reject_reason IS NULL AND districts_raw IS NOT NULL")
    parsed = [districts_list(index, raw) for raw in lists["districts_raw"]]
    lists["districts"] = pd.Series([keys for keys, _ in parsed], dtype="object")
    lists["unknown"] = pd.Series([unknown for _, unknown in parsed], dtype="object")
    con.execute("CREATE OR REPLACE TEMP TABLE ingest_districts_map "
                "(districts_raw VARCHAR, districts VARCHAR[], unknown VARCHAR[])")
    if not lists.empty:
        con.executemany("INSERT INTO ingest_districts_map VALUES (?, ?, ?)",
                        [list(row) for row in lists.itertuples(index=False)])
    run_sql(con, "operations_write")


def outcome_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """accepted / updated / duplicates among the rows that passed validation (``ingest_outcome``)."""
    row = con.execute(
        "SELECT count(*) FILTER (WHERE outcome = 'accepted'), count(*) FILTER (WHERE outcome = 'updated'), "
        "count(*) FILTER (WHERE outcome = 'duplicate') FROM ingest_outcome"
    ).fetchone()
    accepted, updated, duplicates = row if row else (0, 0, 0)
    return {"accepted": int(accepted or 0), "updated": int(updated or 0), "duplicates": int(duplicates or 0)}


STEPS: dict[str, tuple[Callable[[duckdb.DuckDBPyConnection], None],
                       Callable[[duckdb.DuckDBPyConnection], dict[str, int]]]] = {
    "bulletins": (load_bulletins, outcome_counts),
    "finds": (load_finds, outcome_counts),
    "operations": (load_operations, outcome_counts),
}
