-- Bulletins still open as of $as_of with their age and ageing bucket, oldest first ($limit NULL = all).
-- Appended to state.sql. Oldest = earliest sent_on, ties by bulletin_no. The cut is found on the dates alone:
-- every open bulletin sent on or before the $limit-th oldest one's day is a candidate (ties included), and only
-- those candidates read their bulletin numbers and details.
, open_rows AS (
    SELECT row_id, direction, sent_on, age_days FROM state WHERE is_open
),
cutoff AS (
    SELECT max(sent_on) AS last_day
    FROM (SELECT sent_on FROM open_rows ORDER BY sent_on LIMIT $limit::BIGINT)
),
candidates AS (
    SELECT o.* FROM open_rows o, cutoff c
    WHERE $limit::BIGINT IS NULL OR o.sent_on <= c.last_day
)
SELECT b.bulletin_no, o.direction, b.initiator_side, b.object_kind, b.sent_on, b.unit, b.make_model,
       coalesce(b.plate_raw, b.vin_raw, b.imei_raw, b.serial_raw, b.tag_raw) AS identifier,
       o.age_days,
       CASE WHEN o.age_days <= 30 THEN '0-30' WHEN o.age_days <= 90 THEN '31-90'
            WHEN o.age_days <= 365 THEN '91-365' ELSE '>365' END AS age_bucket
FROM candidates o JOIN bulletins b ON b.rowid = o.row_id
ORDER BY o.age_days DESC, b.bulletin_no
LIMIT $limit::BIGINT
