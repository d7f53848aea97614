-- Incidents, step 4c: new numbers (the last version of each), and the months this file covers.
INSERT INTO incidents BY NAME
SELECT r.side, r.source_id, r.registered_on, r.occurred_at, r.article_raw, r.title_raw, r.object_raw, r.category,
       r.oblast, r.district, r.district_raw, r.settlement, r.lat, r.lon, r.geo_ok, r.geo_flag, r.h3_r7, r.border_km,
       r.status, r.status_raw, r.damage, r.currency, r.online, r.minor_involved, r.foreign_national, r.summary,
       r.extra, p.upload_id AS upload_id
FROM ingest_ready r
SEMI JOIN ingest_outcome o ON o.rid = r.rid AND NOT o.existed AND o.ver = o.nver AND o.outcome <> 'duplicate'
CROSS JOIN ingest_params p;

-- months covered, period and sides of the file: from the stage and the (small) place map
CREATE OR REPLACE TEMP TABLE ingest_months AS
SELECT s.side, pm.oblast, CAST(date_trunc('month', s.registered_on) AS DATE) AS month,
       min(s.registered_on) AS first_day, max(s.registered_on) AS last_day
FROM ingest_stage s LEFT JOIN ingest_place_map pm ON pm.place_key = s.place_key
WHERE s.reject_reason IS NULL
GROUP BY ALL;

INSERT INTO coverage (side, oblast, month, upload_id)
SELECT DISTINCT m.side, m.oblast, m.month, p.upload_id
FROM ingest_months m, ingest_params p
WHERE m.oblast IS NOT NULL;
