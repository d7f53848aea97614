INSERT OR REPLACE INTO aggregate_state (name, incidents, data_version, refreshed_at)
VALUES ('incidents_monthly', (SELECT count(*) FROM incidents), ?, current_timestamp)
