-- Matches with what an analyst needs to judge them: both records side by side. $status NULL = every status;
-- $limit NULL = all. Proposed first, newest first; pairs proposed together (one load) newest-inserted first: the
-- row id orders them, an integer, so the cut of the first $limit never compares the text keys of every match.
-- Matches are ordered and cut first, so only the rows shown are joined. The found date and an incident's side are
-- on the match itself (matches.found_on; ref_id is 'side:source_id'), so the 1M incidents are not joined.
WITH m AS (
    SELECT *, rowid AS seq FROM matches
    WHERE $status::VARCHAR IS NULL OR status = $status::VARCHAR
    ORDER BY status = 'proposed' DESC, proposed_at DESC, rowid DESC
    LIMIT $limit::BIGINT
)
SELECT m.bulletin_no, m.ref_kind, m.ref_id, m.match_key, m.key_value, m.method, m.verified_by, m.status,
       m.proposed_at, m.decided_by, m.decided_at,
       b.initiator_side, b.object_kind, b.sent_on, b.status AS bulletin_status, b.make_model,
       coalesce(b.plate_raw, b.vin_raw, b.imei_raw, b.serial_raw, b.tag_raw) AS bulletin_identifier,
       coalesce(f.side, CASE WHEN m.ref_kind = 'incident' THEN split_part(m.ref_id, ':', 1) END) AS found_by_side,
       m.found_on,
       -- an incident's settlement is not shown: it may be hidden from the other side by the sharing policy
       f.place AS place,
       coalesce(f.plate_raw, f.vin_raw, f.imei_raw, f.serial_raw, f.tag_raw) AS found_identifier,
       f.bulletin_ref, f.result
FROM m
LEFT JOIN bulletins b ON b.bulletin_no = m.bulletin_no
LEFT JOIN finds f ON m.ref_kind = 'find' AND f.find_id = m.ref_id
ORDER BY m.status = 'proposed' DESC, m.proposed_at DESC, m.seq DESC
