-- Freshness of the monthly pre-aggregates in one round trip: the incident count and an upload
-- fingerprint now (same formula as db.data_version: changes on every load and undo), and both as they
-- were at the last refresh (NULLs when never refreshed).
SELECT i.n AS incidents_now,
       u.fingerprint AS fingerprint_now,
       s.incidents,
       s.data_version
FROM (SELECT count(*) AS n FROM incidents) AS i
CROSS JOIN (SELECT coalesce(max(upload_id), 0) * 1000003 + count(*) FILTER (WHERE status = 'loaded') AS fingerprint
            FROM uploads) AS u
LEFT JOIN aggregate_state AS s ON s.name = 'incidents_monthly'
