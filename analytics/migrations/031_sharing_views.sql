-- 031: incidents as each side may read them, driven by sharing_policy at query time (no rebuild
-- when an admin changes the policy). Same columns as incidents; hidden cells are NULL; where the
-- coordinates are hidden geo_ok is false and geo_flag is 'hidden' so maps fall back to districts.
-- A row of an unknown side has every field hidden; a field without a policy row takes the default
-- of analytics/sharing.py (DEFAULT_HIDDEN).

CREATE OR REPLACE VIEW sharing_visibility AS
SELECT s.owner_side,
       coalesce(bool_and(p.visible) FILTER (WHERE p.field = 'summary'), false)     AS summary,
       coalesce(bool_and(p.visible) FILTER (WHERE p.field = 'coordinates'), false) AS coordinates,
       coalesce(bool_and(p.visible) FILTER (WHERE p.field = 'settlement'), false)  AS settlement,
       coalesce(bool_and(p.visible) FILTER (WHERE p.field = 'extra'), false)       AS extra,
       coalesce(bool_and(p.visible) FILTER (WHERE p.field = 'occurred_at'), true)  AS occurred_at,
       coalesce(bool_and(p.visible) FILTER (WHERE p.field = 'damage'), true)       AS damage,
       coalesce(bool_and(p.visible) FILTER (WHERE p.field = 'source_id'), true)    AS source_id
FROM (VALUES ('KZ'), ('KG')) AS s(owner_side)
LEFT JOIN sharing_policy AS p ON p.owner_side = s.owner_side
GROUP BY s.owner_side;

CREATE OR REPLACE VIEW incidents_seen_by_kz AS
SELECT i.* REPLACE (
    CASE WHEN i.side = 'KZ' OR v.source_id THEN i.source_id END     AS source_id,
    CASE WHEN i.side = 'KZ' OR v.occurred_at THEN i.occurred_at END AS occurred_at,
    CASE WHEN i.side = 'KZ' OR v.settlement THEN i.settlement END   AS settlement,
    CASE WHEN i.side = 'KZ' OR v.coordinates THEN i.lat END         AS lat,
    CASE WHEN i.side = 'KZ' OR v.coordinates THEN i.lon END         AS lon,
    CASE WHEN i.side = 'KZ' OR v.coordinates THEN i.h3_r7 END       AS h3_r7,
    CASE WHEN i.side = 'KZ' OR v.coordinates THEN i.border_km END   AS border_km,
    i.geo_ok AND coalesce(i.side = 'KZ' OR v.coordinates, false)    AS geo_ok,
    CASE WHEN i.side = 'KZ' OR v.coordinates THEN i.geo_flag ELSE 'hidden' END AS geo_flag,
    CASE WHEN i.side = 'KZ' OR v.damage THEN i.damage END           AS damage,
    CASE WHEN i.side = 'KZ' OR v.summary THEN i.summary END         AS summary,
    CASE WHEN i.side = 'KZ' OR v.extra THEN i.extra END             AS extra
)
FROM incidents AS i
LEFT JOIN sharing_visibility AS v ON v.owner_side = i.side;

CREATE OR REPLACE VIEW incidents_seen_by_kg AS
SELECT i.* REPLACE (
    CASE WHEN i.side = 'KG' OR v.source_id THEN i.source_id END     AS source_id,
    CASE WHEN i.side = 'KG' OR v.occurred_at THEN i.occurred_at END AS occurred_at,
    CASE WHEN i.side = 'KG' OR v.settlement THEN i.settlement END   AS settlement,
    CASE WHEN i.side = 'KG' OR v.coordinates THEN i.lat END         AS lat,
    CASE WHEN i.side = 'KG' OR v.coordinates THEN i.lon END         AS lon,
    CASE WHEN i.side = 'KG' OR v.coordinates THEN i.h3_r7 END       AS h3_r7,
    CASE WHEN i.side = 'KG' OR v.coordinates THEN i.border_km END   AS border_km,
    i.geo_ok AND coalesce(i.side = 'KG' OR v.coordinates, false)    AS geo_ok,
    CASE WHEN i.side = 'KG' OR v.coordinates THEN i.geo_flag ELSE 'hidden' END AS geo_flag,
    CASE WHEN i.side = 'KG' OR v.damage THEN i.damage END           AS damage,
    CASE WHEN i.side = 'KG' OR v.summary THEN i.summary END         AS summary,
    CASE WHEN i.side = 'KG' OR v.extra THEN i.extra END             AS extra
)
FROM incidents AS i
LEFT JOIN sharing_visibility AS v ON v.owner_side = i.side;
