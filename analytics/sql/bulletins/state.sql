-- Per-bulletin lifecycle state as of $as_of (a CTE prefix: the query that follows selects FROM state).
-- found_on: the first confirmed find (or fabula) of the bulletin, or closed_on of a found/returned bulletin,
-- whichever is earlier; a found/returned bulletin without closed_on counts as found with an unknown date.
WITH first_find AS (
    SELECT m.bulletin_no, min(coalesce(f.found_at::DATE, i.registered_on)) AS first_found_on
    FROM matches m
    LEFT JOIN finds f ON m.ref_kind = 'find' AND f.find_id = m.ref_id
    -- ref_id is 'side:source_id': split it rather than build the key of every incident
    LEFT JOIN incidents i ON m.ref_kind = 'incident' AND i.side = split_part(m.ref_id, ':', 1)
        AND i.source_id = substr(m.ref_id, strpos(m.ref_id, ':') + 1)
    WHERE m.status = 'confirmed'
    GROUP BY m.bulletin_no
),
dated AS (
    SELECT b.*,
           CASE b.initiator_side WHEN 'KZ' THEN 'KZ→KG' WHEN 'KG' THEN 'KG→KZ' ELSE b.initiator_side END AS direction,
           least(
               CASE WHEN ff.first_found_on <= $as_of::DATE THEN ff.first_found_on END,
               CASE WHEN b.status IN ('found', 'returned') AND b.closed_on <= $as_of::DATE THEN b.closed_on END
           ) AS found_on,
           b.status IN ('found', 'returned') AND (b.closed_on IS NULL OR b.closed_on <= $as_of::DATE) AS closed_found
    FROM bulletins b
    LEFT JOIN first_find ff USING (bulletin_no)
    WHERE b.sent_on <= $as_of::DATE
),
flagged AS (
    SELECT *,
           found_on IS NOT NULL OR closed_found AS is_found,
           status = 'returned' AND (closed_on IS NULL OR closed_on <= $as_of::DATE) AS is_returned
    FROM dated
),
state AS (
    SELECT *,
           NOT is_found AND status = 'withdrawn' AND (closed_on IS NULL OR closed_on <= $as_of::DATE) AS is_withdrawn,
           NOT is_found AND NOT (status = 'withdrawn' AND (closed_on IS NULL OR closed_on <= $as_of::DATE)) AS is_open,
           -- a find made in the grace days before the bulletin was sent took 0 days, not a negative number
           CASE WHEN found_on IS NOT NULL THEN greatest(0, found_on - sent_on) END AS days_to_find,
           $as_of::DATE - sent_on AS age_days
    FROM flagged
)
