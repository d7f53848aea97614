-- Joint operations, step 1: type the fields, decide rejects (no code, or no valid past start date).
CREATE OR REPLACE TEMP TABLE ingest_stage AS
WITH parsed AS (
    SELECT
        s.rid, s.line_no, h.row_hash, s.too_many_cells,
        ltrim(s.f_code, '''') AS code,
        s.f_name AS name,
        s.f_direction_raw AS direction_raw,
        s.f_started_on AS started_raw, CAST(ingest_ts(s.f_started_on) AS DATE) AS started_on,
        s.f_ended_on AS ended_raw, CAST(ingest_ts(s.f_ended_on) AS DATE) AS ended_on,
        s.f_participants AS participants,
        s.f_districts_raw AS districts_raw,
        s.f_detained AS detained_raw, CAST(ingest_int(s.f_detained) AS INTEGER) AS detained,
        s.f_cases_opened AS cases_opened_raw, CAST(ingest_int(s.f_cases_opened) AS INTEGER) AS cases_opened,
        s.f_drugs_seized_g AS drugs_seized_g_raw, ingest_num(s.f_drugs_seized_g) AS drugs_seized_g,
        s.f_weapons_seized AS weapons_seized_raw, CAST(ingest_int(s.f_weapons_seized) AS INTEGER) AS weapons_seized,
        s.f_ammunition_seized AS ammunition_seized_raw,
        CAST(ingest_int(s.f_ammunition_seized) AS INTEGER) AS ammunition_seized,
        s.f_livestock_returned AS livestock_returned_raw,
        CAST(ingest_int(s.f_livestock_returned) AS INTEGER) AS livestock_returned,
        s.f_vehicles_returned AS vehicles_returned_raw,
        CAST(ingest_int(s.f_vehicles_returned) AS INTEGER) AS vehicles_returned,
        s.f_phones_returned AS phones_returned_raw, CAST(ingest_int(s.f_phones_returned) AS INTEGER) AS phones_returned,
        s.f_online_resources_blocked AS online_resources_blocked_raw,
        CAST(ingest_int(s.f_online_resources_blocked) AS INTEGER) AS online_resources_blocked,
        s.f_prevention_events AS prevention_events_raw,
        CAST(ingest_int(s.f_prevention_events) AS INTEGER) AS prevention_events,
        s.f_minors_reached AS minors_reached_raw, CAST(ingest_int(s.f_minors_reached) AS INTEGER) AS minors_reached,
        s.f_note AS note,
        s.extra,
        p.today
    FROM ingest_src s
    JOIN ingest_row_hash h ON h.rid = s.rid
    CROSS JOIN ingest_params p
)
SELECT
    *,
    CASE
        WHEN too_many_cells THEN 'too_many_cells'
        WHEN code IS NULL OR code = '' THEN 'missing_number'
        WHEN started_raw IS NULL THEN 'missing_date'
        WHEN started_on IS NULL THEN 'bad_date'
        WHEN started_on > today THEN 'future_date'
    END AS reject_reason
FROM parsed;
