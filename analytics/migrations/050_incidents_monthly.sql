-- 050: monthly pre-aggregate of incidents for the Overview and Trends (issue 5).
-- CompStat windows read whole months from here and only the partial edge months from `incidents`,
-- so a year-to-date comparison touches ~2 months of raw rows instead of ~2 years.
-- Rebuilt by analytics.compstat.refresh_aggregates(con) inside the ingest transaction; a query that
-- finds it stale (aggregate_state differs from incidents) rebuilds it or falls back to raw rows.
CREATE TABLE IF NOT EXISTS incidents_monthly (
    month             DATE NOT NULL,          -- first day of the registration month
    side              VARCHAR NOT NULL,
    oblast            VARCHAR,
    district          VARCHAR,
    category          VARCHAR NOT NULL,
    online            BOOLEAN NOT NULL,       -- coalesce(incidents.online, false), as filters read it
    minor_involved    BOOLEAN NOT NULL,
    foreign_national  BOOLEAN NOT NULL,
    n                 BIGINT NOT NULL
);

-- The same with the current status, for outcome shares only (about 4× the rows of incidents_monthly,
-- so CompStat windows keep reading the smaller table).
CREATE TABLE IF NOT EXISTS incidents_monthly_status (
    month             DATE NOT NULL,
    side              VARCHAR NOT NULL,
    oblast            VARCHAR,
    district          VARCHAR,
    category          VARCHAR NOT NULL,
    online            BOOLEAN NOT NULL,
    minor_involved    BOOLEAN NOT NULL,
    foreign_national  BOOLEAN NOT NULL,
    status            VARCHAR,
    n                 BIGINT NOT NULL
);

-- What the monthly tables were built from: the incident count and db.data_version() at refresh time.
CREATE TABLE IF NOT EXISTS aggregate_state (
    name          VARCHAR PRIMARY KEY,
    incidents     BIGINT NOT NULL,
    data_version  BIGINT NOT NULL,
    refreshed_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);
