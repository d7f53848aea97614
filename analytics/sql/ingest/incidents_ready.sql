-- Incidents, step 3: accepted rows with every harmonised column (category, places, status, geo, currency).
-- A view: its rows are materialised once, by the INSERT into incidents; the joins are on small look-up tables.
CREATE OR REPLACE TEMP VIEW ingest_ready AS
SELECT
    s.rid, s.line_no,
    s.side, s.source_id, s.registered_on, s.occurred_at, s.registered_on AS period_day,
    s.article_raw, s.title_raw, s.object_raw,
    CASE
        WHEN s.category_raw IN (SELECT category FROM ref_categories) THEN s.category_raw
        ELSE coalesce(sc.category, cc.plain_category, 'other')
    END AS category,
    s.category_raw IS NULL AND sc.category IS NULL AND cc.plain_category IS NULL AS unmapped,
    pm.oblast, pm.district, s.district_raw, s.oblast_raw, s.settlement,
    g.lat, g.lon,
    coalesce(g.geo_ok, false) AS geo_ok,
    CASE WHEN g.side IS NULL THEN 'missing' ELSE g.geo_flag END AS geo_flag,
    CAST(coalesce(g.h3_r7, 0) AS UBIGINT) AS h3_r7,
    g.border_km,
    CASE WHEN s.status_raw IS NULL THEN NULL ELSE coalesce(st.status, 'other') END AS status,
    s.status_raw,
    s.damage,
    CASE
        WHEN upper(s.currency_raw) IN ('KZT', 'KGS') THEN upper(s.currency_raw)
        WHEN s.side = 'KZ' THEN 'KZT'
        WHEN s.side = 'KG' THEN 'KGS'
    END AS currency,
    s.online, s.minor_involved, s.foreign_national,
    s.summary, s.extra,
    -- raw values kept for warnings
    s.occurred_raw, s.occurred_time_raw, s.occurred_time, s.coords_bad, s.lat_in, s.lon_in,
    s.damage_raw, s.online_raw, s.minor_raw, s.foreign_raw
FROM ingest_stage s
LEFT JOIN ingest_combo_cat cc ON cc.combo_key = s.combo_key
LEFT JOIN (
    SELECT rid, max_by(category, score) AS category FROM ingest_summary_hits GROUP BY rid
) sc ON sc.rid = s.rid
LEFT JOIN ingest_place_map pm ON pm.place_key = s.place_key
LEFT JOIN ingest_status_map st ON st.status_raw = s.status_raw
LEFT JOIN ingest_geo g ON g.side = s.side AND g.lat_in = s.lat_in AND g.lon_in = s.lon_in
WHERE s.reject_reason IS NULL;
