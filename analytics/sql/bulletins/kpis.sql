-- Lifecycle KPIs per direction and object kind (object_kind 'all' = every kind of the direction), for the
-- bulletins SENT in [$start, $end] (cohort by the month sent when $monthly). Appended to state.sql.
SELECT direction,
       CASE WHEN grouping(object_kind) = 1 THEN 'all' ELSE object_kind END AS object_kind,
       month,
       count(*) AS sent,
       count(*) FILTER (WHERE is_found) AS found,
       count(*) FILTER (WHERE is_returned) AS returned,
       count(*) FILTER (WHERE is_withdrawn) AS withdrawn,
       count(*) FILTER (WHERE is_open) AS open,
       count(*) FILTER (WHERE is_found) / count(*) AS resolution_rate,
       quantile_cont(days_to_find, 0.5) AS median_days,
       quantile_cont(days_to_find, 0.9) AS p90_days
FROM (
    SELECT *, CASE WHEN $monthly THEN date_trunc('month', sent_on)::DATE END AS month
    FROM state
    WHERE ($start::DATE IS NULL OR sent_on >= $start::DATE) AND ($end::DATE IS NULL OR sent_on <= $end::DATE)
)
GROUP BY GROUPING SETS ((direction, object_kind, month), (direction, month))
ORDER BY direction DESC, month NULLS FIRST, grouping(object_kind) DESC, object_kind
