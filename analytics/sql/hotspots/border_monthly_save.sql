-- Record what border_monthly was built from (see border_monthly_state.sql). Run after DELETE FROM border_monthly_state.
INSERT INTO border_monthly_state (incidents, data_version, refreshed_at)
SELECT i.n, u.fingerprint, current_timestamp
FROM (SELECT count(*) AS n FROM incidents) AS i
CROSS JOIN (SELECT coalesce(max(upload_id), 0) * 1000003 + count(*) FILTER (WHERE status = 'loaded') AS fingerprint
            FROM uploads) AS u
