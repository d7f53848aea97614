-- 090: smaller pre-aggregates for the Overview and Trends (issue 10), without the district.
-- incidents_daily serves the partial edge days of CompStat windows (about 11× fewer rows than incidents);
-- incidents_monthly_coarse serves whole months when no district is asked for (about 5× fewer rows than
-- incidents_monthly). Rebuilt with the other monthly tables by analytics.compstat.refresh_aggregates and
-- covered by the same aggregate_state row. Queries by district keep reading incidents_monthly/incidents.
CREATE TABLE IF NOT EXISTS incidents_daily (
    day               DATE NOT NULL,          -- registered_on
    side              VARCHAR NOT NULL,
    oblast            VARCHAR,
    category          VARCHAR NOT NULL,
    online            BOOLEAN NOT NULL,       -- coalesce(incidents.online, false), as filters read it
    minor_involved    BOOLEAN NOT NULL,
    foreign_national  BOOLEAN NOT NULL,
    n                 BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS incidents_monthly_coarse (
    month             DATE NOT NULL,
    side              VARCHAR NOT NULL,
    oblast            VARCHAR,
    category          VARCHAR NOT NULL,
    online            BOOLEAN NOT NULL,
    minor_involved    BOOLEAN NOT NULL,
    foreign_national  BOOLEAN NOT NULL,
    n                 BIGINT NOT NULL
);

-- A database made before this migration has these tables empty while its recorded state may say
-- "fresh": mark the state stale (-1 matches no incident count), so the next load (or the first reader)
-- rebuilds all the pre-aggregates. The row always exists from here on: refreshes UPDATE it, so two
-- concurrent refreshes meet as a write conflict (retried by the loader), never as a duplicate key.
INSERT OR REPLACE INTO aggregate_state (name, incidents, data_version, refreshed_at)
VALUES ('incidents_monthly', -1, -1, current_timestamp);
