-- Open bulletins as of $as_of counted per direction and ageing bucket: every bucket of each direction that has
-- open bulletins (0 where none), directions KZ→KG, KG→KZ first. Appended to state.sql.
-- The bucket is counted as its position (an integer per row, not a label string); labels join the few counts.
, counts AS (
    SELECT direction,
           1 + (age_days > 30)::INTEGER + (age_days > 90)::INTEGER + (age_days > 365)::INTEGER AS position,
           count(*) AS open
    FROM state
    WHERE is_open
    GROUP BY ALL
)
SELECT d.direction, b.age_bucket, coalesce(c.open, 0)::BIGINT AS open
FROM (SELECT DISTINCT direction FROM counts) d
CROSS JOIN (VALUES ('0-30', 1), ('31-90', 2), ('91-365', 3), ('>365', 4)) b(age_bucket, position)
LEFT JOIN counts c ON c.direction = d.direction AND c.position = b.position
ORDER BY CASE d.direction WHEN 'KZ→KG' THEN 0 WHEN 'KG→KZ' THEN 1 ELSE 2 END, d.direction, b.position
