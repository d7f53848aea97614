-- Joint operations, steps 2-4: harmonised rows (ingest_direction_map, ingest_districts_map), then duplicates /
-- versions / upsert by code with previous versions in operations_history, as for incidents.
CREATE OR REPLACE TEMP TABLE ingest_ready AS
SELECT
    s.rid, s.line_no, s.row_hash, s.started_on AS period_day,
    s.code, s.name,
    CASE WHEN s.direction_raw IS NULL THEN NULL ELSE coalesce(dm.direction, 'other') END AS direction,
    s.direction_raw, s.started_on, s.ended_on, s.participants,
    coalesce(CAST(dd.districts AS VARCHAR[]), CAST([] AS VARCHAR[])) AS districts, s.districts_raw,
    s.detained, s.cases_opened, s.drugs_seized_g, s.weapons_seized, s.ammunition_seized, s.livestock_returned,
    s.vehicles_returned, s.phones_returned, s.online_resources_blocked, s.prevention_events, s.minors_reached,
    s.note, s.extra,
    -- for warnings
    s.ended_raw, dd.unknown AS unknown_districts, s.direction_raw IS NOT NULL AND dm.direction IS NULL AS unknown_direction,
    s.detained_raw, s.cases_opened_raw, s.drugs_seized_g_raw, s.weapons_seized_raw, s.ammunition_seized_raw,
    s.livestock_returned_raw, s.vehicles_returned_raw, s.phones_returned_raw, s.online_resources_blocked_raw,
    s.prevention_events_raw, s.minors_reached_raw
FROM ingest_stage s
LEFT JOIN ingest_direction_map dm ON dm.direction_raw = s.direction_raw
LEFT JOIN ingest_districts_map dd ON dd.districts_raw = s.districts_raw
WHERE s.reject_reason IS NULL;

CREATE OR REPLACE TEMP TABLE ingest_keys_multi AS
SELECT code FROM ingest_ready GROUP BY code HAVING count(*) > 1;

CREATE OR REPLACE TEMP TABLE ingest_versions AS
WITH multi AS (
    SELECT r.rid, row_number() OVER (PARTITION BY r.code, r.row_hash ORDER BY r.line_no) AS dup_rank
    FROM ingest_ready r SEMI JOIN ingest_keys_multi k ON k.code = r.code
), distinct_multi AS (
    SELECT m.rid,
           row_number() OVER (PARTITION BY r.code ORDER BY r.line_no) AS ver,
           count(*) OVER (PARTITION BY r.code) AS nver
    FROM multi m JOIN ingest_ready r USING (rid)
    WHERE m.dup_rank = 1
)
SELECT r.rid, coalesce(d.ver, CASE WHEN m.rid IS NULL THEN 1 END) AS ver,
       coalesce(d.nver, CASE WHEN m.rid IS NULL THEN 1 END) AS nver
FROM ingest_ready r
LEFT JOIN multi m USING (rid)
LEFT JOIN distinct_multi d USING (rid);

CREATE OR REPLACE TEMP TABLE ingest_outcome AS
SELECT
    v.rid, v.ver, v.nver, r.code,
    e.code IS NOT NULL AS existed,
    CASE
        WHEN v.ver IS NULL THEN 'duplicate'
        WHEN v.ver > 1 THEN 'updated'
        WHEN e.code IS NULL THEN 'accepted'
        WHEN (r.name, r.direction, r.direction_raw, r.started_on, r.ended_on, r.participants, r.districts,
              r.districts_raw, r.detained, r.cases_opened, r.drugs_seized_g, r.weapons_seized, r.ammunition_seized,
              r.livestock_returned, r.vehicles_returned, r.phones_returned, r.online_resources_blocked,
              r.prevention_events, r.minors_reached, r.note, CAST(r.extra AS VARCHAR))
             IS NOT DISTINCT FROM
             (e.name, e.direction, e.direction_raw, e.started_on, e.ended_on, e.participants, e.districts,
              e.districts_raw, e.detained, e.cases_opened, e.drugs_seized_g, e.weapons_seized, e.ammunition_seized,
              e.livestock_returned, e.vehicles_returned, e.phones_returned, e.online_resources_blocked,
              e.prevention_events, e.minors_reached, e.note, CAST(e.extra AS VARCHAR))
            THEN 'duplicate'
        ELSE 'updated'
    END AS outcome
