-- The file of the connection's database (NULL in memory): the key of the cached reference rows
-- (analytics.reference.cached_tables), read once per connection by analytics.compstat.database_file.
SELECT any_value(path) AS path FROM duckdb_databases() WHERE database_name = current_database()
