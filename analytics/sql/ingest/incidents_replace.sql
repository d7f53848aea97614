-- Incidents, step 4b (only when the file replaces something): history, then the update of stored rows.
-- the stored versions being replaced
INSERT INTO incidents_history BY NAME
SELECT e.*, p.upload_id AS replaced_by
FROM incidents e
SEMI JOIN (
    SELECT s.side, s.source_id
    FROM ingest_outcome o JOIN ingest_stage s USING (rid)
    WHERE o.existed AND o.outcome = 'updated'
) k ON k.side = e.side AND k.source_id = e.source_id
CROSS JOIN ingest_params p;

-- earlier versions of the same number inside this file
INSERT INTO incidents_history BY NAME
SELECT r.side, r.source_id, r.registered_on, r.occurred_at, r.article_raw, r.title_raw, r.object_raw, r.category,
       r.oblast, r.district, r.district_raw, r.settlement, r.lat, r.lon, r.geo_ok, r.geo_flag, r.h3_r7, r.border_km,
       r.status, r.status_raw, r.damage, r.currency, r.online, r.minor_involved, r.foreign_national, r.summary,
       r.extra, p.upload_id AS upload_id, p.upload_id AS replaced_by
FROM ingest_ready r
SEMI JOIN ingest_outcome o ON o.rid = r.rid AND o.ver < o.nver AND o.outcome <> 'duplicate'
CROSS JOIN ingest_params p;

UPDATE incidents AS t SET
    registered_on = f.registered_on, occurred_at = f.occurred_at, article_raw = f.article_raw,
    title_raw = f.title_raw, object_raw = f.object_raw, category = f.category, oblast = f.oblast,
    district = f.district, district_raw = f.district_raw, settlement = f.settlement, lat = f.lat, lon = f.lon,
    geo_ok = f.geo_ok, geo_flag = f.geo_flag, h3_r7 = f.h3_r7, border_km = f.border_km, status = f.status,
    status_raw = f.status_raw, damage = f.damage, currency = f.currency, online = f.online,
    minor_involved = f.minor_involved, foreign_national = f.foreign_national, summary = f.summary,
    extra = f.extra, upload_id = p.upload_id
FROM (
    SELECT r.* FROM ingest_ready r
    SEMI JOIN ingest_outcome o ON o.rid = r.rid AND o.existed AND o.ver = o.nver AND o.outcome <> 'duplicate'
) f, ingest_params p
WHERE t.side = f.side AND t.source_id = f.source_id;
