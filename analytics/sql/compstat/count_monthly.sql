-- Counts per named range over whole months of the pre-aggregate (migration 050).
SELECT /*dims*/ /*sums*/ FROM /*table*/ WHERE month BETWEEN ? AND ? /*filters*/ /*group_by*/
