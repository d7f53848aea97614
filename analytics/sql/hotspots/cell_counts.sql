-- Geocoded incidents per stored H3 r7 cell, with the coordinate extent of each cell's incidents (the
-- resolution is chosen from the extent). Rows without a stored cell form one group with h3_r7 = 0.
-- The caller appends the filter conditions, then " GROUP BY 1".
SELECT coalesce(h3_r7, 0)::UBIGINT AS h3_r7, count(*) AS count,
       min(lat) AS lat_min, max(lat) AS lat_max, min(lon) AS lon_min, max(lon) AS lon_max
FROM {incidents}
WHERE geo_ok
