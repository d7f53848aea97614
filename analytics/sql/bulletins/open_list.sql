-- Bulletins still open as of $as_of with their age and ageing bucket, oldest first ($limit NULL = all).
-- Appended to state.sql. The oldest are picked on the key columns first; only those rows fetch their details.
, oldest AS (
    SELECT bulletin_no, direction, age_days FROM state WHERE is_open
    ORDER BY age_days DESC, bulletin_no
    LIMIT $limit::BIGINT
)
SELECT o.bulletin_no, o.direction, b.initiator_side, b.object_kind, b.sent_on, b.unit, b.make_model,
       coalesce(b.plate_raw, b.vin_raw, b.imei_raw, b.serial_raw, b.tag_raw) AS identifier,
       o.age_days,
       CASE WHEN o.age_days <= 30 THEN '0-30' WHEN o.age_days <= 90 THEN '31-90'
            WHEN o.age_days <= 365 THEN '91-365' ELSE '>365' END AS age_bucket
FROM oldest o JOIN bulletins b USING (bulletin_no)
ORDER BY o.age_days DESC, o.bulletin_no
