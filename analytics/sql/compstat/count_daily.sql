-- Counts per named range over the edge days of the daily pre-aggregate (migration 090); the first and
-- last edge day bound the scan (the table is ordered by day: zonemaps prune it).
SELECT /*dims*/ /*sums*/ FROM incidents_daily WHERE day BETWEEN ? AND ? /*filters*/ /*group_by*/
