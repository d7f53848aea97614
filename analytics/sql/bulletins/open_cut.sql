-- open_list.sql with the cut-off day given ($last_day, from open_cutoff.sql): as a constant the day is a filter
-- of the scan itself, so only the bulletins sent by then decompress their numbers and details (a join on row ids
-- or on a computed day reads every bulletin's strings first). bulletins.open_bulletins checks that the cut
-- still holds $limit rows (data may change between the two statements) and otherwise runs open_list.sql.
SELECT bulletin_no,
       CASE initiator_side WHEN 'KZ' THEN 'KZ→KG' WHEN 'KG' THEN 'KG→KZ' ELSE initiator_side END AS direction,
       initiator_side, object_kind, sent_on, unit, make_model,
       coalesce(plate_raw, vin_raw, imei_raw, serial_raw, tag_raw) AS identifier,
       $as_of::DATE - sent_on AS age_days,
       CASE WHEN age_days <= 30 THEN '0-30' WHEN age_days <= 90 THEN '31-90'
            WHEN age_days <= 365 THEN '91-365' ELSE '>365' END AS age_bucket
FROM bulletins
WHERE sent_on <= $last_day::DATE AND sent_on <= $as_of::DATE
  AND NOT coalesce(first_found_on <= $as_of::DATE, false)
  AND NOT (status IN ('found', 'returned', 'withdrawn') AND (closed_on IS NULL OR closed_on <= $as_of::DATE))
ORDER BY age_days DESC, bulletin_no
LIMIT $limit::BIGINT
