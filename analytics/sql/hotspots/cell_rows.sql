-- cell_points.sql without the event date, for a cell's incident table (analytics.hotspots.data.load_cell_rows):
-- the caller appends one cell condition of CELL_CONDITIONS and the filter conditions, and unites the parts.
SELECT side, source_id, registered_on, category, oblast, district, settlement, lat, lon, h3_r7, border_km
FROM {incidents}
WHERE geo_ok
