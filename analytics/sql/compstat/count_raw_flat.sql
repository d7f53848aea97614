-- Counts per named range (FILTER aggregates) over one registration-date span of raw incidents
-- (a plain range predicate: zonemaps prune it). GROUP BY ALL groups by the dimension expressions.
SELECT /*dims*/ /*counts*/ FROM incidents WHERE registered_on BETWEEN ? AND ? /*filters*/ /*group_by*/
