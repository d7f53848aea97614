-- Incidents, step 5: every problem that does not reject a row is a warning on it (accepted and updated rows).
INSERT INTO warnings (upload_id, line_no, field, reason, value)
WITH w AS (
    SELECT r.* FROM ingest_ready r SEMI JOIN ingest_outcome o ON o.rid = r.rid AND o.outcome <> 'duplicate'
)
SELECT p.upload_id, x.line_no, x.field, x.reason, x.value
FROM (
    SELECT line_no, 'occurred_at' AS field, 'bad_date' AS reason, occurred_raw AS value
    FROM w WHERE occurred_raw IS NOT NULL AND occurred_at IS NULL
    UNION ALL
    SELECT line_no, 'occurred_at', 'occurred_after_registration', occurred_raw
    FROM w WHERE CAST(occurred_at AS DATE) > registered_on
    UNION ALL
    SELECT line_no, 'occurred_time', 'bad_time', occurred_time_raw
    FROM w WHERE occurred_time_raw IS NOT NULL AND occurred_time IS NULL
    UNION ALL
    SELECT line_no, 'damage', 'bad_number', damage_raw FROM w WHERE damage_raw IS NOT NULL AND damage IS NULL
    UNION ALL
    SELECT line_no, 'online', 'bad_flag', online_raw FROM w WHERE online_raw IS NOT NULL AND online IS NULL
    UNION ALL
    SELECT line_no, 'minor_involved', 'bad_flag', minor_raw FROM w WHERE minor_raw IS NOT NULL AND minor_involved IS NULL
    UNION ALL
    SELECT line_no, 'foreign_national', 'bad_flag', foreign_raw
    FROM w WHERE foreign_raw IS NOT NULL AND foreign_national IS NULL
    UNION ALL
    SELECT line_no, 'coordinates', 'bad_coordinates', concat_ws(' ', coords_raw, lat_raw, lon_raw)
    FROM w WHERE (coords_raw IS NOT NULL OR lat_raw IS NOT NULL OR lon_raw IS NOT NULL)
             AND (lat_in IS NULL OR lon_in IS NULL)
    UNION ALL
    SELECT line_no, 'coordinates', 'coordinates_' || geo_flag, concat_ws(' ', coords_raw, lat_raw, lon_raw)
    FROM w WHERE geo_flag IN ('zero', 'swapped', 'outside')
    UNION ALL
    SELECT line_no, 'oblast', 'unknown_oblast', oblast_raw FROM w WHERE oblast_raw IS NOT NULL AND oblast IS NULL
    UNION ALL
    SELECT line_no, 'district', 'unknown_district', district_raw
    FROM w WHERE district_raw IS NOT NULL AND district IS NULL
    UNION ALL
    SELECT line_no, 'status', 'unknown_status', status_raw FROM w WHERE status = 'other'
    UNION ALL
    SELECT line_no, 'category', 'unknown_category', concat_ws(' | ', article_raw, title_raw, object_raw)
    FROM w WHERE unmapped
) x, ingest_params p;
