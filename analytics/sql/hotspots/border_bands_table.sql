-- band_table's rows, final columns and order: counts from parts joined by UNION ALL in place of the
-- placeholder below (whole months from border_monthly_bands.sql, partial months or a whole period from
-- border_bands.sql, each with its filter conditions and GROUP BY ALL). Bound first: the band labels
-- (analytics.border.BAND_LABELS), so that the frame needs no column added in pandas.
SELECT side, category, district, month, band::BIGINT AS band, (?::VARCHAR[])[band + 1] AS band_km,
       sum(count)::BIGINT AS count
FROM (
{parts}
)
GROUP BY side, category, district, month, band
ORDER BY side, category, district, month, band
