-- Matches with what an analyst needs to judge them: both records side by side. $status NULL = every status;
-- $limit NULL = all. Matches are ordered and cut first, so only the rows shown are joined.
WITH m AS (
    SELECT * FROM matches
    WHERE $status::VARCHAR IS NULL OR status = $status::VARCHAR
    ORDER BY status = 'proposed' DESC, proposed_at DESC, bulletin_no, ref_id
    LIMIT $limit::BIGINT
)
SELECT m.bulletin_no, m.ref_kind, m.ref_id, m.match_key, m.key_value, m.method, m.verified_by, m.status,
       m.proposed_at, m.decided_by, m.decided_at,
       b.initiator_side, b.object_kind, b.sent_on, b.status AS bulletin_status, b.make_model,
       coalesce(b.plate_raw, b.vin_raw, b.imei_raw, b.serial_raw, b.tag_raw) AS bulletin_identifier,
       coalesce(f.side, i.side) AS found_by_side,
       coalesce(f.found_at::DATE, i.registered_on) AS found_on,
       -- an incident's settlement is not shown: it may be hidden from the other side by the sharing policy
       f.place AS place,
       coalesce(f.plate_raw, f.vin_raw, f.imei_raw, f.serial_raw, f.tag_raw) AS found_identifier,
       f.bulletin_ref, f.result
FROM m
LEFT JOIN bulletins b ON b.bulletin_no = m.bulletin_no
LEFT JOIN finds f ON m.ref_kind = 'find' AND f.find_id = m.ref_id
LEFT JOIN incidents i ON m.ref_kind = 'incident' AND i.side = split_part(m.ref_id, ':', 1)
    AND i.source_id = substr(m.ref_id, strpos(m.ref_id, ':') + 1)
ORDER BY m.status = 'proposed' DESC, m.proposed_at DESC, m.bulletin_no, m.ref_id
