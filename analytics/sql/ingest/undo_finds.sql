-- Undo one upload of finds: finds are keyed by content, never replaced, so its rows simply go.
DELETE FROM finds USING ingest_undo u WHERE finds.upload_id = u.upload_id;
-- Undecided match proposals of finds that are gone; decided ones stay as the analysts' record.
DELETE FROM matches m
WHERE m.status = 'proposed' AND m.ref_kind = 'find' AND NOT EXISTS (SELECT 1 FROM finds f WHERE f.find_id = m.ref_id);
-- A decided pair whose find is gone keeps no found date (finds are never replaced, so the others stay right).
UPDATE matches SET found_on = NULL
WHERE ref_kind = 'find' AND found_on IS NOT NULL AND NOT EXISTS (SELECT 1 FROM finds f WHERE f.find_id = matches.ref_id);