FROM ingest_versions v
JOIN ingest_ready r USING (rid)
LEFT JOIN operations e ON e.code = r.code;

CREATE OR REPLACE TEMP TABLE ingest_replace_keys AS
SELECT DISTINCT code FROM ingest_outcome WHERE existed AND outcome = 'updated';

CREATE OR REPLACE TEMP TABLE ingest_final AS
SELECT r.code, r.name, r.direction, r.direction_raw, r.started_on, r.ended_on, r.participants, r.districts,
       r.districts_raw, r.detained, r.cases_opened, r.drugs_seized_g, r.weapons_seized, r.ammunition_seized,
       r.livestock_returned, r.vehicles_returned, r.phones_returned, r.online_resources_blocked,
       r.prevention_events, r.minors_reached, r.note, r.extra, o.ver, o.nver, o.outcome, o.existed
FROM ingest_outcome o JOIN ingest_ready r USING (rid);

INSERT INTO operations_history BY NAME
SELECT e.*, p.upload_id AS replaced_by
FROM operations e SEMI JOIN ingest_replace_keys k ON k.code = e.code, ingest_params p;

INSERT INTO operations_history BY NAME
SELECT f.* EXCLUDE (ver, nver, outcome, existed), p.upload_id AS upload_id, p.upload_id AS replaced_by
FROM ingest_final f, ingest_params p
WHERE f.ver < f.nver AND f.outcome <> 'duplicate';

DELETE FROM operations USING ingest_final f
WHERE f.existed AND f.ver = f.nver AND f.outcome <> 'duplicate' AND operations.code = f.code;

INSERT INTO operations BY NAME
SELECT f.* EXCLUDE (ver, nver, outcome, existed), p.upload_id AS upload_id
FROM ingest_final f, ingest_params p
WHERE f.ver = f.nver AND f.outcome <> 'duplicate';

INSERT INTO warnings (upload_id, line_no, field, reason, value)
WITH w AS (
    SELECT r.* FROM ingest_ready r SEMI JOIN ingest_outcome o ON o.rid = r.rid AND o.outcome <> 'duplicate'
)
SELECT p.upload_id, x.line_no, x.field, x.reason, x.value
FROM (
    SELECT line_no, 'ended_on' AS field, 'bad_date' AS reason, ended_raw AS value
    FROM w WHERE ended_raw IS NOT NULL AND ended_on IS NULL
    UNION ALL
    SELECT line_no, 'ended_on', 'ended_before_start', ended_raw FROM w WHERE ended_on < started_on
    UNION ALL
    SELECT line_no, 'direction', 'unknown_direction', direction_raw FROM w WHERE unknown_direction
    UNION ALL
    SELECT line_no, 'districts', 'unknown_district', unnest(unknown_districts) FROM w WHERE len(unknown_districts) > 0
    UNION ALL
    SELECT line_no, field, 'bad_number', raw
    FROM (
        SELECT line_no, unnest([
            {'field': 'detained', 'raw': detained_raw, 'bad': detained IS NULL},
            {'field': 'cases_opened', 'raw': cases_opened_raw, 'bad': cases_opened IS NULL},
            {'field': 'drugs_seized_g', 'raw': drugs_seized_g_raw, 'bad': drugs_seized_g IS NULL},
            {'field': 'weapons_seized', 'raw': weapons_seized_raw, 'bad': weapons_seized IS NULL},
            {'field': 'ammunition_seized', 'raw': ammunition_seized_raw, 'bad': ammunition_seized IS NULL},
            {'field': 'livestock_returned', 'raw': livestock_returned_raw, 'bad': livestock_returned IS NULL},
            {'field': 'vehicles_returned', 'raw': vehicles_returned_raw, 'bad': vehicles_returned IS NULL},
            {'field': 'phones_returned', 'raw': phones_returned_raw, 'bad': phones_returned IS NULL},
            {'field': 'online_resources_blocked', 'raw': online_resources_blocked_raw,
             'bad': online_resources_blocked IS NULL},
            {'field': 'prevention_events', 'raw': prevention_events_raw, 'bad': prevention_events IS NULL},
            {'field': 'minors_reached', 'raw': minors_reached_raw, 'bad': minors_reached IS NULL}
        ], recursive := true)
        FROM w
    )
    WHERE raw IS NOT NULL AND bad
) x, ingest_params p;
