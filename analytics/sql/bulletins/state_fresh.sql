-- True when bulletin_state was built from the data as it is: bulletin count, confirmed matches and the latest
-- decision, and the upload fingerprint (formula of db.data_version) equal what was recorded at the last refresh.
SELECT coalesce(b.n = s.bulletins AND m.confirmed = s.confirmed
                AND m.decided_at IS NOT DISTINCT FROM s.decided_at AND u.fingerprint = s.data_version, false)
FROM (SELECT count(*) AS n FROM bulletins) AS b
CROSS JOIN (SELECT count(*) FILTER (WHERE status = 'confirmed') AS confirmed, max(decided_at) AS decided_at
            FROM matches) AS m
CROSS JOIN (SELECT coalesce(max(upload_id), 0) * 1000003 + count(*) FILTER (WHERE status = 'loaded') AS fingerprint
            FROM uploads) AS u
LEFT JOIN (SELECT * FROM bulletin_state_built LIMIT 1) AS s ON true
