-- kpis.sql without confirmed matches (see state_plain.sql): one grouped pass over the bulletins sent in
-- [$start, $end] and by $as_of; the direction label is put on the grouped rows, both quantiles in one aggregate.
SELECT direction, object_kind, month, sent, found, returned, withdrawn, open, resolution_rate,
       quantiles[1]::DOUBLE AS median_days, quantiles[2]::DOUBLE AS p90_days
FROM (
    SELECT CASE initiator_side WHEN 'KZ' THEN 'KZ→KG' WHEN 'KG' THEN 'KG→KZ' ELSE initiator_side END AS direction,
           CASE WHEN grouping(object_kind) = 1 THEN 'all' ELSE object_kind END AS object_kind,
           grouping(object_kind) AS all_kinds,
           month,
           count(*) AS sent,
           count(*) FILTER (WHERE is_found) AS found,
           count(*) FILTER (WHERE is_returned) AS returned,
           count(*) FILTER (WHERE is_withdrawn) AS withdrawn,
           count(*) FILTER (WHERE NOT is_found AND NOT is_withdrawn) AS open,
           count(*) FILTER (WHERE is_found) / count(*) AS resolution_rate,
           quantile_cont(days_to_find, [0.5, 0.9]) AS quantiles
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
    GROUP BY GROUPING SETS ((initiator_side, object_kind, month), (initiator_side, month))
)
ORDER BY direction DESC, month NULLS FIRST, all_kinds DESC, object_kind
