-- After a load of incidents: pairs with an incident this upload replaced take the new version's registration date.
-- Only incidents of upload $upload_id are read (its rows are appended together, so the scan skips the others).
UPDATE matches SET found_on = i.registered_on
FROM incidents i
WHERE i.upload_id = $upload_id::INTEGER AND matches.ref_kind = 'incident'
  AND i.side = split_part(matches.ref_id, ':', 1)
  AND i.source_id = substr(matches.ref_id, strpos(matches.ref_id, ':') + 1)
  AND matches.found_on IS DISTINCT FROM i.registered_on
