-- Per-bulletin lifecycle state as of $as_of (a CTE prefix: the query that follows selects FROM state).
-- found_on: the first confirmed find (or fabula) of the bulletin, or closed_on of a found/returned bulletin,
-- whichever is earlier; a found/returned bulletin without closed_on counts as found with an unknown date.
-- Inner joins from the (few) confirmed matches: with none, the finds and incidents are not read at all. A confirmed
-- match whose record is gone gives no date, as before (min over nothing).
-- Narrow on purpose: state carries row_id (the bulletin's rowid), not bulletin_no or details. The first finds are
-- tied to their bulletins' rows through the primary-key index, so the scan of every bulletin joins on an integer
-- and never decompresses the bulletin numbers (the largest cost at 100k bulletins); callers that show bulletins
-- pick their rows first and fetch the details of those rows only.
WITH confirmed AS NOT MATERIALIZED (
    SELECT bulletin_no, ref_kind, ref_id FROM matches WHERE status = 'confirmed'
),
first_find AS NOT MATERIALIZED (
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
found_rows AS NOT MATERIALIZED (
    -- only first finds made by $as_of count (a later one leaves the bulletin open at $as_of)
    SELECT b.rowid AS row_id, ff.first_found_on
    FROM first_find ff JOIN bulletins b ON b.bulletin_no = ff.bulletin_no
    WHERE ff.first_found_on <= $as_of::DATE
),
rows_as_of AS (
    -- two branches instead of a left join: with no confirmed find (the usual case) the second is empty and the
    -- first needs no join at all, so the bulletins are scanned once on their narrow columns
    SELECT b.rowid AS row_id, NULL::DATE AS first_found_on, b.sent_on, b.initiator_side, b.object_kind, b.status,
           b.closed_on
    FROM bulletins b
    WHERE b.sent_on <= $as_of::DATE AND b.rowid NOT IN (SELECT row_id FROM found_rows)
    UNION ALL
    SELECT b.rowid, fr.first_found_on, b.sent_on, b.initiator_side, b.object_kind, b.status, b.closed_on
    FROM found_rows fr JOIN bulletins b ON b.rowid = fr.row_id
    WHERE b.sent_on <= $as_of::DATE
),
flagged AS (
    SELECT row_id, sent_on, object_kind, status, closed_on,
           CASE initiator_side WHEN 'KZ' THEN 'KZ→KG' WHEN 'KG' THEN 'KG→KZ' ELSE initiator_side END AS direction,
           least(
               first_found_on,
               CASE WHEN status IN ('found', 'returned') AND closed_on <= $as_of::DATE THEN closed_on END
           ) AS found_on,
           first_found_on IS NOT NULL
               OR (status IN ('found', 'returned') AND (closed_on IS NULL OR closed_on <= $as_of::DATE)) AS is_found,
           status = 'returned' AND (closed_on IS NULL OR closed_on <= $as_of::DATE) AS is_returned,
           status = 'withdrawn' AND (closed_on IS NULL OR closed_on <= $as_of::DATE) AS closed_withdrawn
    FROM rows_as_of
),
state AS (
    SELECT row_id, sent_on, object_kind, direction, found_on, is_found, is_returned,
           NOT is_found AND closed_withdrawn AS is_withdrawn,
           NOT is_found AND NOT closed_withdrawn AS is_open,
           -- a find made in the grace days before the bulletin was sent took 0 days, not a negative number
           CASE WHEN found_on IS NOT NULL THEN greatest(0, found_on - sent_on) END AS days_to_find,
           $as_of::DATE - sent_on AS age_days
    FROM flagged
)
