-- Incidents, step 4: outcome of every valid row, upsert with history, coverage. One transaction (the caller's).
-- Per number: the first version is compared with the stored row (equal: nothing changes, counted as a duplicate;
-- different: updated; none stored: accepted); later versions in the file are updates. The last version is
-- written; every version it replaces (stored or earlier in the file) goes to incidents_history.
CREATE OR REPLACE TEMP TABLE ingest_outcome AS
SELECT
    r.rid,
    coalesce(v.ver, 1) AS ver,
    coalesce(v.nver, 1) AS nver,
    e.source_id IS NOT NULL AS existed,
    CASE
        WHEN coalesce(v.is_dup, false) THEN 'duplicate'
        WHEN coalesce(v.ver, 1) > 1 THEN 'updated'
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
FROM ingest_ready r
LEFT JOIN ingest_versions v USING (rid)
LEFT JOIN incidents e ON e.side = r.side AND e.source_id = r.source_id;

-- the stored versions being replaced
INSERT INTO incidents_history BY NAME
SELECT e.*, p.upload_id AS replaced_by
FROM incidents e
SEMI JOIN (
    SELECT r.side, r.source_id
    FROM ingest_outcome o JOIN ingest_ready r USING (rid)
    WHERE o.existed AND o.outcome = 'updated'
) k ON k.side = e.side AND k.source_id = e.source_id
CROSS JOIN ingest_params p;

-- earlier versions of the same number inside this file
INSERT INTO incidents_history BY NAME
SELECT r.side, r.source_id, r.registered_on, r.occurred_at, r.article_raw, r.title_raw, r.object_raw, r.category,
       r.oblast, r.district, r.district_raw, r.settlement, r.lat, r.lon, r.geo_ok, r.geo_flag, r.h3_r7, r.border_km,
       r.status, r.status_raw, r.damage, r.currency, r.online, r.minor_involved, r.foreign_national, r.summary,
       r.extra, p.upload_id AS upload_id, p.upload_id AS replaced_by
FROM ingest_outcome o JOIN ingest_ready r USING (rid), ingest_params p
WHERE o.ver < o.nver AND o.outcome <> 'duplicate';

UPDATE incidents AS t SET
    registered_on = f.registered_on, occurred_at = f.occurred_at, article_raw = f.article_raw,
    title_raw = f.title_raw, object_raw = f.object_raw, category = f.category, oblast = f.oblast,
    district = f.district, district_raw = f.district_raw, settlement = f.settlement, lat = f.lat, lon = f.lon,
    geo_ok = f.geo_ok, geo_flag = f.geo_flag, h3_r7 = f.h3_r7, border_km = f.border_km, status = f.status,
    status_raw = f.status_raw, damage = f.damage, currency = f.currency, online = f.online,
    minor_involved = f.minor_involved, foreign_national = f.foreign_national, summary = f.summary,
    extra = f.extra, upload_id = p.upload_id
FROM (
    SELECT r.* FROM ingest_outcome o JOIN ingest_ready r USING (rid)
    WHERE o.existed AND o.ver = o.nver AND o.outcome <> 'duplicate'
) f, ingest_params p
WHERE t.side = f.side AND t.source_id = f.source_id;

INSERT INTO incidents BY NAME
SELECT r.side, r.source_id, r.registered_on, r.occurred_at, r.article_raw, r.title_raw, r.object_raw, r.category,
       r.oblast, r.district, r.district_raw, r.settlement, r.lat, r.lon, r.geo_ok, r.geo_flag, r.h3_r7, r.border_km,
       r.status, r.status_raw, r.damage, r.currency, r.online, r.minor_involved, r.foreign_national, r.summary,
       r.extra, p.upload_id AS upload_id
FROM ingest_ready r
SEMI JOIN ingest_outcome o ON o.rid = r.rid AND NOT o.existed AND o.ver = o.nver AND o.outcome <> 'duplicate'
CROSS JOIN ingest_params p;

INSERT INTO coverage (side, oblast, month, upload_id)
SELECT DISTINCT r.side, r.oblast, CAST(date_trunc('month', r.registered_on) AS DATE), p.upload_id
FROM ingest_ready r, ingest_params p
WHERE r.oblast IS NOT NULL;
