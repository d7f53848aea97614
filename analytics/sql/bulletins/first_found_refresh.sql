-- bulletins.first_found_on = the earliest found_on of the bulletin's confirmed matches (NULL: none dated), for
-- bulletin $bulletin_no or, when NULL, every bulletin. Only rows whose value changes are written.
UPDATE bulletins SET first_found_on = f.first_found_on
FROM (
    SELECT b.bulletin_no, m.first_found_on
    FROM bulletins b
    LEFT JOIN (
        SELECT bulletin_no, min(found_on) AS first_found_on
        FROM matches
        WHERE status = 'confirmed' AND ($bulletin_no::VARCHAR IS NULL OR bulletin_no = $bulletin_no::VARCHAR)
        GROUP BY bulletin_no
    ) m ON m.bulletin_no = b.bulletin_no
    WHERE ($bulletin_no::VARCHAR IS NULL OR b.bulletin_no = $bulletin_no::VARCHAR)
      AND b.first_found_on IS DISTINCT FROM m.first_found_on
) f
WHERE bulletins.bulletin_no = f.bulletin_no
