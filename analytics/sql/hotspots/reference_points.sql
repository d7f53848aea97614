-- The two reference layers of the maps in one round trip (analytics.hotspots.data.reference_points):
-- border crossing points with coordinates from a real source (never invented; as crossings.sql) and
-- district seats (as settlements.sql), told apart by `layer`. Unsorted: a dozen rows are ordered in
-- Python (as the two files order them), cheaper than a string sort here.
SELECT 'crossing' AS layer, name_ru, name_en, kz_post, kg_post, source,
       NULL::VARCHAR AS district, NULL::VARCHAR AS oblast, NULL::VARCHAR AS side, NULL::VARCHAR AS seat_ru,
       lat::DOUBLE AS lat, lon::DOUBLE AS lon
FROM ref_crossings
WHERE lat IS NOT NULL AND lon IS NOT NULL
UNION ALL
SELECT 'settlement', name_ru, name_en, NULL, NULL, NULL, district, oblast, side, seat_ru,
       seat_lat::DOUBLE, seat_lon::DOUBLE
FROM ref_districts
WHERE seat_lat IS NOT NULL AND seat_lon IS NOT NULL
