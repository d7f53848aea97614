-- Incidents, step 2: harmonised category from ref_category_rules, evaluated on the DISTINCT
-- (side, article, object, title) combinations. Rules with a fabula (summary) regex are evaluated per row afterwards
-- (category_summary.sql), only for rows whose combination has such a rule that could beat the best plain rule.
-- Highest priority wins; a tie goes to the rule listed first.
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
    SELECT combo_key, any_value(side) AS side, any_value(article_raw) AS article_raw,
           any_value(object_raw) AS object_raw, any_value(title_raw) AS title_raw
    FROM ingest_stage
    WHERE reject_reason IS NULL
    GROUP BY combo_key
), l AS (
    SELECT *, lower(article_raw) AS article_l FROM c
)
SELECT
    combo_key, side, article_raw, object_raw, title_raw,
    lower(object_raw) AS object_l,
    lower(title_raw) AS title_l,
    ingest_article_base(article_l) AS art,
    ingest_article_part(article_l) AS part,
    ingest_article_item(article_l) AS item
FROM l;

CREATE OR REPLACE TEMP TABLE ingest_combo_rules AS
SELECT c.combo_key, r.rule_order, r.rule_id, r.category, r.summary_regex,
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
    SELECT combo_key, max_by(category, score) AS category, max(score) AS score
    FROM ingest_combo_rules
    WHERE summary_regex IS NULL
    GROUP BY combo_key
)
SELECT c.combo_key, p.category AS plain_category, coalesce(p.score, -9223372036854775807) AS plain_score
FROM ingest_combo c
LEFT JOIN plain p USING (combo_key);

-- The fabula rules that can still change a combination's category, one row per (rule, combination).
CREATE OR REPLACE TEMP TABLE ingest_summary_rules AS
SELECT r.rule_id, r.summary_regex, r.category, r.score, r.combo_key
FROM ingest_combo_rules r JOIN ingest_combo_cat c USING (combo_key)
WHERE r.summary_regex IS NOT NULL AND r.score > c.plain_score;

CREATE OR REPLACE TEMP TABLE ingest_summary_hits (rid BIGINT, category VARCHAR, score BIGINT);
