-- Border corridor: incidents per side, category, month and distance band. Bands are closed on the right:
-- 0–5 is border_km <= 5, 5–15 is 5 < border_km <= 15, and so on ($1, $2, $3 = 5, 15, 30).
-- The caller appends the filter conditions, then "GROUP BY ALL".
SELECT side, category, district, date_trunc('month', registered_on)::DATE AS month,
       CASE WHEN border_km <= ? THEN 0 WHEN border_km <= ? THEN 1 WHEN border_km <= ? THEN 2 ELSE 3 END AS band,
       count(*) AS count
FROM {incidents}
WHERE geo_ok AND border_km IS NOT NULL
