-- Record what bulletin_state was built from (compared by state_fresh.sql). Run after DELETE FROM bulletin_state_built.
INSERT INTO bulletin_state_built (bulletins, confirmed, decided_at, data_version, refreshed_at)
SELECT b.n, m.confirmed, m.decided_at, u.fingerprint, current_timestamp
FROM (SELECT count(*) AS n FROM bulletins) AS b
CROSS JOIN (SELECT count(*) FILTER (WHERE status = 'confirmed') AS confirmed, max(decided_at) AS decided_at
            FROM matches) AS m
CROSS JOIN (SELECT coalesce(max(upload_id), 0) * 1000003 + count(*) FILTER (WHERE status = 'loaded') AS fingerprint
            FROM uploads) AS u
