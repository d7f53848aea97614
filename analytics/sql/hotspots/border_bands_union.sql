-- band_table's counts from parts joined by UNION ALL in place of the placeholder below: whole months from
-- border_monthly (border_monthly_bands.sql with its filter conditions) and each partial edge month from the
-- incidents (border_bands.sql with its filter conditions, the edge's dates and GROUP BY ALL).
SELECT side, category, district, month, band, sum(count)::BIGINT AS count
FROM (
{parts}
)
GROUP BY ALL
ORDER BY ALL
