-- Bulletins and finds carrying an identifier, whatever its kind: exact normalised keys, or (keys of 5+
-- characters) a key containing it. $refs: raw bulletin numbers on finds that normalise to $bulletin.
SELECT 'bulletin' AS record, bulletin_no AS id, initiator_side AS side, object_kind, sent_on AS on_date,
       status, coalesce(plate_raw, vin_raw, imei_raw, serial_raw, tag_raw) AS identifier, bulletin_no AS bulletin
FROM bulletins
WHERE plate_norm = $plate OR vin_norm = $vin OR imei_norm = $imei OR serial_norm = $serial OR tag_norm = $tag
   OR bulletin_key = $bulletin OR list_contains($bulletin_nos, bulletin_no)
   OR ($partial AND (contains(plate_norm, $plate) OR contains(vin_norm, $plate) OR contains(imei_norm, $digits)
                     OR contains(serial_norm, $serial) OR contains(tag_norm, $tag)))
UNION ALL
SELECT 'find', find_id, side, object_kind, found_at::DATE, result,
       coalesce(plate_raw, vin_raw, imei_raw, serial_raw, tag_raw), bulletin_ref
FROM finds
WHERE plate_norm = $plate OR vin_norm = $vin OR imei_norm = $imei OR serial_norm = $serial OR tag_norm = $tag
   OR list_contains($refs, bulletin_ref)
   OR ($partial AND (contains(plate_norm, $plate) OR contains(vin_norm, $plate) OR contains(imei_norm, $digits)
                     OR contains(serial_norm, $serial) OR contains(tag_norm, $tag)))
ORDER BY record, on_date DESC, id
