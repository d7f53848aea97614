-- Geocoded incidents that may lie in one H3 cell (analytics.hotspots.data.r7_range): stored r7 cell in
-- [$1, $2] or in the list $3, or no stored cell; the caller keeps those inside the cell. Same columns as
-- points.sql. The caller appends the filter conditions and the ORDER BY.
SELECT side, source_id, registered_on, coalesce(occurred_at::DATE, registered_on) AS event_date,
       category, oblast, district, settlement, lat, lon, h3_r7, border_km
FROM {incidents}
WHERE geo_ok AND (h3_r7 BETWEEN ? AND ? OR list_contains(?::UBIGINT[], h3_r7) OR coalesce(h3_r7, 0) = 0)
