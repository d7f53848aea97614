"""Incidents (KZ ЕРДР, KG ЕРП, canonical layout): stage → category → places/status/geo → upsert → warnings."""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.db import load_sql
from analytics.ingest.pipeline import annotate_geo, distinct_frame, register_frame, run_sql, scalar
from analytics.ingest.vocab import INCIDENT_STATUS, INCIDENT_STATUS_KEYS, PlaceIndex, classify, place_map


def categorise(con: duckdb.DuckDBPyConnection) -> None:
    """Categories on distinct combinations, then each applicable fabula rule once over its rows."""
    run_sql(con, "category")
    rules = con.execute("SELECT DISTINCT rule_id, summary_regex FROM ingest_summary_rules ORDER BY rule_id").fetchall()
    statement = load_sql("ingest/category_summary")
    for rule_id, regex in rules:
        con.execute(statement, [rule_id, regex])


def map_places(con: duckdb.DuckDBPyConnection) -> None:
    """Oblast and district keys for the distinct (side, oblast, district) texts (``ingest_place_map``)."""
    combos = distinct_frame(con, "SELECT place_key, any_value(side) AS side, any_value(oblast_raw) AS oblast_raw, "
                                 "any_value(district_raw) AS district_raw FROM ingest_stage "
                                 "WHERE reject_reason IS NULL GROUP BY place_key")
    mapped = place_map(PlaceIndex.from_db(con), combos)
    mapped.insert(0, "place_key", combos["place_key"].astype("uint64") if not combos.empty
                  else pd.Series([], dtype="uint64"))
    register_frame(con, "ingest_place_map", mapped)


def map_statuses(con: duckdb.DuckDBPyConnection) -> None:
    statuses = distinct_frame(con, "SELECT DISTINCT status_raw FROM ingest_stage "
                                   "WHERE reject_reason IS NULL AND status_raw IS NOT NULL")
    statuses["status"] = pd.Series([classify(v, INCIDENT_STATUS, INCIDENT_STATUS_KEYS) or "other"
                                    for v in statuses["status_raw"]], dtype="object")
    register_frame(con, "ingest_status_map", statuses)


def lock_sides(con: duckdb.DuckDBPyConnection) -> None:
    """Write the lock row of the file's side (both rows when the file names its sides per row)."""
    con.execute("UPDATE incidents_load_lock SET loads = loads + 1 "
                "WHERE side = (SELECT side FROM ingest_params) OR (SELECT side FROM ingest_params) IS NULL")


def load_incidents(con: duckdb.DuckDBPyConnection) -> None:
    """Run the incident steps on ``ingest_src`` (see :mod:`analytics.ingest.pipeline`)."""
    # `incidents` has no key index (migration 080): numbers stay unique because loads of one side are serialised.
    # Writing the side's lock row makes a concurrent load of that side fail with a conflict (load_file retries it
    # once this one has committed, on a snapshot that includes these rows).
    lock_sides(con)
    run_sql(con, "incidents_stage")
    categorise(con)
    map_places(con)
    map_statuses(con)
    annotate_geo(con)
    run_sql(con, "incidents_ready")
    # ingest_ready is ingest_stage's valid rows joined 1:1 to look-ups: the keys are read from the stage directly.
    con.execute("CREATE OR REPLACE TEMP TABLE ingest_keys_multi AS SELECT side, source_id FROM ingest_stage "
                "WHERE reject_reason IS NULL GROUP BY side, source_id HAVING count(*) > 1")
    if scalar(con, "SELECT count(*) FROM ingest_keys_multi"):
        run_sql(con, "incidents_versions")
    else:
        con.execute("CREATE OR REPLACE TEMP TABLE ingest_versions "
                    "(rid BIGINT, is_dup BOOLEAN, ver BIGINT, nver BIGINT)")
    run_sql(con, "incidents_write")
    if scalar(con, "SELECT count(*) FROM ingest_outcome WHERE outcome = 'updated'"):
        run_sql(con, "incidents_replace")
    run_sql(con, "incidents_insert")
    run_sql(con, "incidents_warn_candidates")
    if scalar(con, "SELECT count(*) FROM ingest_warn_candidates"):
        run_sql(con, "incidents_warnings")
