-- ageing.sql without confirmed matches (see state_plain.sql): open bulletins as of $as_of counted per initiating
-- side and ageing bucket straight from the bulletins; the direction label is put on the few counted rows.
WITH counts AS (
    SELECT CASE initiator_side WHEN 'KZ' THEN 'KZ→KG' WHEN 'KG' THEN 'KG→KZ' ELSE initiator_side END AS direction,
           position, open
    FROM (
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
    )
)
SELECT d.direction, b.age_bucket, coalesce(c.open, 0)::BIGINT AS open
FROM (SELECT DISTINCT direction FROM counts) d
CROSS JOIN (VALUES ('0-30', 1), ('31-90', 2), ('91-365', 3), ('>365', 4)) b(age_bucket, position)
LEFT JOIN counts c ON c.direction = d.direction AND c.position = b.position
ORDER BY CASE d.direction WHEN 'KZ→KG' THEN 0 WHEN 'KG→KZ' THEN 1 ELSE 2 END, d.direction, b.position
