-- Incidents, step 1: type every field of every row and decide rejects (the validation contract).
-- Reads the per-file view ingest_src (f_<field> columns, text) and ingest_params (one row).
CREATE OR REPLACE TEMP TABLE ingest_stage AS
WITH parsed AS (
    SELECT
        s.rid,
        s.line_no,
        s.too_many_cells,
        coalesce(ingest_side(s.f_side), p.side) AS side,
        s.f_side AS side_raw,
        -- the ' of a formula-safe export, stripped only where present (ltrim on every row costs more)
        CASE WHEN starts_with(s.f_source_id, '''') THEN ltrim(s.f_source_id, '''') ELSE s.f_source_id END AS source_id,
        s.f_registered_on AS registered_on_raw,
        ingest_ts(s.f_registered_on) AS registered_ts,
        s.f_occurred_at AS occurred_raw,
        ingest_ts(s.f_occurred_at) AS occurred_ts,
        s.f_occurred_time AS occurred_time_raw,
        ingest_time(s.f_occurred_time) AS occurred_time,
        s.f_article_raw AS article_raw,
        s.f_title_raw AS title_raw,
        s.f_object_raw AS object_raw,
        s.f_category AS category_raw,
        s.f_oblast AS oblast_raw,
        s.f_district_raw AS district_raw,
        s.f_settlement AS settlement,
        s.f_lat AS lat_raw,
        s.f_lon AS lon_raw,
        s.f_coords AS coords_raw,
        coalesce(ingest_num(s.f_lat), ingest_coord_part(s.f_coords, 1)) AS lat_in,
        coalesce(ingest_num(s.f_lon), ingest_coord_part(s.f_coords, 2)) AS lon_in,
        s.f_status_raw AS status_raw,
        s.f_damage AS damage_raw,
        ingest_num(s.f_damage) AS damage,
        s.f_currency AS currency_raw,
        s.f_online AS online_raw,
        ingest_flag(s.f_online) AS online,
        s.f_minor_involved AS minor_raw,
        ingest_flag(s.f_minor_involved) AS minor_involved,
        s.f_foreign_national AS foreign_raw,
        ingest_flag(s.f_foreign_national) AS foreign_national,
        s.f_summary AS summary,
        s.extra,
        p.today
    FROM ingest_src s, ingest_params p
), dated AS (
    SELECT
        * EXCLUDE (registered_ts, occurred_ts),
        CAST(registered_ts AS DATE) AS registered_on,
        CASE
            WHEN occurred_time IS NOT NULL AND CAST(occurred_ts AS TIME) = TIME '00:00'
                THEN CAST(occurred_ts AS DATE) + occurred_time
            ELSE occurred_ts
        END AS occurred_at,
        -- keys of the look-ups done on distinct values (category combinations, places)
        hash(side, article_raw, object_raw, title_raw) AS combo_key,
        hash(side, oblast_raw, district_raw) AS place_key
    FROM parsed
)
SELECT
    * EXCLUDE (registered_on_raw, occurred_raw, occurred_time_raw, lat_raw, lon_raw, coords_raw, damage_raw, online_raw,
               minor_raw, foreign_raw, today),
    -- raw text kept only where it did not parse (for the warnings)
    CASE WHEN occurred_at IS NULL THEN occurred_raw END AS occurred_raw,
    CASE WHEN occurred_time IS NULL THEN occurred_time_raw END AS occurred_time_raw,
    CASE WHEN lat_in IS NULL OR lon_in IS NULL THEN concat_ws(' ', coords_raw, lat_raw, lon_raw) END AS coords_bad,
    CASE WHEN damage IS NULL THEN damage_raw END AS damage_raw,
    CASE WHEN online IS NULL THEN online_raw END AS online_raw,
    CASE WHEN minor_involved IS NULL THEN minor_raw END AS minor_raw,
    CASE WHEN foreign_national IS NULL THEN foreign_raw END AS foreign_raw,
    CASE
        WHEN too_many_cells THEN 'too_many_cells'
        WHEN source_id IS NULL OR source_id = '' THEN 'missing_number'
        WHEN side IS NULL THEN 'missing_side'
        WHEN registered_on IS NULL AND ingest_trim(registered_on_raw) IS NULL THEN 'missing_date'
        WHEN registered_on IS NULL THEN 'bad_date'
        WHEN registered_on > today THEN 'future_date'
    END AS reject_reason
FROM dated;
