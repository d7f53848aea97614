-- Incidents, step 5a: the valid rows that may have a problem, picked from the stage alone. The look-ups are tested
-- against their small tables (a clean file never goes through the joins of ingest_ready): a superset of the rows
-- with a warning, which step 5b checks exactly.
CREATE OR REPLACE TEMP TABLE ingest_warn_candidates AS
SELECT s.rid
FROM ingest_stage s
LEFT JOIN (
    SELECT side, lat_in, lon_in FROM ingest_geo WHERE geo_flag IN ('zero', 'swapped', 'outside')
) g ON g.side = s.side AND g.lat_in = s.lat_in AND g.lon_in = s.lon_in
WHERE s.reject_reason IS NULL AND (
       s.occurred_raw IS NOT NULL
    OR CAST(s.occurred_at AS DATE) > s.registered_on
    OR s.occurred_time_raw IS NOT NULL
    OR s.damage_raw IS NOT NULL
    OR s.online_raw IS NOT NULL
    OR s.minor_raw IS NOT NULL
    OR s.foreign_raw IS NOT NULL
    OR s.coords_bad <> ''
    OR g.side IS NOT NULL
    OR ((s.oblast_raw IS NOT NULL OR s.district_raw IS NOT NULL) AND s.place_key NOT IN (
           SELECT place_key FROM ingest_place_map WHERE oblast IS NOT NULL AND district IS NOT NULL))
    OR (s.status_raw IS NOT NULL AND s.status_raw NOT IN (
           SELECT status_raw FROM ingest_status_map WHERE status <> 'other'))
    OR (s.category_raw IS NULL AND s.combo_key NOT IN (
           SELECT combo_key FROM ingest_combo_cat WHERE plain_category IS NOT NULL))
);
