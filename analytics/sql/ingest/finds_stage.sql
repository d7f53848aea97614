-- Finds, step 1: type the fields, resolve the side (column, then the unit's name, then the upload's side),
-- decide rejects: a find needs a valid past date and a side; it has no number of its own.
CREATE OR REPLACE TEMP TABLE ingest_stage AS
WITH parsed AS (
    SELECT
        s.rid, s.line_no, h.row_hash, s.too_many_cells,
        s.f_found_at AS found_raw,
        ingest_ts(s.f_found_at) AS found_ts,
        s.f_found_time AS found_time_raw,
        ingest_time(s.f_found_time) AS found_time,
        s.f_side AS side_raw,
        coalesce(m.side, p.side) AS side,
        s.f_unit AS unit, s.f_place AS place,
        s.f_lat AS lat_raw, s.f_lon AS lon_raw, s.f_coords AS coords_raw,
        coalesce(ingest_num(s.f_lat), ingest_coord_part(s.f_coords, 1)) AS lat_in,
        coalesce(ingest_num(s.f_lon), ingest_coord_part(s.f_coords, 2)) AS lon_in,
        s.f_object_raw AS object_raw, s.f_plate_raw AS plate_raw, s.f_vin_raw AS vin_raw, s.f_imei_raw AS imei_raw,
        s.f_serial_raw AS serial_raw, s.f_tag_raw AS tag_raw, s.f_bulletin_ref AS bulletin_ref,
        s.f_result AS result, s.f_note AS note,
        s.extra,
        p.today
    FROM ingest_src s
    JOIN ingest_row_hash h ON h.rid = s.rid
    CROSS JOIN ingest_params p
    LEFT JOIN ingest_side_map m ON s.f_side IS NOT DISTINCT FROM m.side_raw AND s.f_unit IS NOT DISTINCT FROM m.unit
)
SELECT
    *,
    CASE
        WHEN found_time IS NOT NULL AND CAST(found_ts AS TIME) = TIME '00:00'
            THEN CAST(found_ts AS DATE) + found_time
        ELSE found_ts
    END AS found_at,
    CASE
        WHEN too_many_cells THEN 'too_many_cells'
        WHEN found_raw IS NULL THEN 'missing_date'
        WHEN found_ts IS NULL THEN 'bad_date'
        WHEN CAST(found_ts AS DATE) > today THEN 'future_date'
        WHEN side IS NULL THEN 'missing_side'
    END AS reject_reason
FROM parsed;
