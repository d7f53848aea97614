-- Undo one upload of incidents (ingest_undo.upload_id): its rows go, the versions they replaced come back,
-- and its versions that a later upload replaced drop out of that later upload's history chain.
CREATE OR REPLACE TEMP TABLE ingest_undo_restore AS
SELECT h.* EXCLUDE (replaced_by, replaced_at)
FROM incidents_history h
JOIN incidents i ON i.side = h.side AND i.source_id = h.source_id
CROSS JOIN ingest_undo u
WHERE h.replaced_by = u.upload_id AND h.upload_id IS DISTINCT FROM u.upload_id AND i.upload_id = u.upload_id;

UPDATE incidents_history AS h SET replaced_by = n.replaced_by
FROM (
    SELECT x.side, x.source_id, x.replaced_by
    FROM incidents_history x, ingest_undo u
    WHERE x.upload_id = u.upload_id AND x.replaced_by <> u.upload_id
) n, ingest_undo u
WHERE h.side = n.side AND h.source_id = n.source_id
  AND h.replaced_by = u.upload_id AND h.upload_id IS DISTINCT FROM u.upload_id;

DELETE FROM incidents USING ingest_undo u WHERE incidents.upload_id = u.upload_id;
INSERT INTO incidents BY NAME SELECT * FROM ingest_undo_restore;
DELETE FROM incidents_history USING ingest_undo u
WHERE incidents_history.upload_id = u.upload_id OR incidents_history.replaced_by = u.upload_id;
DELETE FROM coverage USING ingest_undo u WHERE coverage.upload_id = u.upload_id;
DROP TABLE ingest_undo_restore;
-- Fabula keys of the versions this upload wrote (the restored versions kept theirs), and undecided match
-- proposals of incidents that are gone; decided ones stay as the analysts' record (a rejection keeps blocking).
DELETE FROM incident_identifiers USING ingest_undo u WHERE incident_identifiers.upload_id = u.upload_id;
DELETE FROM incident_scans USING ingest_undo u WHERE incident_scans.upload_id = u.upload_id;
DELETE FROM matches m
WHERE m.status = 'proposed' AND m.ref_kind = 'incident'
  AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.side || ':' || i.source_id = m.ref_id);
-- The date kept on each remaining pair follows the version now current, or goes when the incident is gone.
UPDATE matches SET found_on = NULL WHERE ref_kind = 'incident';
UPDATE matches SET found_on = i.registered_on
FROM incidents i
WHERE matches.ref_kind = 'incident' AND i.side = split_part(matches.ref_id, ':', 1)
  AND i.source_id = substr(matches.ref_id, strpos(matches.ref_id, ':') + 1);
