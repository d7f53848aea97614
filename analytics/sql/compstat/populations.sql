-- Latest population per reference key (oblasts and districts).
SELECT level, key, arg_max(population, year)::DOUBLE AS population
FROM ref_population
GROUP BY level, key
