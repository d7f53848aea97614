-- 020: matching state for wanted bulletins (analytics/bulletins.py).

-- For a match by bulletin number: the identifier that agreed between the find and the bulletin
-- (vin | plate | imei | serial | tag), NULL when neither carried one to compare.
ALTER TABLE matches ADD COLUMN IF NOT EXISTS verified_by VARCHAR;

-- Identifiers found in incident fabulas (incidents.summary), so matching joins on them like on finds.
-- Keyed by the md5 of the summary: an edited fabula is scanned again, an unchanged one never.
CREATE TABLE IF NOT EXISTS incident_identifiers (
    side         VARCHAR NOT NULL,
    source_id    VARCHAR NOT NULL,
    summary_md5  VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,       -- imei | vin | plate
    key_value    VARCHAR NOT NULL        -- normalised key (analytics/identifiers.py)
);

CREATE TABLE IF NOT EXISTS incident_identifier_scans (
    side         VARCHAR NOT NULL,
    source_id    VARCHAR NOT NULL,
    summary_md5  VARCHAR NOT NULL,
    scanned_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (side, source_id)
);
