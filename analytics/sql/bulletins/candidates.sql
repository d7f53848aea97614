-- New match candidates: one row per (bulletin, find|incident) pair not yet in `matches` (any status, so a
-- rejected pair never comes back). Registered frames: find_ref_keys(bulletin_ref, ref_key) — normalised
-- bulletin numbers written on finds; bulletin_keys(bulletin_no, bulletin_key) — keys of bulletins whose
-- bulletin_key column is empty.
-- Parameters: $same_side (also match finds made by the initiating side itself), $grace_days (a find up to this many days
-- before the bulletin was sent still counts), $min_len (shorter plate/serial/tag keys are not unique enough).
-- Appended to one of candidates_{all,bulletins,finds,incidents}.sql, which define the records compared: b
-- (bulletins), fs (finds) and incident_refs (fabula keys of current incidents) — all of them, or only the rows
-- of upload $upload_id of that kind against the whole other tables (the load proposes for its own rows). A
-- separate text per scope, so that the planner sees an empty side as empty and never scans it.
, raw_hits AS (
    SELECT b.bulletin_no, b.initiator_side, b.sent_on, b.closed_on, 'find' AS ref_kind, f.find_id AS ref_id, f.side,
           f.found_at::DATE AS ref_on, 'vin' AS match_key, f.vin_norm AS key_value
    FROM b JOIN fs f ON f.vin_norm = b.vin_norm
    UNION ALL
    SELECT b.bulletin_no, b.initiator_side, b.sent_on, b.closed_on, 'find', f.find_id, f.side, f.found_at::DATE, 'imei', f.imei_norm
    FROM b JOIN fs f ON f.imei_norm = b.imei_norm AND f.imei_valid IS NOT false
    UNION ALL
    SELECT b.bulletin_no, b.initiator_side, b.sent_on, b.closed_on, 'find', f.find_id, f.side, f.found_at::DATE, 'serial',
           f.serial_norm
    FROM b JOIN fs f ON f.serial_norm = b.serial_norm AND length(b.serial_norm) >= $min_len
    UNION ALL
    SELECT b.bulletin_no, b.initiator_side, b.sent_on, b.closed_on, 'find', f.find_id, f.side, f.found_at::DATE, 'tag', f.tag_norm
    FROM b JOIN fs f ON f.tag_norm = b.tag_norm AND length(b.tag_norm) >= $min_len
    UNION ALL
    SELECT b.bulletin_no, b.initiator_side, b.sent_on, b.closed_on, 'find', f.find_id, f.side, f.found_at::DATE, 'plate',
           f.plate_norm
    FROM b JOIN fs f ON f.plate_norm = b.plate_norm AND length(b.plate_norm) >= $min_len
    UNION ALL
    SELECT b.bulletin_no, b.initiator_side, b.sent_on, b.closed_on, 'incident', r.ref_id, r.side, r.ref_on, r.kind,
           r.key_value
    FROM b JOIN incident_refs r ON r.kind = 'vin' AND r.key_value = b.vin_norm
    UNION ALL
    SELECT b.bulletin_no, b.initiator_side, b.sent_on, b.closed_on, 'incident', r.ref_id, r.side, r.ref_on, r.kind,
           r.key_value
    FROM b JOIN incident_refs r ON r.kind = 'imei' AND r.key_value = b.imei_norm
    UNION ALL
    SELECT b.bulletin_no, b.initiator_side, b.sent_on, b.closed_on, 'incident', r.ref_id, r.side, r.ref_on, r.kind,
           r.key_value
    FROM b JOIN incident_refs r ON r.kind = 'plate' AND r.key_value = b.plate_norm AND length(b.plate_norm) >= $min_len
),
key_hits AS (
    SELECT bulletin_no, ref_kind, ref_id, match_key, key_value,
           'exact-normalised' AS method, NULL::VARCHAR AS verified_by, ref_on,
           CASE match_key WHEN 'vin' THEN 1 WHEN 'imei' THEN 2 WHEN 'serial' THEN 3 WHEN 'tag' THEN 4 ELSE 5 END
               AS priority
    FROM raw_hits
    -- an incident of the initiating side is usually the theft case itself: only the other side's count
    WHERE (side <> initiator_side OR ($same_side AND ref_kind = 'find'))
      -- the find happened while the bulletin was open (with a grace period before it was sent)
      AND ref_on >= sent_on - $grace_days::INTEGER
      AND (closed_on IS NULL OR ref_on <= closed_on)
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
    SELECT b.bulletin_no, f.find_id, f.side, f.found_at::DATE AS ref_on, b.initiator_side, b.bulletin_key,
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
    FROM fs f
    JOIN find_ref_keys r ON r.bulletin_ref = f.bulletin_ref
    JOIN b ON b.bulletin_key = r.ref_key
),
number_hits AS (
    SELECT bulletin_no, 'find' AS ref_kind, find_id AS ref_id, 'bulletin_no' AS match_key, bulletin_key AS key_value,
           'bulletin-number' AS method,
           CASE WHEN vin_ok THEN 'vin' WHEN imei_ok THEN 'imei' WHEN serial_ok THEN 'serial'
                WHEN tag_ok THEN 'tag' WHEN plate_ok THEN 'plate' END AS verified_by,
           ref_on, 0 AS priority
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
SELECT bulletin_no, ref_kind, ref_id, match_key, key_value, method, verified_by, ref_on AS found_on
FROM all_hits h
WHERE NOT EXISTS (
    SELECT 1 FROM matches m
    WHERE m.bulletin_no = h.bulletin_no AND m.ref_kind = h.ref_kind AND m.ref_id = h.ref_id)
-- one proposal per pair, by the strongest evidence: verified number, then VIN, IMEI, serial, tag, plate
QUALIFY row_number() OVER (PARTITION BY bulletin_no, ref_kind, ref_id ORDER BY priority, key_value) = 1
