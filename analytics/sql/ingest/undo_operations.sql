-- Undo one upload of joint operations: same chain rules as undo_incidents.sql, keyed by code.
CREATE OR REPLACE TEMP TABLE ingest_undo_restore AS
SELECT h.* EXCLUDE (replaced_by, replaced_at)
FROM operations_history h
JOIN operations o ON o.code = h.code
CROSS JOIN ingest_undo u
WHERE h.replaced_by = u.upload_id AND h.upload_id IS DISTINCT FROM u.upload_id AND o.upload_id = u.upload_id;

UPDATE operations_history AS h SET replaced_by = n.replaced_by
FROM (
    SELECT x.code, x.replaced_by
    FROM operations_history x, ingest_undo u
    WHERE x.upload_id = u.upload_id AND x.replaced_by <> u.upload_id
) n, ingest_undo u
WHERE h.code = n.code AND h.replaced_by = u.upload_id AND h.upload_id IS DISTINCT FROM u.upload_id;

DELETE FROM operations USING ingest_undo u WHERE operations.upload_id = u.upload_id;
INSERT INTO operations BY NAME SELECT * FROM ingest_undo_restore;
DELETE FROM operations_history USING ingest_undo u
WHERE operations_history.upload_id = u.upload_id OR operations_history.replaced_by = u.upload_id;
DROP TABLE ingest_undo_restore;
