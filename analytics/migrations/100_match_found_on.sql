-- Found dates kept by the writers, so the bulletin lifecycle (KPIs, ageing, open list) reads the bulletins alone
-- instead of joining the confirmed matches to the finds and incidents, and then to the bulletins, on text keys on
-- every page view.
-- matches.found_on: the date the matched record shows the object found (a find's found_at, an incident's
--   registration date); written when the pair is proposed, set again by an undo and by a load that replaces the
--   incident version; NULL when the record is gone.
-- bulletins.first_found_on: the earliest found_on of the bulletin's confirmed matches (NULL: none dated), kept by
--   analytics/sql/bulletins/first_found_refresh.sql after every decision, load and undo that can change it.
ALTER TABLE matches ADD COLUMN IF NOT EXISTS found_on DATE;
ALTER TABLE bulletins ADD COLUMN IF NOT EXISTS first_found_on DATE;
ALTER TABLE bulletins_history ADD COLUMN IF NOT EXISTS first_found_on DATE;

UPDATE matches SET found_on = f.found_at::DATE
FROM finds f
WHERE matches.ref_kind = 'find' AND f.find_id = matches.ref_id;

UPDATE matches SET found_on = i.registered_on
FROM incidents i
WHERE matches.ref_kind = 'incident' AND i.side = split_part(matches.ref_id, ':', 1)
  AND i.source_id = substr(matches.ref_id, strpos(matches.ref_id, ':') + 1);

UPDATE bulletins SET first_found_on = m.first_found_on
FROM (SELECT bulletin_no, min(found_on) AS first_found_on FROM matches WHERE status = 'confirmed' GROUP BY bulletin_no) m
WHERE bulletins.bulletin_no = m.bulletin_no;
