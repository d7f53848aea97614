-- Incidents, step 2: harmonised category from ref_category_rules, evaluated on DISTINCT
-- (side, article, object, title) combinations; fabula (summary) regexes only for rows whose combination has a
-- summary rule that could beat the best plain rule. Highest priority wins; a tie goes to the rule listed first.
CREATE OR REPLACE TEMP TABLE ingest_rules AS
SELECT
    row_number() OVER () AS rule_order,
    rule_id,
    nullif(trim(side), '') AS side,
    nullif(trim(article), '') AS article,
    nullif(trim(part), '') AS part,
    nullif(trim(item), '') AS item,
    nullif(lower(trim(object_regex)), '') AS object_regex,
    nullif(lower(trim(title_regex)), '') AS title_regex,
    nullif(lower(trim(summary_regex)), '') AS summary_regex,
    trim(category) AS category,
    coalesce(try_cast(priority AS INTEGER), 0) AS priority
FROM ref_category_rules;

CREATE OR REPLACE TEMP TABLE ingest_combo AS
WITH c AS (
    SELECT DISTINCT side, article_raw, object_raw, title_raw
    FROM ingest_stage
    WHERE reject_reason IS NULL
), l AS (
    SELECT *, lower(article_raw) AS article_l FROM c
)
SELECT
    row_number() OVER () AS combo_id,
    side, article_raw, object_raw, title_raw,
    lower(object_raw) AS object_l,
    lower(title_raw) AS title_l,
    nullif(regexp_extract(article_l, '(\d+(?:-\d+)?)', 1), '') AS art,
    coalesce(
        nullif(regexp_extract(article_l, '(?:^|[^а-яёa-zәғқңөұүһі])(?:ч|част[ьи]|part)\.?\s*(\d+)', 1), ''),
        nullif(regexp_extract(article_l, '(\d+)\s*-?\s*(?:бөл|ч\.|част)', 1), '')
    ) AS part,
    coalesce(
        nullif(regexp_extract(article_l, '(?:^|[^а-яёa-zәғқңөұүһі])(?:п|пункт|item)\.?\s*(\d+)', 1), ''),
        nullif(regexp_extract(article_l, '(\d+)\s*-?\s*(?:тармақ|пункт)', 1), '')
    ) AS item
FROM l;

CREATE OR REPLACE TEMP TABLE ingest_combo_rules AS
SELECT c.combo_id, r.rule_order, r.category, r.summary_regex,
       CAST(r.priority AS BIGINT) * 1000000 - r.rule_order AS score
FROM ingest_combo c
JOIN ingest_rules r
  ON (r.side IS NULL OR r.side = c.side)
 AND (r.article IS NULL OR r.article = c.art)
 AND (r.part IS NULL OR r.part = c.part)
 AND (r.item IS NULL OR r.item = c.item)
 AND (r.object_regex IS NULL OR coalesce(regexp_matches(c.object_l, r.object_regex), false))
 AND (r.title_regex IS NULL OR coalesce(regexp_matches(c.title_l, r.title_regex), false));

CREATE OR REPLACE TEMP TABLE ingest_combo_cat AS
WITH plain AS (
    SELECT combo_id, max_by(category, score) AS category, max(score) AS score
    FROM ingest_combo_rules
    WHERE summary_regex IS NULL
    GROUP BY combo_id
), needs AS (
    SELECT DISTINCT r.combo_id
    FROM ingest_combo_rules r LEFT JOIN plain p USING (combo_id)
    WHERE r.summary_regex IS NOT NULL AND r.score > coalesce(p.score, -9223372036854775807)
)
SELECT c.combo_id, c.side, c.article_raw, c.object_raw, c.title_raw,
       p.category AS plain_category, p.score AS plain_score,
       n.combo_id IS NOT NULL AS needs_summary
FROM ingest_combo c
LEFT JOIN plain p USING (combo_id)
LEFT JOIN needs n USING (combo_id);

CREATE OR REPLACE TEMP TABLE ingest_summary_cat AS
SELECT s.rid, max_by(r.category, r.score) AS category
FROM ingest_stage s
JOIN ingest_combo_cat c
  ON c.needs_summary
 AND s.side IS NOT DISTINCT FROM c.side
 AND s.article_raw IS NOT DISTINCT FROM c.article_raw
 AND s.object_raw IS NOT DISTINCT FROM c.object_raw
 AND s.title_raw IS NOT DISTINCT FROM c.title_raw
JOIN ingest_combo_rules r
  ON r.combo_id = c.combo_id AND r.summary_regex IS NOT NULL AND r.score > coalesce(c.plain_score, -9223372036854775807)
WHERE s.reject_reason IS NULL AND coalesce(regexp_matches(lower(s.summary), r.summary_regex), false)
GROUP BY s.rid;
