-- Undo one upload of bulletins: same chain rules as undo_incidents.sql, keyed by bulletin_no.
CREATE OR REPLACE TEMP TABLE ingest_undo_restore AS
SELECT h.* EXCLUDE (replaced_by, replaced_at)
FROM bulletins_history h
JOIN bulletins b ON b.bulletin_no = h.bulletin_no
CROSS JOIN ingest_undo u
WHERE h.replaced_by = u.upload_id AND h.upload_id IS DISTINCT FROM u.upload_id AND b.upload_id = u.upload_id;

UPDATE bulletins_history AS h SET replaced_by = n.replaced_by
FROM (
    SELECT x.bulletin_no, x.replaced_by
    FROM bulletins_history x, ingest_undo u
    WHERE x.upload_id = u.upload_id AND x.replaced_by <> u.upload_id
) n, ingest_undo u
WHERE h.bulletin_no = n.bulletin_no AND h.replaced_by = u.upload_id AND h.upload_id IS DISTINCT FROM u.upload_id;

DELETE FROM bulletins USING ingest_undo u WHERE bulletins.upload_id = u.upload_id;
INSERT INTO bulletins BY NAME SELECT * FROM ingest_undo_restore;
DELETE FROM bulletins_history USING ingest_undo u
WHERE bulletins_history.upload_id = u.upload_id OR bulletins_history.replaced_by = u.upload_id;
DROP TABLE ingest_undo_restore;
-- Undecided match proposals of bulletins that are gone; decided ones stay as the analysts' record.
DELETE FROM matches m
WHERE m.status = 'proposed' AND NOT EXISTS (SELECT 1 FROM bulletins b WHERE b.bulletin_no = m.bulletin_no);
