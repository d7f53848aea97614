-- The `state` CTE of state.sql read from bulletin_state (migration 061), used when that table is fresh: the same
-- columns and values, computed at $as_of from the stored first find, status code and dates (no joins).
-- status_code: 1 found, 2 returned, 3 withdrawn, 0 anything else.
WITH flagged AS (
    SELECT row_id, sent_on, object_kind, direction,
           least(
               CASE WHEN first_found_on <= $as_of::DATE THEN first_found_on END,
               CASE WHEN status_code IN (1, 2) AND closed_on <= $as_of::DATE THEN closed_on END
           ) AS found_on,
           first_found_on <= $as_of::DATE
               OR (status_code IN (1, 2) AND (closed_on IS NULL OR closed_on <= $as_of::DATE)) AS found_any,
           status_code = 2 AND (closed_on IS NULL OR closed_on <= $as_of::DATE) AS is_returned,
           status_code = 3 AND (closed_on IS NULL OR closed_on <= $as_of::DATE) AS closed_withdrawn
    FROM bulletin_state
    WHERE sent_on <= $as_of::DATE
),
state AS (
    SELECT row_id, sent_on, object_kind, direction, found_on, coalesce(found_any, false) AS is_found, is_returned,
           NOT coalesce(found_any, false) AND closed_withdrawn AS is_withdrawn,
           NOT coalesce(found_any, false) AND NOT closed_withdrawn AS is_open,
           CASE WHEN found_on IS NOT NULL THEN greatest(0, found_on - sent_on) END AS days_to_find,
           $as_of::DATE - sent_on AS age_days
    FROM flagged
)
