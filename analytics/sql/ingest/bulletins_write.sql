-- Bulletins, steps 2-4: harmonised rows (ingest_ids: normalised identifiers, object kind and status per row),
-- then duplicates / versions / upsert with full previous versions in bulletins_history, as for incidents.
CREATE OR REPLACE TEMP TABLE ingest_ready AS
SELECT
    s.rid, s.line_no, s.row_hash, s.sent_on AS period_day,
    s.bulletin_no, i.bulletin_key, s.sent_on, s.initiator_side, s.unit, s.case_ref,
    coalesce(i.object_kind, 'other') AS object_kind, s.object_raw, s.make_model, s.color,
    s.plate_raw, i.plate_norm, s.vin_raw, i.vin_norm, s.imei_raw, i.imei_norm, i.imei_valid,
    s.serial_raw, i.serial_norm, s.livestock_kind, s.heads, s.tag_raw, i.tag_norm,
    coalesce(i.status, 'wanted') AS status, s.status_raw, s.closed_on, s.close_reason, s.extra,
    -- for warnings
    s.initiator_raw, s.heads_raw, s.closed_raw, i.object_kind IS NULL AND s.object_raw IS NOT NULL AS unknown_kind,
    i.status IS NULL AND s.status_raw IS NOT NULL AS unknown_status
FROM ingest_stage s
LEFT JOIN ingest_ids i USING (rid)
WHERE s.reject_reason IS NULL;

CREATE OR REPLACE TEMP TABLE ingest_keys_multi AS
SELECT bulletin_no FROM ingest_ready GROUP BY bulletin_no HAVING count(*) > 1;

CREATE OR REPLACE TEMP TABLE ingest_versions AS
WITH multi AS (
    SELECT r.rid, row_number() OVER (PARTITION BY r.bulletin_no, r.row_hash ORDER BY r.line_no) AS dup_rank
    FROM ingest_ready r SEMI JOIN ingest_keys_multi k ON k.bulletin_no = r.bulletin_no
), distinct_multi AS (
    SELECT m.rid,
           row_number() OVER (PARTITION BY r.bulletin_no ORDER BY r.line_no) AS ver,
           count(*) OVER (PARTITION BY r.bulletin_no) AS nver
    FROM multi m JOIN ingest_ready r USING (rid)
    WHERE m.dup_rank = 1
)
SELECT r.rid, coalesce(d.ver, CASE WHEN m.rid IS NULL THEN 1 END) AS ver,
       coalesce(d.nver, CASE WHEN m.rid IS NULL THEN 1 END) AS nver
FROM ingest_ready r
LEFT JOIN multi m USING (rid)
LEFT JOIN distinct_multi d USING (rid);

CREATE OR REPLACE TEMP TABLE ingest_outcome AS
SELECT
    v.rid, v.ver, v.nver, r.bulletin_no,
    e.bulletin_no IS NOT NULL AS existed,
    CASE
        WHEN v.ver IS NULL THEN 'duplicate'
        WHEN v.ver > 1 THEN 'updated'
        WHEN e.bulletin_no IS NULL THEN 'accepted'
        WHEN (r.bulletin_key, r.sent_on, r.initiator_side, r.unit, r.case_ref, r.object_kind, r.object_raw,
              r.make_model, r.color, r.plate_raw, r.plate_norm, r.vin_raw, r.vin_norm, r.imei_raw, r.imei_norm,
              r.imei_valid, r.serial_raw, r.serial_norm, r.livestock_kind, r.heads, r.tag_raw, r.tag_norm, r.status,
              r.status_raw, r.closed_on, r.close_reason, CAST(r.extra AS VARCHAR))
             IS NOT DISTINCT FROM
             (e.bulletin_key, e.sent_on, e.initiator_side, e.unit, e.case_ref, e.object_kind, e.object_raw,
              e.make_model, e.color, e.plate_raw, e.plate_norm, e.vin_raw, e.vin_norm, e.imei_raw, e.imei_norm,
              e.imei_valid, e.serial_raw, e.serial_norm, e.livestock_kind, e.heads, e.tag_raw, e.tag_norm, e.status,
              e.status_raw, e.closed_on, e.close_reason, CAST(e.extra AS VARCHAR))
            THEN 'duplicate'
        ELSE 'updated'
    END AS outcome
FROM ingest_versions v
JOIN ingest_ready r USING (rid)
LEFT JOIN bulletins e ON e.bulletin_no = r.bulletin_no;

CREATE OR REPLACE TEMP TABLE ingest_replace_keys AS
SELECT DISTINCT bulletin_no FROM ingest_outcome WHERE existed AND outcome = 'updated';

INSERT INTO bulletins_history BY NAME
SELECT e.*, p.upload_id AS replaced_by
FROM bulletins e SEMI JOIN ingest_replace_keys k ON k.bulletin_no = e.bulletin_no, ingest_params p;

INSERT INTO bulletins_history BY NAME
SELECT r.* EXCLUDE (rid, line_no, row_hash, period_day, initiator_raw, heads_raw, closed_raw, unknown_kind,
                    unknown_status),
       p.upload_id AS upload_id, p.upload_id AS replaced_by
FROM ingest_outcome o JOIN ingest_ready r USING (rid), ingest_params p
WHERE o.ver < o.nver AND o.outcome <> 'duplicate';

CREATE OR REPLACE TEMP TABLE ingest_final AS
SELECT r.* EXCLUDE (rid, line_no, row_hash, period_day, initiator_raw, heads_raw, closed_raw, unknown_kind,
                    unknown_status),
       o.existed
FROM ingest_outcome o JOIN ingest_ready r USING (rid)
WHERE o.ver = o.nver AND o.outcome <> 'duplicate';

DELETE FROM bulletins USING ingest_final f WHERE f.existed AND bulletins.bulletin_no = f.bulletin_no;

INSERT INTO bulletins BY NAME
SELECT f.* EXCLUDE (existed), p.upload_id AS upload_id
FROM ingest_final f, ingest_params p;

INSERT INTO warnings (upload_id, line_no, field, reason, value)
WITH w AS (
    SELECT r.* FROM ingest_ready r SEMI JOIN ingest_outcome o ON o.rid = r.rid AND o.outcome <> 'duplicate'
)
SELECT p.upload_id, x.line_no, x.field, x.reason, x.value
FROM (
    SELECT line_no, 'closed_on' AS field, 'bad_date' AS reason, closed_raw AS value
    FROM w WHERE closed_raw IS NOT NULL AND closed_on IS NULL
    UNION ALL
    SELECT line_no, 'heads', 'bad_number', heads_raw FROM w WHERE heads_raw IS NOT NULL AND heads IS NULL
    UNION ALL
    SELECT line_no, 'initiator_side', 'unknown_side', initiator_raw
    FROM w WHERE initiator_raw IS NOT NULL AND ingest_side(initiator_raw) IS NULL
    UNION ALL
    SELECT line_no, 'object_kind', 'unknown_object_kind', object_raw FROM w WHERE unknown_kind
    UNION ALL
    SELECT line_no, 'status', 'unknown_status', status_raw FROM w WHERE unknown_status
    UNION ALL
    SELECT line_no, 'imei', 'invalid_imei', imei_raw FROM w WHERE imei_raw IS NOT NULL AND NOT coalesce(imei_valid, false)
    UNION ALL
    SELECT line_no, 'vin', 'invalid_vin', vin_raw FROM w WHERE vin_raw IS NOT NULL AND vin_norm IS NULL
) x, ingest_params p;
