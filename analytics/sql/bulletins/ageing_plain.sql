-- ageing.sql without confirmed matches (see bulletins._state_sql): open bulletins as of $as_of counted per initiating
-- side and ageing bucket position (1 = 0–30 days … 4 = over 365) straight from the bulletins. The direction
-- labels, the empty buckets and the order are put on the few counted rows by bulletins.ageing_counts.
SELECT initiator_side,
       1 + (age_days > 30)::INTEGER + (age_days > 90)::INTEGER + (age_days > 365)::INTEGER AS position,
       count(*) AS open
FROM (
    SELECT initiator_side, $as_of::DATE - sent_on AS age_days
    FROM bulletins
    WHERE sent_on <= $as_of::DATE
      AND NOT (status IN ('found', 'returned', 'withdrawn') AND (closed_on IS NULL OR closed_on <= $as_of::DATE))
)
GROUP BY ALL
