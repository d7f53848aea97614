-- Freshness of border_monthly: the incident count and upload fingerprint (formula of db.data_version) now,
-- and as recorded at the last refresh (NULLs when never refreshed). Bound twice: an upload to leave out of
-- the fingerprint (the state as it was before that upload), or NULL.
SELECT i.n, u.fingerprint, s.incidents, s.data_version
FROM (SELECT count(*) AS n FROM incidents) AS i
CROSS JOIN (SELECT coalesce(max(upload_id) FILTER (WHERE upload_id IS DISTINCT FROM ?), 0) * 1000003
                   + count(*) FILTER (WHERE status = 'loaded' AND upload_id IS DISTINCT FROM ?) AS fingerprint
            FROM uploads) AS u
LEFT JOIN (SELECT * FROM border_monthly_state LIMIT 1) AS s ON true
