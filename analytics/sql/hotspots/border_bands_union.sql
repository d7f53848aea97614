-- band_table's counts: whole months from border_monthly (the first placeholder: border_monthly_bands.sql
-- with its filter conditions) plus the partial edge months from the incidents (the second: border_bands.sql
-- with its filter conditions, the edge dates and GROUP BY ALL).
SELECT side, category, district, month, band, sum(count)::BIGINT AS count
FROM (
{monthly}
UNION ALL
{edges}
)
GROUP BY ALL
ORDER BY ALL
