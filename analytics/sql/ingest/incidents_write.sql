-- Incidents, step 4: outcome of every valid row and the upsert. One transaction (the caller's).
-- Per number: the first version is compared with the stored row (equal: nothing changes, counted as a duplicate;
-- different: updated; none stored: accepted); later versions in the file are updates. The last version is
-- written; every version it replaces (stored or earlier in the file) goes to incidents_history.
-- The stored rows are looked up by key first (ingest_existing); the full comparison runs only for those.
CREATE OR REPLACE TEMP TABLE ingest_existing AS
SELECT s.rid
FROM ingest_stage s
SEMI JOIN incidents e ON e.side = s.side AND e.source_id = s.source_id
WHERE s.reject_reason IS NULL;

CREATE OR REPLACE TEMP TABLE ingest_same AS
SELECT r.rid
FROM ingest_ready r
SEMI JOIN ingest_existing x ON x.rid = r.rid
JOIN incidents e ON e.side = r.side AND e.source_id = r.source_id
WHERE (r.registered_on, r.occurred_at, r.article_raw, r.title_raw, r.object_raw, r.category, r.oblast, r.district,
       r.district_raw, r.settlement, r.lat, r.lon, r.status, r.status_raw, r.damage, r.currency, r.online,
       r.minor_involved, r.foreign_national, r.summary, CAST(r.extra AS VARCHAR))
      IS NOT DISTINCT FROM
      (e.registered_on, e.occurred_at, e.article_raw, e.title_raw, e.object_raw, e.category, e.oblast, e.district,
       e.district_raw, e.settlement, e.lat, e.lon, e.status, e.status_raw, e.damage, e.currency, e.online,
       e.minor_involved, e.foreign_national, e.summary, CAST(e.extra AS VARCHAR));

CREATE OR REPLACE TEMP TABLE ingest_outcome AS
SELECT
    s.rid,
    coalesce(v.ver, 1) AS ver,
    coalesce(v.nver, 1) AS nver,
    x.rid IS NOT NULL AS existed,
    CASE
        WHEN coalesce(v.is_dup, false) THEN 'duplicate'
        WHEN coalesce(v.ver, 1) > 1 THEN 'updated'
        WHEN x.rid IS NULL THEN 'accepted'
        WHEN m.rid IS NOT NULL THEN 'duplicate'
        ELSE 'updated'
    END AS outcome
FROM ingest_stage s
LEFT JOIN ingest_versions v ON v.rid = s.rid
LEFT JOIN ingest_existing x ON x.rid = s.rid
LEFT JOIN ingest_same m ON m.rid = s.rid
WHERE s.reject_reason IS NULL;
