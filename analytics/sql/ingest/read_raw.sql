-- The body of a file as text cells c0..cN, file order kept (rowid). Parameters: path, lines to skip (title lines
-- and the header), delimiter, columns {name: 'VARCHAR'}, parallel. Lines the parser cannot split go to
-- ingest_csv_errors (line number + text) instead of failing the load.
CREATE TEMP TABLE ingest_raw AS
SELECT *
FROM read_csv(
    ?, skip = ?, delim = ?, columns = ?, parallel = ?,
    header = false, quote = '"', escape = '"', auto_detect = false, null_padding = true, strict_mode = false,
    store_rejects = true, rejects_table = 'ingest_csv_errors', rejects_scan = 'ingest_csv_scans',
    max_line_size = 67108864
);
