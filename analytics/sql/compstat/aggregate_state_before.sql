-- aggregate_state.sql as it read before one upload (the bound upload_id, twice): the upload fingerprint
-- without that upload. Equal to the recorded state → the pre-aggregate was fresh before the upload.
SELECT i.n AS incidents_now,
       u.fingerprint AS fingerprint_before,
       s.incidents,
       s.data_version
FROM (SELECT count(*) AS n FROM incidents) AS i
CROSS JOIN (SELECT coalesce(max(upload_id) FILTER (WHERE upload_id <> ?), 0) * 1000003
                   + count(*) FILTER (WHERE status = 'loaded' AND upload_id <> ?) AS fingerprint
            FROM uploads) AS u
LEFT JOIN aggregate_state AS s ON s.name = 'incidents_monthly'
