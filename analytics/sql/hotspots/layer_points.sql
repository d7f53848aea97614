-- Geocoded incidents for the map layers that need single points (density, emerging hot spots): numeric
-- columns only, in the order of points.sql. The caller appends the filter conditions and the ORDER BY.
SELECT lat, lon, h3_r7, registered_on
FROM {incidents}
WHERE geo_ok
