-- Reference districts of the given oblasts (all when the list is empty) with their latest population.
SELECT d.side, d.oblast, d.district, d.name_ru, d.name_en, p.population
FROM ref_districts d
LEFT JOIN (SELECT key, arg_max(population, year)::DOUBLE AS population FROM ref_population
           WHERE level = 'district' GROUP BY key) p ON p.key = d.district
WHERE list_contains($oblasts::VARCHAR[], d.oblast)
  AND (len($districts::VARCHAR[]) = 0 OR list_contains($districts::VARCHAR[], d.district))
ORDER BY d.oblast, d.name_ru
