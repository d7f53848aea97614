-- Bulletins still open as of $as_of (see ageing.sql), oldest first
-- ($limit NULL = all), ties by bulletin_no. The cut is found on the dates alone (every open bulletin sent on or
-- before the $limit-th oldest one's day is a candidate, ties included), so only those candidates decompress
-- their bulletin numbers and details.
WITH open_rows AS (
    SELECT rowid AS row_id, sent_on
    FROM bulletins
    WHERE sent_on <= $as_of::DATE
      AND NOT coalesce(first_found_on <= $as_of::DATE, false)
      AND NOT (status IN ('found', 'returned', 'withdrawn') AND (closed_on IS NULL OR closed_on <= $as_of::DATE))
),
cutoff AS (
    SELECT max(sent_on) AS last_day
    FROM (SELECT sent_on FROM open_rows ORDER BY sent_on LIMIT $limit::BIGINT)
),
candidates AS (
    SELECT o.row_id, $as_of::DATE - o.sent_on AS age_days
    FROM open_rows o, cutoff c
    WHERE $limit::BIGINT IS NULL OR o.sent_on <= c.last_day
)
SELECT b.bulletin_no,
       CASE b.initiator_side WHEN 'KZ' THEN 'KZ→KG' WHEN 'KG' THEN 'KG→KZ' ELSE b.initiator_side END AS direction,
       b.initiator_side, b.object_kind, b.sent_on, b.unit, b.make_model,
       coalesce(b.plate_raw, b.vin_raw, b.imei_raw, b.serial_raw, b.tag_raw) AS identifier,
       o.age_days,
       CASE WHEN o.age_days <= 30 THEN '0-30' WHEN o.age_days <= 90 THEN '31-90'
            WHEN o.age_days <= 365 THEN '91-365' ELSE '>365' END AS age_bucket
FROM candidates o JOIN bulletins b ON b.rowid = o.row_id
ORDER BY o.age_days DESC, b.bulletin_no
LIMIT $limit::BIGINT
