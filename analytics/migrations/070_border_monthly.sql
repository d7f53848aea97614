-- 070: monthly pre-aggregate of the border corridor (analytics.border.band_table, issue 10).
-- Geocoded incidents per registration month, filter dimensions and distance band (0: border_km <= 5,
-- 1: <= 15, 2: <= 30, 3: beyond; analytics.border.BAND_EDGES). Whole months of a filter are read here,
-- partial edge months from `incidents`. Built at the end of this migration, rebuilt by
-- analytics.border.refresh_after_load inside the load transaction; readers never rebuild it: when
-- border_monthly_state does not match the incidents, they read raw rows (always right, slower).
CREATE TABLE IF NOT EXISTS border_monthly (
    month             DATE NOT NULL,          -- first day of the registration month
    side              VARCHAR,
    oblast            VARCHAR,
    district          VARCHAR,
    category          VARCHAR,
    online            BOOLEAN NOT NULL,       -- coalesce(incidents.online, false), as filters read it
    minor_involved    BOOLEAN NOT NULL,
    foreign_national  BOOLEAN NOT NULL,
    band              UTINYINT NOT NULL,
    n                 BIGINT NOT NULL
);

-- What border_monthly was built from: incident count and upload fingerprint (db.data_version) at refresh.
CREATE TABLE IF NOT EXISTS border_monthly_state (
    incidents     BIGINT NOT NULL,
    data_version  BIGINT NOT NULL,
    refreshed_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Built once here for a database that already holds incidents (same statements as
-- analytics/sql/hotspots/border_monthly_refresh.sql and border_monthly_save.sql, band edges 5/15/30 km).
INSERT INTO border_monthly
SELECT date_trunc('month', registered_on)::DATE AS month, side, oblast, district, category,
       coalesce(online, false), coalesce(minor_involved, false), coalesce(foreign_national, false),
       CASE WHEN border_km <= 5 THEN 0 WHEN border_km <= 15 THEN 1 WHEN border_km <= 30 THEN 2 ELSE 3 END AS band,
       count(*) AS n
FROM incidents
WHERE geo_ok AND border_km IS NOT NULL
GROUP BY ALL;

INSERT INTO border_monthly_state (incidents, data_version, refreshed_at)
SELECT i.n, u.fingerprint, current_timestamp
FROM (SELECT count(*) AS n FROM incidents) AS i
CROSS JOIN (SELECT coalesce(max(upload_id), 0) * 1000003 + count(*) FILTER (WHERE status = 'loaded') AS fingerprint
            FROM uploads) AS u;
