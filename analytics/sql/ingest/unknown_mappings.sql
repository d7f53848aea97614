-- Incidents whose article / title / object matched no rule of category_rules.csv (category 'other'), grouped:
-- the list from which the analyst adds mapping rules. Rows mapped to 'other' by an explicit rule are excluded.
SELECT i.side, i.article_raw, i.title_raw, i.object_raw, count(*) AS incidents,
       min(i.registered_on) AS first_seen, max(i.registered_on) AS last_seen
FROM incidents i
WHERE i.category = 'other'
  AND NOT EXISTS (
      SELECT 1 FROM ref_category_rules r
      WHERE r.category = 'other'
        AND (r.side IS NULL OR r.side = i.side)
        AND (r.article IS NULL OR starts_with(coalesce(i.article_raw, ''), r.article))
  )
GROUP BY ALL
ORDER BY incidents DESC, i.side, i.article_raw NULLS LAST, i.title_raw NULLS LAST;
