-- Finds, steps 2-4: harmonised rows keyed by a content hash (the same find in two files is one find), so a
-- repeat inside the file or of a stored find is a duplicate; finds are never updated.
CREATE OR REPLACE TEMP TABLE ingest_ready AS
SELECT
    s.rid, s.line_no, s.row_hash, CAST(s.found_at AS DATE) AS period_day,
    md5(concat_ws(chr(31), strftime(s.found_at, '%Y-%m-%d %H:%M:%S'), s.side, coalesce(s.unit, ''),
                  coalesce(s.place, ''), coalesce(CAST(s.lat_in AS VARCHAR), ''), coalesce(CAST(s.lon_in AS VARCHAR), ''),
                  coalesce(s.object_raw, ''), coalesce(s.plate_raw, ''), coalesce(s.vin_raw, ''),
                  coalesce(s.imei_raw, ''), coalesce(s.serial_raw, ''), coalesce(s.tag_raw, ''),
                  coalesce(s.bulletin_ref, ''), coalesce(s.result, ''), coalesce(s.note, ''))) AS find_id,
    s.found_at, s.side, s.unit, s.place,
    g.lat, g.lon,
    coalesce(i.object_kind, 'other') AS object_kind, s.object_raw,
    s.plate_raw, i.plate_norm, s.vin_raw, i.vin_norm, s.imei_raw, i.imei_norm, i.imei_valid,
    s.serial_raw, i.serial_norm, s.tag_raw, i.tag_norm,
    s.bulletin_ref, s.result, s.note, s.extra,
    -- for warnings
    s.side_raw, s.found_time_raw, s.found_time, s.lat_raw, s.lon_raw, s.coords_raw, s.lat_in, s.lon_in, g.geo_flag,
    i.object_kind IS NULL AND s.object_raw IS NOT NULL AS unknown_kind
FROM ingest_stage s
LEFT JOIN ingest_ids i USING (rid)
LEFT JOIN ingest_geo g ON g.side = s.side AND g.lat_in = s.lat_in AND g.lon_in = s.lon_in
WHERE s.reject_reason IS NULL;

CREATE OR REPLACE TEMP TABLE ingest_outcome AS
SELECT
    r.rid,
    CASE
        WHEN row_number() OVER (PARTITION BY r.find_id ORDER BY r.line_no) > 1 THEN 'duplicate'
        WHEN e.find_id IS NOT NULL THEN 'duplicate'
        ELSE 'accepted'
    END AS outcome
FROM ingest_ready r
LEFT JOIN finds e ON e.find_id = r.find_id;

INSERT INTO finds BY NAME
SELECT r.find_id, r.found_at, r.side, r.unit, r.place, r.lat, r.lon, r.object_kind, r.object_raw, r.plate_raw,
       r.plate_norm, r.vin_raw, r.vin_norm, r.imei_raw, r.imei_norm, r.imei_valid, r.serial_raw, r.serial_norm,
       r.tag_raw, r.tag_norm, r.bulletin_ref, r.result, r.note, r.extra, p.upload_id AS upload_id
FROM ingest_ready r SEMI JOIN ingest_outcome o ON o.rid = r.rid AND o.outcome = 'accepted', ingest_params p;

INSERT INTO warnings (upload_id, line_no, field, reason, value)
WITH w AS (
    SELECT r.* FROM ingest_ready r SEMI JOIN ingest_outcome o ON o.rid = r.rid AND o.outcome = 'accepted'
)
SELECT p.upload_id, x.line_no, x.field, x.reason, x.value
FROM (
    SELECT line_no, 'found_time' AS field, 'bad_time' AS reason, found_time_raw AS value
    FROM w WHERE found_time_raw IS NOT NULL AND found_time IS NULL
    UNION ALL
    SELECT line_no, 'side', 'unknown_side', side_raw FROM w WHERE side_raw IS NOT NULL AND ingest_side(side_raw) IS NULL
    UNION ALL
    SELECT line_no, 'coordinates', 'bad_coordinates', concat_ws(' ', coords_raw, lat_raw, lon_raw)
    FROM w WHERE (coords_raw IS NOT NULL OR lat_raw IS NOT NULL OR lon_raw IS NOT NULL)
             AND (lat_in IS NULL OR lon_in IS NULL)
    UNION ALL
    SELECT line_no, 'coordinates', 'coordinates_' || geo_flag, concat_ws(' ', coords_raw, lat_raw, lon_raw)
    FROM w WHERE geo_flag IN ('zero', 'swapped', 'outside')
    UNION ALL
    SELECT line_no, 'object_kind', 'unknown_object_kind', object_raw FROM w WHERE unknown_kind
    UNION ALL
    SELECT line_no, 'imei', 'invalid_imei', imei_raw FROM w WHERE imei_raw IS NOT NULL AND NOT coalesce(imei_valid, false)
    UNION ALL
    SELECT line_no, 'vin', 'invalid_vin', vin_raw FROM w WHERE vin_raw IS NOT NULL AND vin_norm IS NULL
) x, ingest_params p;
