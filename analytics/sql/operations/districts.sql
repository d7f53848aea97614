-- Districts where the operations of [$start, $end] worked, with the district seat for the map.
-- District keys not in the reference (should not happen: ingest keeps only recognised keys) are dropped.
WITH ops AS (
    SELECT code, direction, unnest(districts) AS district
    FROM operations
    WHERE ($end::DATE IS NULL OR started_on <= $end::DATE)
      AND ($start::DATE IS NULL OR coalesce(ended_on, started_on) >= $start::DATE)
      AND ($direction::VARCHAR IS NULL OR direction = $direction::VARCHAR)
)
SELECT d.district, d.side, d.oblast, d.name_ru, d.name_en, d.seat_lat::DOUBLE AS lat, d.seat_lon::DOUBLE AS lon,
       count(DISTINCT o.code) AS operations,
       string_agg(DISTINCT o.code, ', ' ORDER BY o.code) AS codes
FROM ops o
JOIN ref_districts d ON d.district = o.district
GROUP BY ALL
ORDER BY operations DESC, d.district
