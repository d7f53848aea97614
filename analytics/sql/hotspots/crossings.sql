-- Border crossing points that have coordinates from a real source (never invented).
SELECT name_ru, name_en, kz_post, kg_post, lat::DOUBLE AS lat, lon::DOUBLE AS lon, source
FROM ref_crossings
WHERE lat IS NOT NULL AND lon IS NOT NULL
ORDER BY name_ru
