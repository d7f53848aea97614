-- Rejected rows: the line as a CSV line in the file's own delimiter (rebuilt from the parsed cells) so the analyst
-- can fix it and upload it again; lines the CSV parser could not split are kept as they were. A record that ran
-- over several lines and came out with too many cells is an unbalanced quote: each of its lines is rejected on its
-- own, so the rows it swallowed are counted and shown, not hidden inside one fabula.
INSERT INTO rejects (upload_id, line_no, reason, raw_line)
WITH rejected AS (
    SELECT s.line_no, s.reject_reason, l.raw_line,
           s.reject_reason = 'too_many_cells' AND contains(l.raw_line, chr(10)) AS spans_lines
    FROM ingest_stage s JOIN ingest_raw_lines l USING (rid)
    WHERE s.reject_reason IS NOT NULL
)
SELECT p.upload_id, line_no, reject_reason, raw_line FROM rejected, ingest_params p WHERE NOT spans_lines
UNION ALL
SELECT p.upload_id, CAST(line_no + part_no - 1 AS INTEGER), 'unbalanced_quote', rtrim(part, chr(13))
FROM (
    SELECT line_no, unnest(string_split(raw_line, chr(10))) AS part,
           unnest(range(1, len(string_split(raw_line, chr(10))) + 1)) AS part_no
    FROM rejected WHERE spans_lines
), ingest_params p
UNION ALL
SELECT p.upload_id, CAST(e.line AS INTEGER), 'malformed_line', trim(first(e.csv_line), chr(10) || chr(13))
FROM ingest_csv_errors e, ingest_params p
GROUP BY p.upload_id, e.line;
