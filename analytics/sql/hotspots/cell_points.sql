-- Geocoded incidents that may lie in one H3 cell (analytics.hotspots.data.load_cell_points): the caller
-- appends one cell condition of CELL_CONDITIONS and the filter conditions, and unites the parts. Same
-- columns as points.sql.
SELECT side, source_id, registered_on, coalesce(occurred_at::DATE, registered_on) AS event_date,
       category, oblast, district, settlement, lat, lon, h3_r7, border_km
FROM {incidents}
WHERE geo_ok
