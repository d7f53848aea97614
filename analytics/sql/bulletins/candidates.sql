-- New match candidates: one row per (bulletin, find|incident) pair not yet in `matches` (any status, so a
-- rejected pair never comes back). Registered frames: find_ref_keys(bulletin_ref, ref_key) — normalised
-- bulletin numbers written on finds; bulletin_keys(bulletin_no, bulletin_key) — keys of bulletins whose
-- bulletin_key column is empty.
-- Parameters: $same_side (also match finds made by the initiating side itself), $grace_days (a find up to this many days
-- before the bulletin was sent still counts), $min_len (shorter plate/serial/tag keys are not unique enough).
WITH b AS (
    SELECT bulletin_no, initiator_side, object_kind, sent_on, closed_on,
           coalesce(bk.bulletin_key, bl.bulletin_key) AS bulletin_key,
           plate_norm, vin_norm, imei_norm, serial_norm, tag_norm
    FROM bulletins bl LEFT JOIN bulletin_keys bk USING (bulletin_no)
),
bkeys AS (
    SELECT bulletin_no, initiator_side, sent_on, closed_on, 'vin' AS k, vin_norm AS v FROM b WHERE vin_norm IS NOT NULL
    UNION ALL
    SELECT bulletin_no, initiator_side, sent_on, closed_on, 'imei', imei_norm FROM b WHERE imei_norm IS NOT NULL
    UNION ALL
    SELECT bulletin_no, initiator_side, sent_on, closed_on, 'serial', serial_norm FROM b
        WHERE length(serial_norm) >= $min_len
    UNION ALL
    SELECT bulletin_no, initiator_side, sent_on, closed_on, 'tag', tag_norm FROM b WHERE length(tag_norm) >= $min_len
    UNION ALL
    SELECT bulletin_no, initiator_side, sent_on, closed_on, 'plate', plate_norm FROM b
        WHERE length(plate_norm) >= $min_len
),
refs AS (
    SELECT 'find' AS ref_kind, find_id AS ref_id, side, found_at::DATE AS ref_on, 'vin' AS k, vin_norm AS v
        FROM finds WHERE vin_norm IS NOT NULL
    UNION ALL
    SELECT 'find', find_id, side, found_at::DATE, 'imei', imei_norm FROM finds
        WHERE imei_norm IS NOT NULL AND imei_valid IS NOT false
    UNION ALL
    SELECT 'find', find_id, side, found_at::DATE, 'serial', serial_norm FROM finds WHERE serial_norm IS NOT NULL
    UNION ALL
    SELECT 'find', find_id, side, found_at::DATE, 'tag', tag_norm FROM finds WHERE tag_norm IS NOT NULL
    UNION ALL
    SELECT 'find', find_id, side, found_at::DATE, 'plate', plate_norm FROM finds WHERE plate_norm IS NOT NULL
    UNION ALL
    SELECT 'incident', i.side || ':' || i.source_id, i.side, i.registered_on, ii.kind, ii.key_value
        FROM incident_identifiers ii
        JOIN incidents i ON i.side = ii.side AND i.source_id = ii.source_id AND md5(i.summary) = ii.summary_md5
),
key_hits AS (
    SELECT bk.bulletin_no, r.ref_kind, r.ref_id, r.k AS match_key, r.v AS key_value,
           'exact-normalised' AS method, NULL::VARCHAR AS verified_by,
           CASE r.k WHEN 'vin' THEN 1 WHEN 'imei' THEN 2 WHEN 'serial' THEN 3 WHEN 'tag' THEN 4 ELSE 5 END AS priority
    FROM bkeys bk
    JOIN refs r ON r.k = bk.k AND r.v = bk.v
    -- an incident of the initiating side is usually the theft case itself: only the other side's count
    WHERE (r.side <> bk.initiator_side OR ($same_side AND r.ref_kind = 'find'))
      -- the find happened while the bulletin was open (with a grace period before it was sent)
      AND r.ref_on >= bk.sent_on - to_days($grace_days)
      AND (bk.closed_on IS NULL OR r.ref_on <= bk.closed_on)
),
-- A plate moves from car to car; when both sides carry a VIN and the VINs differ, a plate hit is a different car.
key_hits_checked AS (
    SELECT h.* FROM key_hits h
    WHERE NOT (
        h.match_key = 'plate' AND h.ref_kind = 'find' AND EXISTS (
            SELECT 1 FROM b JOIN finds f ON f.find_id = h.ref_id
            WHERE b.bulletin_no = h.bulletin_no AND b.vin_norm IS NOT NULL
              AND nullif(trim(f.vin_raw), '') IS NOT NULL AND f.vin_norm IS DISTINCT FROM b.vin_norm))
),
-- A bulletin number written on a find counts when nothing contradicts it: no identifier present on both
-- with different keys (an invalid IMEI/VIN on the find where the bulletin has one counts as different), and
-- the object kinds agree. verified_by names the first identifier that agreed.
number_pairs AS (
    SELECT b.bulletin_no, f.find_id, f.side, b.initiator_side, b.bulletin_key,
        b.object_kind AS b_kind, f.object_kind AS f_kind,
        b.vin_norm = f.vin_norm AS vin_ok,
        b.imei_norm = f.imei_norm AS imei_ok,
        b.serial_norm = f.serial_norm AS serial_ok,
        b.tag_norm = f.tag_norm AS tag_ok,
        b.plate_norm = f.plate_norm AS plate_ok,
        (b.vin_norm IS NOT NULL AND nullif(trim(f.vin_raw), '') IS NOT NULL
            AND f.vin_norm IS DISTINCT FROM b.vin_norm)
        OR (b.imei_norm IS NOT NULL AND nullif(trim(f.imei_raw), '') IS NOT NULL
            AND f.imei_norm IS DISTINCT FROM b.imei_norm)
        OR (b.serial_norm IS NOT NULL AND f.serial_norm IS NOT NULL AND f.serial_norm <> b.serial_norm)
        OR (b.tag_norm IS NOT NULL AND f.tag_norm IS NOT NULL AND f.tag_norm <> b.tag_norm)
        OR (b.plate_norm IS NOT NULL AND f.plate_norm IS NOT NULL AND f.plate_norm <> b.plate_norm) AS conflict
    FROM finds f
    JOIN find_ref_keys r ON r.bulletin_ref = f.bulletin_ref
    JOIN b ON b.bulletin_key = r.ref_key
),
number_hits AS (
    SELECT bulletin_no, 'find' AS ref_kind, find_id AS ref_id, 'bulletin_no' AS match_key, bulletin_key AS key_value,
           'bulletin-number' AS method,
           CASE WHEN vin_ok THEN 'vin' WHEN imei_ok THEN 'imei' WHEN serial_ok THEN 'serial'
                WHEN tag_ok THEN 'tag' WHEN plate_ok THEN 'plate' END AS verified_by,
           0 AS priority
    FROM number_pairs
    WHERE NOT conflict
      AND ($same_side OR side <> initiator_side)
      AND (b_kind IS NULL OR f_kind IS NULL OR b_kind = 'other' OR f_kind = 'other' OR b_kind = f_kind)
),
all_hits AS (
    SELECT * FROM key_hits_checked
    UNION ALL
    SELECT * FROM number_hits
)
SELECT bulletin_no, ref_kind, ref_id, match_key, key_value, method, verified_by
FROM all_hits h
WHERE NOT EXISTS (
    SELECT 1 FROM matches m
    WHERE m.bulletin_no = h.bulletin_no AND m.ref_kind = h.ref_kind AND m.ref_id = h.ref_id)
-- one proposal per pair, by the strongest evidence: verified number, then VIN, IMEI, serial, tag, plate
QUALIFY row_number() OVER (PARTITION BY bulletin_no, ref_kind, ref_id ORDER BY priority, key_value) = 1
