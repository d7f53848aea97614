-- border_bands.sql read from the pre-aggregate for whole months: bound (1) the viewer sees every side,
-- (2) the viewer's side, (3) first month, (4) end month, exclusive. As in the viewer's incidents view, the
-- other side's incidents count only when its sharing policy shows their coordinates (an unknown side's
-- never). The caller appends the filter conditions (alias b, without dates).
SELECT b.side, b.category, b.district, b.month, b.band::INTEGER AS band, b.n AS count
FROM border_monthly AS b
LEFT JOIN sharing_visibility AS v ON v.owner_side = b.side
WHERE (? OR b.side = ? OR coalesce(v.coordinates, false))
  AND b.month >= ? AND b.month < ?
