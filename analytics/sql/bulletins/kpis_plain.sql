-- kpis.sql without confirmed matches (see bulletins._state_sql), for the bulletins sent in [$start, $end] and by
-- $as_of. One grouped pass over the bulletins gives each (direction, kind, month) its counts and the list of its
-- days to find; the 'all' rows are summed from those few rows (their quantiles over the joined lists), so the
-- bulletins are neither grouped twice nor materialised for GROUPING SETS. The direction label is put on the
-- counted rows. list_aggregate(…, 'quantile_cont', q) is the quantile_cont aggregate of kpis.sql on a list.
WITH fine AS (
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
),
cube AS (
    SELECT initiator_side, object_kind, 0 AS all_kinds, month, sent, found, returned, withdrawn, days FROM fine
    UNION ALL
    SELECT initiator_side, 'all', 1, month, sum(sent), sum(found), sum(returned), sum(withdrawn), flatten(list(days))
    FROM fine GROUP BY initiator_side, month
)
SELECT CASE initiator_side WHEN 'KZ' THEN 'KZ→KG' WHEN 'KG' THEN 'KG→KZ' ELSE initiator_side END AS direction,
       object_kind, month, sent::BIGINT AS sent, found::BIGINT AS found, returned::BIGINT AS returned,
       withdrawn::BIGINT AS withdrawn, (sent - found - withdrawn)::BIGINT AS open, found / sent AS resolution_rate,
       list_aggregate(days, 'quantile_cont', 0.5)::DOUBLE AS median_days,
       list_aggregate(days, 'quantile_cont', 0.9)::DOUBLE AS p90_days
FROM cube
ORDER BY direction DESC, month NULLS FIRST, all_kinds DESC, object_kind
