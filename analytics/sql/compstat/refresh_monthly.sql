-- Rebuild the monthly pre-aggregates (migration 050) from incidents. Ordered by month so that the
-- month predicates of CompStat and trend queries skip whole row groups (zonemaps).
DELETE FROM incidents_monthly_status;
INSERT INTO incidents_monthly_status
SELECT date_trunc('month', registered_on)::DATE AS month, side, oblast, district, category,
       coalesce(online, false), coalesce(minor_involved, false), coalesce(foreign_national, false),
       status, count(*) AS n
FROM incidents
GROUP BY ALL
ORDER BY month, side, oblast, district, category;
DELETE FROM incidents_monthly;
INSERT INTO incidents_monthly
SELECT month, side, oblast, district, category, online, minor_involved, foreign_national, sum(n)::BIGINT AS n
FROM incidents_monthly_status
GROUP BY ALL
ORDER BY month, side, oblast, district, category;
DELETE FROM incidents_daily;
INSERT INTO incidents_daily
SELECT registered_on AS day, side, oblast, category, coalesce(online, false), coalesce(minor_involved, false),
       coalesce(foreign_national, false), count(*) AS n
FROM incidents
WHERE registered_on IS NOT NULL
GROUP BY ALL
ORDER BY day, side, oblast, category;
DELETE FROM incidents_monthly_coarse;
INSERT INTO incidents_monthly_coarse
SELECT date_trunc('month', day)::DATE AS month, side, oblast, category, online, minor_involved, foreign_national,
       sum(n)::BIGINT AS n
FROM incidents_daily
GROUP BY ALL
ORDER BY month, side, oblast, category;
