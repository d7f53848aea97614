-- Open bulletins as of $as_of counted per initiating side and ageing bucket position (1 = 0–30 days … 4 = over 365),
-- from the bulletins alone: the first confirmed find is kept on the bulletin's row (first_found_on, migration 100).
-- Open = not found by a confirmed find made by $as_of, and not found/returned/withdrawn by its own status as of
-- $as_of. The direction labels, the empty buckets and the order are put on the few rows by bulletins.ageing_counts.
SELECT initiator_side,
       1 + (age_days > 30)::INTEGER + (age_days > 90)::INTEGER + (age_days > 365)::INTEGER AS position,
       count(*) AS open
FROM (
    SELECT initiator_side, $as_of::DATE - sent_on AS age_days
    FROM bulletins
    WHERE sent_on <= $as_of::DATE
      AND NOT coalesce(first_found_on <= $as_of::DATE, false)
      AND NOT (status IN ('found', 'returned', 'withdrawn') AND (closed_on IS NULL OR closed_on <= $as_of::DATE))
)
GROUP BY ALL
