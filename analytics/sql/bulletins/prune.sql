-- Proposed (undecided) matches whose bulletin, find or incident no longer exists (an upload was undone).
-- Decided matches stay: they are the analysts' record, and a rejection must keep blocking the pair.
DELETE FROM matches m
WHERE m.status = 'proposed' AND (
    NOT EXISTS (SELECT 1 FROM bulletins b WHERE b.bulletin_no = m.bulletin_no)
    OR (m.ref_kind = 'find' AND NOT EXISTS (SELECT 1 FROM finds f WHERE f.find_id = m.ref_id))
    OR (m.ref_kind = 'incident' AND NOT EXISTS (
        SELECT 1 FROM incidents i WHERE i.side || ':' || i.source_id = m.ref_id))
)
;
-- Decided matches whose find or incident is gone keep no found date (matches.found_on), as after an undo.
UPDATE matches SET found_on = NULL
WHERE found_on IS NOT NULL AND (
    (ref_kind = 'find' AND NOT EXISTS (SELECT 1 FROM finds f WHERE f.find_id = matches.ref_id))
    OR (ref_kind = 'incident' AND NOT EXISTS (
        SELECT 1 FROM incidents i WHERE i.side || ':' || i.source_id = matches.ref_id))
)
