-- 070: monthly pre-aggregate of the border corridor (analytics.border.band_table, issue 10).
-- Geocoded incidents per registration month, filter dimensions and distance band (0: border_km <= 5,
-- 1: <= 15, 2: <= 30, 3: beyond; analytics.border.BAND_EDGES). Whole months of a filter are read here,
-- partial edge months from `incidents`. Rebuilt by analytics.border.refresh_after_load inside the load
-- transaction; readers never rebuild it: when border_monthly_state does not match the incidents, they
-- read raw rows (always right, slower).
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
