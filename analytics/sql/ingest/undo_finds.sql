-- Undo one upload of finds: finds are keyed by content, never replaced, so its rows simply go.
DELETE FROM finds USING ingest_undo u WHERE finds.upload_id = u.upload_id;
