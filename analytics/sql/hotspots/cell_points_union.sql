-- The parts of cell_points.sql (each with its cell condition and filter conditions) joined by UNION ALL in
-- place of the placeholder below, in the order of points.sql (also for cell_rows.sql).
SELECT *
FROM (
{parts}
)
ORDER BY side, source_id
