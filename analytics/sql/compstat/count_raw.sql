-- Counts per named range (FILTER aggregates) over the raw spans.
SELECT /*dims*/ /*counts*/ FROM (/*scans*/) AS raw /*group_by*/
