-- Record what the monthly pre-aggregates were built from (see aggregate_state.sql). An UPDATE of the one
-- row (created by migration 090) rather than INSERT OR REPLACE: two loads refreshing at once then meet as
-- a write conflict, which the loader retries, instead of a duplicate-key error, which it cannot.
INSERT INTO aggregate_state (name, incidents, data_version, refreshed_at)
SELECT 'incidents_monthly', -1, -1, current_timestamp
WHERE NOT EXISTS (SELECT 1 FROM aggregate_state WHERE name = 'incidents_monthly');
UPDATE aggregate_state
SET incidents = i.n, data_version = u.fingerprint, refreshed_at = current_timestamp
FROM (SELECT count(*) AS n FROM incidents) AS i,
     (SELECT coalesce(max(upload_id), 0) * 1000003 + count(*) FILTER (WHERE status = 'loaded') AS fingerprint
      FROM uploads) AS u
WHERE aggregate_state.name = 'incidents_monthly';
