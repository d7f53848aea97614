-- Lifecycle counts of the bulletins sent in [$start, $end] and by $as_of, from the bulletins alone (the first
-- confirmed find is kept on the row: first_found_on, migration 100): one grouped pass gives each (initiating side,
-- kind, month sent when $monthly) its counts and the list of its days to find. bulletins.bulletin_kpis labels the
-- directions, adds the 'all' rows (sums, and the quantiles of the joined lists) and orders the few rows in Python —
-- GROUPING SETS would materialise every bulletin of the period and group it twice.
-- found: a confirmed find made by $as_of, or status found/returned and closed by $as_of (or closing date unknown);
-- found_on: the earlier of the first find and that closing date; returned and withdrawn likewise by status, a
-- found bulletin is never counted withdrawn.
SELECT initiator_side, object_kind, month,
       count(*) AS sent,
       count(*) FILTER (WHERE is_found) AS found,
       count(*) FILTER (WHERE is_returned) AS returned,
       count(*) FILTER (WHERE closed_withdrawn AND NOT is_found) AS withdrawn,
       list(days_to_find) FILTER (WHERE days_to_find IS NOT NULL) AS days
FROM (
    SELECT initiator_side, object_kind, month, is_returned, closed_withdrawn,
           found_on IS NOT NULL OR closed_found AS is_found,
           -- a find made in the grace days before the bulletin was sent took 0 days, not a negative number
           CASE WHEN found_on IS NOT NULL THEN greatest(0, found_on - sent_on) END AS days_to_find
    FROM (
        SELECT initiator_side, object_kind, sent_on,
               CASE WHEN $monthly THEN date_trunc('month', sent_on)::DATE END AS month,
               least(
                   CASE WHEN first_found_on <= $as_of::DATE THEN first_found_on END,
                   CASE WHEN status IN ('found', 'returned') AND closed_on <= $as_of::DATE THEN closed_on END
               ) AS found_on,
               status IN ('found', 'returned') AND (closed_on IS NULL OR closed_on <= $as_of::DATE) AS closed_found,
               status = 'returned' AND (closed_on IS NULL OR closed_on <= $as_of::DATE) AS is_returned,
               status = 'withdrawn' AND (closed_on IS NULL OR closed_on <= $as_of::DATE) AS closed_withdrawn
        FROM bulletins
        WHERE sent_on <= $as_of::DATE
          AND ($start::DATE IS NULL OR sent_on >= $start::DATE) AND ($end::DATE IS NULL OR sent_on <= $end::DATE)
    )
)
GROUP BY ALL
