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
-- "fresh": forget the state, so the next load (or the first reader) rebuilds all the pre-aggregates.
DELETE FROM aggregate_state WHERE name = 'incidents_monthly';
