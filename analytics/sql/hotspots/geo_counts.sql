-- How many filtered incidents are usable on maps and how many are not (and why). Filter conditions appended.
SELECT count(*) FILTER (WHERE geo_ok) AS geocoded,
       count(*) FILTER (WHERE NOT geo_ok) AS not_geocoded,
       count(*) AS total
FROM {incidents}
WHERE true
