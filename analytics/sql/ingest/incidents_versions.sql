-- Incidents: numbers that appear more than once in the file (ingest_keys_multi; usually none, then this step is
-- skipped). An exact repeat of an earlier row (same raw cells: ingest_row_hash) is a duplicate; the remaining
-- rows of a number are its successive versions in file order.
CREATE OR REPLACE TEMP TABLE ingest_versions AS
WITH multi AS (
    SELECT r.rid, r.side, r.source_id, r.line_no,
           row_number() OVER (PARTITION BY r.side, r.source_id, h.row_hash ORDER BY r.line_no) > 1 AS is_dup
    FROM ingest_ready r
    SEMI JOIN ingest_keys_multi k ON k.side = r.side AND k.source_id = r.source_id
    JOIN ingest_row_hash h ON h.rid = r.rid
)
SELECT rid, is_dup,
       CASE WHEN NOT is_dup THEN row_number() OVER (PARTITION BY side, source_id, is_dup ORDER BY line_no) END AS ver,
       count(*) FILTER (WHERE NOT is_dup) OVER (PARTITION BY side, source_id) AS nver
FROM multi;
