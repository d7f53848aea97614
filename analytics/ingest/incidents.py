"""Incidents (KZ ЕРДР, KG ЕРП, canonical layout): stage → category → places/status/geo → upsert → warnings."""

from __future__ import annotations

import duckdb
import pandas as pd

from analytics.ingest.pipeline import annotate_geo, distinct_frame, register_frame, run_sql
from analytics.ingest.vocab import INCIDENT_STATUS, INCIDENT_STATUS_KEYS, PlaceIndex, classify, place_map


def load_incidents(con: duckdb.DuckDBPyConnection) -> None:
    """Run the incident steps on ``ingest_src`` (see :mod:`analytics.ingest.pipeline`)."""
    run_sql(con, "incidents_stage")
    run_sql(con, "category")
    combos = distinct_frame(con, "SELECT DISTINCT side, oblast_raw, district_raw FROM ingest_stage "
                                 "WHERE reject_reason IS NULL")
    register_frame(con, "ingest_place_map", place_map(PlaceIndex.from_db(con), combos))
    statuses = distinct_frame(con, "SELECT DISTINCT status_raw FROM ingest_stage "
                                   "WHERE reject_reason IS NULL AND status_raw IS NOT NULL")
    statuses["status"] = pd.Series([classify(v, INCIDENT_STATUS, INCIDENT_STATUS_KEYS) or "other"
                                    for v in statuses["status_raw"]], dtype="object")
    register_frame(con, "ingest_status_map", statuses)
    annotate_geo(con)
    run_sql(con, "incidents_ready")
    run_sql(con, "incidents_write")
    run_sql(con, "incidents_warnings")


