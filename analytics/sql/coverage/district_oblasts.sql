-- Oblasts of the chosen districts.
SELECT DISTINCT oblast FROM ref_districts WHERE list_contains(?::VARCHAR[], district)
