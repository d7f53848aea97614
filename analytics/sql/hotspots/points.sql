-- Geocoded incidents for the hotspot analyses. The caller appends the filter conditions (" AND ...", bound
-- parameters from analytics.filters.where_clause) and nothing else.
SELECT side, source_id, registered_on, coalesce(occurred_at::DATE, registered_on) AS event_date,
       category, oblast, district, settlement, lat, lon, h3_r7, border_km
FROM {incidents}
WHERE geo_ok
