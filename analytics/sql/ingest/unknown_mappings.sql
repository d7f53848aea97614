-- Article / title / object combinations of stored incidents that no rule of category_rules.csv matches (their
-- category is 'other' by default): the list from which the analyst adds mapping rules. Combinations sent to
-- 'other' on purpose by a rule (hooliganism, fraud …) are not listed. Needs the ingest macros.
WITH combos AS (
    SELECT side, article_raw, title_raw, object_raw, count(*) AS incidents,
           min(registered_on) AS first_seen, max(registered_on) AS last_seen
    FROM incidents
    WHERE category = 'other'
    GROUP BY ALL
), rules AS (
    SELECT nullif(trim(side), '') AS side, nullif(trim(article), '') AS article, nullif(trim(part), '') AS part,
           nullif(trim(item), '') AS item, nullif(lower(trim(object_regex)), '') AS object_regex,
           nullif(lower(trim(title_regex)), '') AS title_regex
    FROM ref_category_rules
    WHERE nullif(trim(summary_regex), '') IS NULL
), parsed AS (
    SELECT *, ingest_article_base(lower(article_raw)) AS art, ingest_article_part(lower(article_raw)) AS part,
           ingest_article_item(lower(article_raw)) AS item
    FROM combos
)
SELECT c.side, c.article_raw, c.title_raw, c.object_raw, c.incidents, c.first_seen, c.last_seen
FROM parsed c
WHERE NOT EXISTS (
    SELECT 1 FROM rules r
    WHERE (r.side IS NULL OR r.side = c.side)
      AND (r.article IS NULL OR r.article = c.art)
      AND (r.part IS NULL OR r.part = c.part)
      AND (r.item IS NULL OR r.item = c.item)
      AND (r.object_regex IS NULL OR coalesce(regexp_matches(lower(c.object_raw), r.object_regex), false))
      AND (r.title_regex IS NULL OR coalesce(regexp_matches(lower(c.title_raw), r.title_regex), false))
)
ORDER BY c.incidents DESC, c.side, c.article_raw NULLS LAST, c.title_raw NULLS LAST;
