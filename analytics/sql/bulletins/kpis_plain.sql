-- kpis.sql without confirmed matches (see bulletins._state_sql), for the bulletins sent in [$start, $end] and by
-- $as_of: one grouped pass gives each (initiating side, kind, month) its counts and the list of its days to find.
-- bulletins.bulletin_kpis labels the directions, adds the 'all' rows (sums, and the quantiles of the joined
-- lists) and orders the few rows in Python — GROUPING SETS would materialise every bulletin of the period and
-- group it twice, a second SQL pass over the groups costs more than the rows it adds.
SELECT initiator_side, object_kind, month,
       count(*) AS sent,
       count(*) FILTER (WHERE is_found) AS found,
       count(*) FILTER (WHERE is_returned) AS returned,
       count(*) FILTER (WHERE is_withdrawn) AS withdrawn,
       list(days_to_find) FILTER (WHERE days_to_find IS NOT NULL) AS days
FROM (
    SELECT initiator_side, object_kind,
           CASE WHEN $monthly THEN date_trunc('month', sent_on)::DATE END AS month,
           status IN ('found', 'returned') AND (closed_on IS NULL OR closed_on <= $as_of::DATE) AS is_found,
           status = 'returned' AND (closed_on IS NULL OR closed_on <= $as_of::DATE) AS is_returned,
           status = 'withdrawn' AND (closed_on IS NULL OR closed_on <= $as_of::DATE) AS is_withdrawn,
           -- a find made in the grace days before the bulletin was sent took 0 days, not a negative number
           CASE WHEN status IN ('found', 'returned') AND closed_on <= $as_of::DATE
                THEN greatest(0, closed_on - sent_on) END AS days_to_find
    FROM bulletins
    WHERE sent_on <= $as_of::DATE
      AND ($start::DATE IS NULL OR sent_on >= $start::DATE) AND ($end::DATE IS NULL OR sent_on <= $end::DATE)
)
GROUP BY ALL
