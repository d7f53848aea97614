-- Rejected rows: the line as a CSV line in the file's own delimiter (rebuilt from the parsed cells) so the analyst
-- can fix it and upload it again; lines the CSV parser could not split are kept as they were.
INSERT INTO rejects (upload_id, line_no, reason, raw_line)
SELECT p.upload_id, s.line_no, s.reject_reason, l.raw_line
FROM ingest_stage s JOIN ingest_raw_lines l USING (rid), ingest_params p
WHERE s.reject_reason IS NOT NULL
UNION ALL
SELECT p.upload_id, CAST(e.line AS INTEGER), 'malformed_line', trim(first(e.csv_line), chr(10) || chr(13))
FROM ingest_csv_errors e, ingest_params p
GROUP BY p.upload_id, e.line;
