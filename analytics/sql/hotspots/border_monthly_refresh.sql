-- Rebuild border_monthly from incidents (band edges bound: 5, 15, 30). Run after DELETE FROM border_monthly.
INSERT INTO border_monthly
SELECT date_trunc('month', registered_on)::DATE AS month, side, oblast, district, category,
       coalesce(online, false), coalesce(minor_involved, false), coalesce(foreign_national, false),
       CASE WHEN border_km <= ? THEN 0 WHEN border_km <= ? THEN 1 WHEN border_km <= ? THEN 2 ELSE 3 END AS band,
       count(*) AS n
FROM incidents
WHERE geo_ok AND border_km IS NOT NULL
GROUP BY ALL
