-- Rebuild bulletin_state (migration 061) from the bulletins and their confirmed matches; run after
-- DELETE FROM bulletin_state. Same first-find rule as state.sql, but not cut at a date: the readers cut at $as_of.
-- Ordered by sent_on so that the zonemaps of sent_on skip what a date range leaves out.
INSERT INTO bulletin_state (row_id, sent_on, direction, object_kind, status_code, closed_on, first_found_on)
WITH confirmed AS (
    SELECT bulletin_no, ref_kind, ref_id FROM matches WHERE status = 'confirmed'
),
first_find AS (
    SELECT bulletin_no, min(found_on) AS first_found_on
    FROM (
        SELECT c.bulletin_no, f.found_at::DATE AS found_on
        FROM confirmed c JOIN finds f ON c.ref_kind = 'find' AND f.find_id = c.ref_id
        UNION ALL
        SELECT c.bulletin_no, i.registered_on
        FROM confirmed c JOIN incidents i ON c.ref_kind = 'incident' AND i.side = split_part(c.ref_id, ':', 1)
            AND i.source_id = substr(c.ref_id, strpos(c.ref_id, ':') + 1)
    )
    GROUP BY bulletin_no
)
SELECT b.rowid, b.sent_on,
       CASE b.initiator_side WHEN 'KZ' THEN 'KZ→KG' WHEN 'KG' THEN 'KG→KZ' ELSE b.initiator_side END,
       b.object_kind,
       CASE b.status WHEN 'found' THEN 1 WHEN 'returned' THEN 2 WHEN 'withdrawn' THEN 3 ELSE 0 END,
       b.closed_on, ff.first_found_on
FROM bulletins b LEFT JOIN first_find ff USING (bulletin_no)
ORDER BY b.sent_on, b.rowid
