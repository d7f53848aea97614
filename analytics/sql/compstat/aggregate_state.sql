-- Incident count now and at the last refresh of incidents_monthly (NULLs when never refreshed).
SELECT (SELECT count(*) FROM incidents) AS incidents_now, s.incidents, s.data_version
FROM (SELECT 1) AS one
LEFT JOIN aggregate_state s ON s.name = 'incidents_monthly'
