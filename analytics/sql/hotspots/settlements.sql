-- District seats as the settlements layer (data/reference/districts.csv).
SELECT district, oblast, side, seat_ru, name_ru, name_en, seat_lat::DOUBLE AS lat, seat_lon::DOUBLE AS lon
FROM ref_districts
WHERE seat_lat IS NOT NULL AND seat_lon IS NOT NULL
ORDER BY side, oblast, district
