-- Every upload, newest first (the upload page's history and undo list).
SELECT upload_id, file_name, kind, side, encoding, rows_read, accepted, rejected, duplicates, updated, warnings,
       period_start, period_end, uploaded_by, uploaded_at, status
FROM uploads
ORDER BY upload_id DESC;
