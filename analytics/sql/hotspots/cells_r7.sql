-- Incidents per H3 resolution-7 cell (filled at ingest), both sides together. Filter conditions appended.
SELECT h3_r7 AS h3, count(*) AS count
FROM incidents
WHERE geo_ok AND h3_r7 IS NOT NULL AND h3_r7 <> 0
