-- Raw edge days + pre-aggregated whole months, summed per group.
SELECT /*dims*/ /*totals*/ FROM (/*parts*/) AS parts /*group_by*/
