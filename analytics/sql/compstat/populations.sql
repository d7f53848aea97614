-- Population rows of the reference; the latest year per key is picked in Python (tiny table, cheaper).
SELECT level, key, year, population FROM ref_population
