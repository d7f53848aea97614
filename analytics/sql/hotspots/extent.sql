-- Coordinate extent of the geocoded incidents (the H3 resolution is chosen from it). Filter conditions appended.
SELECT min(lat) AS lat_min, max(lat) AS lat_max, min(lon) AS lon_min, max(lon) AS lon_max
FROM {incidents}
WHERE geo_ok
