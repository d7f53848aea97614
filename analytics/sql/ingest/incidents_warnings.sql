-- Incidents, step 5b: every problem that does not reject a row is a warning on it (accepted and updated rows).
-- Rows with a problem are picked among the candidates of step 5a, then each check runs on that (small) set.
-- A new check here needs its condition in incidents_warn_candidates.sql too, or it never sees its rows.
CREATE OR REPLACE TEMP TABLE ingest_warn_rows AS
SELECT r.*
FROM ingest_ready r
SEMI JOIN ingest_warn_candidates c ON c.rid = r.rid
SEMI JOIN ingest_outcome o ON o.rid = r.rid AND o.outcome <> 'duplicate'
WHERE (r.occurred_raw IS NOT NULL AND r.occurred_at IS NULL)
   OR CAST(r.occurred_at AS DATE) > r.registered_on
   OR (r.occurred_time_raw IS NOT NULL AND r.occurred_time IS NULL)
   OR (r.damage_raw IS NOT NULL AND r.damage IS NULL)
   OR (r.online_raw IS NOT NULL AND r.online IS NULL)
   OR (r.minor_raw IS NOT NULL AND r.minor_involved IS NULL)
   OR (r.foreign_raw IS NOT NULL AND r.foreign_national IS NULL)
   OR r.coords_bad <> ''
   OR r.geo_flag IN ('zero', 'swapped', 'outside')
   OR (r.oblast_raw IS NOT NULL AND r.oblast IS NULL)
   OR (r.district_raw IS NOT NULL AND r.district IS NULL)
   OR r.status = 'other'
   OR r.unmapped;

INSERT INTO warnings (upload_id, line_no, field, reason, value)
SELECT p.upload_id, x.line_no, x.field, x.reason, x.value
FROM (
    SELECT line_no, 'occurred_at' AS field, 'bad_date' AS reason, occurred_raw AS value
    FROM ingest_warn_rows WHERE occurred_raw IS NOT NULL AND occurred_at IS NULL
    UNION ALL
    SELECT line_no, 'occurred_at', 'occurred_after_registration', CAST(occurred_at AS VARCHAR)
    FROM ingest_warn_rows WHERE CAST(occurred_at AS DATE) > registered_on
    UNION ALL
    SELECT line_no, 'occurred_time', 'bad_time', occurred_time_raw
    FROM ingest_warn_rows WHERE occurred_time_raw IS NOT NULL AND occurred_time IS NULL
    UNION ALL
    SELECT line_no, 'damage', 'bad_number', damage_raw
    FROM ingest_warn_rows WHERE damage_raw IS NOT NULL AND damage IS NULL
    UNION ALL
    SELECT line_no, 'online', 'bad_flag', online_raw
    FROM ingest_warn_rows WHERE online_raw IS NOT NULL AND online IS NULL
    UNION ALL
    SELECT line_no, 'minor_involved', 'bad_flag', minor_raw
    FROM ingest_warn_rows WHERE minor_raw IS NOT NULL AND minor_involved IS NULL
    UNION ALL
    SELECT line_no, 'foreign_national', 'bad_flag', foreign_raw
    FROM ingest_warn_rows WHERE foreign_raw IS NOT NULL AND foreign_national IS NULL
    UNION ALL
    SELECT line_no, 'coordinates', 'bad_coordinates', coords_bad FROM ingest_warn_rows WHERE coords_bad <> ''
    UNION ALL
    SELECT line_no, 'coordinates', 'coordinates_' || geo_flag, concat_ws(', ', lat_in, lon_in)
    FROM ingest_warn_rows WHERE geo_flag IN ('zero', 'swapped', 'outside')
    UNION ALL
    SELECT line_no, 'oblast', 'unknown_oblast', oblast_raw
    FROM ingest_warn_rows WHERE oblast_raw IS NOT NULL AND oblast IS NULL
    UNION ALL
    SELECT line_no, 'district', 'unknown_district', district_raw
    FROM ingest_warn_rows WHERE district_raw IS NOT NULL AND district IS NULL
    UNION ALL
    SELECT line_no, 'status', 'unknown_status', status_raw FROM ingest_warn_rows WHERE status = 'other'
    UNION ALL
    SELECT line_no, 'category', 'unknown_category', concat_ws(' | ', article_raw, title_raw, object_raw)
    FROM ingest_warn_rows WHERE unmapped
) x, ingest_params p;
