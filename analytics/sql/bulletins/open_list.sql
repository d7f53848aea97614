-- Bulletins still open as of $as_of with their age and ageing bucket, oldest first ($limit NULL = all).
-- Appended to state.sql.
SELECT bulletin_no, direction, initiator_side, object_kind, sent_on, unit, make_model,
       coalesce(plate_raw, vin_raw, imei_raw, serial_raw, tag_raw) AS identifier,
       age_days,
       CASE WHEN age_days <= 30 THEN '0-30' WHEN age_days <= 90 THEN '31-90'
            WHEN age_days <= 365 THEN '91-365' ELSE '>365' END AS age_bucket
FROM state
WHERE is_open
ORDER BY age_days DESC, bulletin_no
LIMIT $limit::BIGINT
