-- Every (side, oblast) with the districts of the oblast, KZ first.
SELECT o.side, o.oblast, list(d.district ORDER BY d.district) FILTER (WHERE d.district IS NOT NULL) AS districts
FROM ref_oblasts o
LEFT JOIN ref_districts d ON d.oblast = o.oblast
GROUP BY o.side, o.oblast
ORDER BY CASE o.side WHEN 'KZ' THEN 0 WHEN 'KG' THEN 1 ELSE 2 END, o.oblast
