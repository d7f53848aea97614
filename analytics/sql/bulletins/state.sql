-- Per-bulletin lifecycle state as of $as_of (a CTE prefix: the query that follows selects FROM state).
-- found_on: the first confirmed find (or fabula) of the bulletin, or closed_on of a found/returned bulletin,
-- whichever is earlier; a found/returned bulletin without closed_on counts as found with an unknown date.
-- Inner joins from the (few) confirmed matches: with none, the finds and incidents are not read at all. A confirmed
-- match whose record is gone gives no date, as before (min over nothing).
WITH confirmed AS (
    SELECT bulletin_no, ref_kind, ref_id FROM matches WHERE status = 'confirmed'
),
first_find AS (
    SELECT bulletin_no, min(found_on) AS first_found_on
    FROM (
        SELECT c.bulletin_no, f.found_at::DATE AS found_on
        FROM confirmed c JOIN finds f ON c.ref_kind = 'find' AND f.find_id = c.ref_id
        UNION ALL
        -- ref_id is 'side:source_id': split it rather than build the key of every incident
        SELECT c.bulletin_no, i.registered_on
        FROM confirmed c JOIN incidents i ON c.ref_kind = 'incident' AND i.side = split_part(c.ref_id, ':', 1)
            AND i.source_id = substr(c.ref_id, strpos(c.ref_id, ':') + 1)
    )
    GROUP BY bulletin_no
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
