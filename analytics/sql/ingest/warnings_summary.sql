-- Warnings of one upload, grouped by reason and field, with one example.
SELECT reason, field, count(*) AS rows, min(line_no) AS example_line, arg_min(value, line_no) AS example_value
FROM warnings
WHERE upload_id = ?
GROUP BY reason, field
ORDER BY rows DESC, reason, field;
