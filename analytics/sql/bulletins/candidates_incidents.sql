-- The fabula keys of incident upload $upload_id against every bulletin (finds are not compared). Records compared by candidates.sql.
WITH b AS (
    SELECT bulletin_no, initiator_side, object_kind, sent_on, closed_on,
           coalesce(bk.bulletin_key, bl.bulletin_key) AS bulletin_key,
           plate_norm, vin_norm, imei_norm, serial_norm, tag_norm
    FROM bulletins bl LEFT JOIN bulletin_keys bk USING (bulletin_no)
),
fs AS (
    SELECT * FROM finds
    WHERE false
),
-- One equi-join per identifier on its own column (cheaper than one join over a stacked key table).
incident_refs AS (
    SELECT i.side || ':' || i.source_id AS ref_id, i.side, i.registered_on AS ref_on, ii.kind, ii.key_value
    FROM incident_identifiers ii
    -- keys are stored per incident version: only the current version's count
    JOIN incidents i ON i.side = ii.side AND i.source_id = ii.source_id AND i.upload_id = ii.upload_id
    WHERE ii.upload_id = $upload_id::INTEGER AND i.upload_id = $upload_id::INTEGER
)
