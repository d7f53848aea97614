-- Geocoded incidents per stored H3 r7 cell; rows without a stored cell form one group with h3_r7 = 0.
-- The caller appends the filter conditions, then " GROUP BY 1".
SELECT coalesce(h3_r7, 0)::UBIGINT AS h3_r7, count(*) AS count
FROM {incidents}
WHERE geo_ok
