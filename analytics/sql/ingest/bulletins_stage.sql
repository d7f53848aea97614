-- Bulletins, step 1: type the fields, resolve the initiator side (column, then the unit's name, then the upload's
-- side: ingest_side_map), decide rejects. A bulletin without a number, a valid past date or a side is rejected:
-- the side is part of what a bulletin is (who asks whom), and the schema requires it.
CREATE OR REPLACE TEMP TABLE ingest_stage AS
WITH parsed AS (
    SELECT
        s.rid, s.line_no, h.row_hash, s.too_many_cells,
        ltrim(s.f_bulletin_no, '''') AS bulletin_no,
        s.f_sent_on AS sent_on_raw,
        CAST(ingest_ts(s.f_sent_on) AS DATE) AS sent_on,
        s.f_initiator_side AS initiator_raw,
        coalesce(m.side, p.side) AS initiator_side,
        s.f_unit AS unit, s.f_case_ref AS case_ref, s.f_object_raw AS object_raw, s.f_make_model AS make_model,
        s.f_color AS color, s.f_plate_raw AS plate_raw, s.f_vin_raw AS vin_raw, s.f_imei_raw AS imei_raw,
        s.f_serial_raw AS serial_raw, s.f_livestock_kind AS livestock_kind,
        s.f_heads AS heads_raw, CAST(ingest_int(s.f_heads) AS INTEGER) AS heads,
        s.f_tag_raw AS tag_raw, s.f_status_raw AS status_raw,
        s.f_closed_on AS closed_raw, CAST(ingest_ts(s.f_closed_on) AS DATE) AS closed_on,
        s.f_close_reason AS close_reason,
        s.extra,
        p.today
    FROM ingest_src s
    JOIN ingest_row_hash h ON h.rid = s.rid
    CROSS JOIN ingest_params p
    LEFT JOIN ingest_side_map m
      ON s.f_initiator_side IS NOT DISTINCT FROM m.side_raw AND s.f_unit IS NOT DISTINCT FROM m.unit
)
SELECT
    *,
    CASE
        WHEN too_many_cells THEN 'too_many_cells'
        WHEN bulletin_no IS NULL OR bulletin_no = '' THEN 'missing_number'
        WHEN sent_on_raw IS NULL THEN 'missing_date'
        WHEN sent_on IS NULL THEN 'bad_date'
        WHEN sent_on > today THEN 'future_date'
        WHEN initiator_side IS NULL THEN 'missing_side'
    END AS reject_reason
FROM parsed;
