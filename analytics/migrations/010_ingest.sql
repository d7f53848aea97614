-- 010: what the loader needs beyond the core schema.

-- The header of every uploaded file, so rejected lines can be downloaded as a CSV with the source's own header,
-- fixed and uploaded again.
CREATE TABLE IF NOT EXISTS upload_files (
    upload_id    INTEGER PRIMARY KEY,
    headers      VARCHAR[] NOT NULL,        -- the header cells as written in the file
    header_row   INTEGER NOT NULL,          -- 1-based line of the header
    delimiter    VARCHAR NOT NULL
);

-- bulletins_history keeps whole previous versions (not only the status), so that undoing an upload restores
-- exactly what was there before.
ALTER TABLE bulletins_history ADD COLUMN IF NOT EXISTS bulletin_key VARCHAR;
ALTER TABLE bulletins_history ADD COLUMN IF NOT EXISTS sent_on DATE;
ALTER TABLE bulletins_history ADD COLUMN IF NOT EXISTS initiator_side VARCHAR;
ALTER TABLE bulletins_history ADD COLUMN IF NOT EXISTS unit VARCHAR;
ALTER TABLE bulletins_history ADD COLUMN IF NOT EXISTS case_ref VARCHAR;
ALTER TABLE bulletins_history ADD COLUMN IF NOT EXISTS object_kind VARCHAR;
ALTER TABLE bulletins_history ADD COLUMN IF NOT EXISTS object_raw VARCHAR;
ALTER TABLE bulletins_history ADD COLUMN IF NOT EXISTS make_model VARCHAR;
ALTER TABLE bulletins_history ADD COLUMN IF NOT EXISTS color VARCHAR;
ALTER TABLE bulletins_history ADD COLUMN IF NOT EXISTS plate_raw VARCHAR;
ALTER TABLE bulletins_history ADD COLUMN IF NOT EXISTS plate_norm VARCHAR;
ALTER TABLE bulletins_history ADD COLUMN IF NOT EXISTS vin_raw VARCHAR;
ALTER TABLE bulletins_history ADD COLUMN IF NOT EXISTS vin_norm VARCHAR;
ALTER TABLE bulletins_history ADD COLUMN IF NOT EXISTS imei_raw VARCHAR;
ALTER TABLE bulletins_history ADD COLUMN IF NOT EXISTS imei_norm VARCHAR;
ALTER TABLE bulletins_history ADD COLUMN IF NOT EXISTS imei_valid BOOLEAN;
ALTER TABLE bulletins_history ADD COLUMN IF NOT EXISTS serial_raw VARCHAR;
ALTER TABLE bulletins_history ADD COLUMN IF NOT EXISTS serial_norm VARCHAR;
ALTER TABLE bulletins_history ADD COLUMN IF NOT EXISTS livestock_kind VARCHAR;
ALTER TABLE bulletins_history ADD COLUMN IF NOT EXISTS heads INTEGER;
ALTER TABLE bulletins_history ADD COLUMN IF NOT EXISTS tag_raw VARCHAR;
ALTER TABLE bulletins_history ADD COLUMN IF NOT EXISTS tag_norm VARCHAR;
ALTER TABLE bulletins_history ADD COLUMN IF NOT EXISTS extra JSON;

-- Previous versions of joint operations replaced by a later report (same code).
CREATE TABLE IF NOT EXISTS operations_history (
    code                      VARCHAR NOT NULL,
    name                      VARCHAR,
    direction                 VARCHAR,
    direction_raw             VARCHAR,
    started_on                DATE,
    ended_on                  DATE,
    participants              VARCHAR,
    districts                 VARCHAR[],
    districts_raw             VARCHAR,
    detained                  INTEGER,
    cases_opened              INTEGER,
    drugs_seized_g            DOUBLE,
    weapons_seized            INTEGER,
    ammunition_seized         INTEGER,
    livestock_returned        INTEGER,
    vehicles_returned         INTEGER,
    phones_returned           INTEGER,
    online_resources_blocked  INTEGER,
    prevention_events         INTEGER,
    minors_reached            INTEGER,
    note                      VARCHAR,
    extra                     JSON,
    upload_id                 INTEGER,
    replaced_by               INTEGER NOT NULL,
    replaced_at               TIMESTAMP NOT NULL DEFAULT current_timestamp
);
