-- One fabula rule (bound: rule_id, regex) on the rows of the combinations it applies to. The regex is a bound
-- constant, so it is compiled once, and matched case-insensitively without lower-casing every fabula.
INSERT INTO ingest_summary_hits
SELECT s.rid, r.category, r.score
FROM ingest_stage s
JOIN ingest_summary_rules r ON r.combo_key = s.combo_key AND r.rule_id = $1
WHERE s.reject_reason IS NULL AND regexp_matches(s.summary, $2, 'i');
