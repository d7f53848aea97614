-- Everything a page query needs to know about the data in one round trip: the incident count and
-- date range, the upload fingerprint (same formula as db.data_version: changes on every load and undo),
-- and what the monthly pre-aggregates were built from (NULLs when never refreshed). The database file
-- (the key of the cached reference rows) is read once per connection (database_file.sql).
SELECT i.n AS incidents_now,
       u.fingerprint AS fingerprint_now,
       s.incidents,
       s.data_version,
       i.first_day,
       i.last_day
FROM (SELECT count(*) AS n, min(registered_on) AS first_day, max(registered_on) AS last_day FROM incidents) AS i
CROSS JOIN (SELECT coalesce(max(upload_id), 0) * 1000003 + count(*) FILTER (WHERE status = 'loaded') AS fingerprint
            FROM uploads) AS u
LEFT JOIN aggregate_state AS s ON s.name = 'incidents_monthly'
