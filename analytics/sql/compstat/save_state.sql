-- Record what the monthly pre-aggregates were built from (see aggregate_state.sql).
INSERT OR REPLACE INTO aggregate_state (name, incidents, data_version, refreshed_at)
SELECT 'incidents_monthly', i.n, u.fingerprint, current_timestamp
FROM (SELECT count(*) AS n FROM incidents) AS i
CROSS JOIN (SELECT coalesce(max(upload_id), 0) * 1000003 + count(*) FILTER (WHERE status = 'loaded') AS fingerprint
            FROM uploads) AS u
