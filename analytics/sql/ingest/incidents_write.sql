-- Incidents, step 4: duplicates, versions, upsert with history, warnings, coverage. One transaction (the caller's).
-- An exact repeat of an earlier row of the file is a duplicate. Distinct rows with the same (side, source_id)
-- are successive versions in file order: the first is compared with the stored row (equal: unchanged, counted
-- as a duplicate), later ones are updates; the last version is written, every replaced one goes to history.
CREATE OR REPLACE TEMP TABLE ingest_keys_multi AS
SELECT side, source_id FROM ingest_ready GROUP BY side, source_id HAVING count(*) > 1;

CREATE OR REPLACE TEMP TABLE ingest_versions AS
WITH multi AS (
    SELECT r.rid,
           row_number() OVER (PARTITION BY r.side, r.source_id, r.row_hash ORDER BY r.line_no) AS dup_rank
    FROM ingest_ready r SEMI JOIN ingest_keys_multi k ON k.side = r.side AND k.source_id = r.source_id
), distinct_multi AS (
    SELECT m.rid,
           row_number() OVER (PARTITION BY r.side, r.source_id ORDER BY r.line_no) AS ver,
           count(*) OVER (PARTITION BY r.side, r.source_id) AS nver
    FROM multi m JOIN ingest_ready r USING (rid)
    WHERE m.dup_rank = 1
)
SELECT r.rid, coalesce(d.ver, CASE WHEN m.rid IS NULL THEN 1 END) AS ver,
       coalesce(d.nver, CASE WHEN m.rid IS NULL THEN 1 END) AS nver
FROM ingest_ready r
LEFT JOIN multi m USING (rid)
LEFT JOIN distinct_multi d USING (rid);

CREATE OR REPLACE TEMP TABLE ingest_outcome AS
SELECT
    v.rid, v.ver, v.nver, r.side, r.source_id,
    e.source_id IS NOT NULL AS existed,
    CASE
        WHEN v.ver IS NULL THEN 'duplicate'
        WHEN v.ver > 1 THEN 'updated'
        WHEN e.source_id IS NULL THEN 'accepted'
        WHEN (r.registered_on, r.occurred_at, r.article_raw, r.title_raw, r.object_raw, r.category, r.oblast,
              r.district, r.district_raw, r.settlement, r.lat, r.lon, r.status, r.status_raw, r.damage, r.currency,
              r.online, r.minor_involved, r.foreign_national, r.summary, CAST(r.extra AS VARCHAR))
             IS NOT DISTINCT FROM
             (e.registered_on, e.occurred_at, e.article_raw, e.title_raw, e.object_raw, e.category, e.oblast,
              e.district, e.district_raw, e.settlement, e.lat, e.lon, e.status, e.status_raw, e.damage, e.currency,
              e.online, e.minor_involved, e.foreign_national, e.summary, CAST(e.extra AS VARCHAR))
            THEN 'duplicate'
        ELSE 'updated'
    END AS outcome
FROM ingest_versions v
JOIN ingest_ready r USING (rid)
LEFT JOIN incidents e ON e.side = r.side AND e.source_id = r.source_id;

CREATE OR REPLACE TEMP TABLE ingest_replace_keys AS
SELECT DISTINCT side, source_id FROM ingest_outcome WHERE existed AND outcome = 'updated';

-- the stored versions being replaced
INSERT INTO incidents_history BY NAME
SELECT e.*, p.upload_id AS replaced_by
FROM incidents e SEMI JOIN ingest_replace_keys k ON k.side = e.side AND k.source_id = e.source_id, ingest_params p;

-- earlier versions of the same number inside this file
INSERT INTO incidents_history BY NAME
SELECT r.side, r.source_id, r.registered_on, r.occurred_at, r.article_raw, r.title_raw, r.object_raw, r.category,
       r.oblast, r.district, r.district_raw, r.settlement, r.lat, r.lon, r.geo_ok, r.geo_flag, r.h3_r7, r.border_km,
       r.status, r.status_raw, r.damage, r.currency, r.online, r.minor_involved, r.foreign_national, r.summary,
       r.extra, p.upload_id AS upload_id, p.upload_id AS replaced_by
FROM ingest_outcome o JOIN ingest_ready r USING (rid), ingest_params p
WHERE o.ver < o.nver AND o.outcome <> 'duplicate';

CREATE OR REPLACE TEMP TABLE ingest_final AS
SELECT r.*, o.existed
FROM ingest_outcome o JOIN ingest_ready r USING (rid)
WHERE o.ver = o.nver AND o.outcome <> 'duplicate';

UPDATE incidents AS t SET
    registered_on = f.registered_on, occurred_at = f.occurred_at, article_raw = f.article_raw,
    title_raw = f.title_raw, object_raw = f.object_raw, category = f.category, oblast = f.oblast,
    district = f.district, district_raw = f.district_raw, settlement = f.settlement, lat = f.lat, lon = f.lon,
    geo_ok = f.geo_ok, geo_flag = f.geo_flag, h3_r7 = f.h3_r7, border_km = f.border_km, status = f.status,
    status_raw = f.status_raw, damage = f.damage, currency = f.currency, online = f.online,
    minor_involved = f.minor_involved, foreign_national = f.foreign_national, summary = f.summary,
    extra = f.extra, upload_id = p.upload_id
FROM ingest_final f, ingest_params p
WHERE f.existed AND t.side = f.side AND t.source_id = f.source_id;

INSERT INTO incidents BY NAME
SELECT f.side, f.source_id, f.registered_on, f.occurred_at, f.article_raw, f.title_raw, f.object_raw, f.category,
       f.oblast, f.district, f.district_raw, f.settlement, f.lat, f.lon, f.geo_ok, f.geo_flag, f.h3_r7, f.border_km,
       f.status, f.status_raw, f.damage, f.currency, f.online, f.minor_involved, f.foreign_national, f.summary,
       f.extra, p.upload_id AS upload_id
FROM ingest_final f, ingest_params p
WHERE NOT f.existed;

INSERT INTO coverage (side, oblast, month, upload_id)
SELECT DISTINCT r.side, r.oblast, CAST(date_trunc('month', r.registered_on) AS DATE), p.upload_id
FROM ingest_ready r, ingest_params p
WHERE r.oblast IS NOT NULL;
