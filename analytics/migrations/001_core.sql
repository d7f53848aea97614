-- 001: the harmonised two-sided schema. Documented column by column in docs/schema.md.

CREATE SEQUENCE IF NOT EXISTS upload_id_seq START 1;
CREATE SEQUENCE IF NOT EXISTS audit_id_seq START 1;

CREATE TABLE IF NOT EXISTS uploads (
    upload_id      INTEGER PRIMARY KEY DEFAULT nextval('upload_id_seq'),
    file_name      VARCHAR NOT NULL,
    sha256         VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,          -- kz_incidents | kg_incidents | incidents | bulletins | finds | operations
    side           VARCHAR,                   -- KZ | KG | NULL for two-sided files (bulletins, finds, operations)
    encoding       VARCHAR,
    delimiter      VARCHAR,
    rows_read      INTEGER NOT NULL DEFAULT 0,
    accepted       INTEGER NOT NULL DEFAULT 0,
    rejected       INTEGER NOT NULL DEFAULT 0,
    duplicates     INTEGER NOT NULL DEFAULT 0,
    updated        INTEGER NOT NULL DEFAULT 0,
    warnings       INTEGER NOT NULL DEFAULT 0,
    column_map     JSON,                      -- detected header -> field mapping, as confirmed
    period_start   DATE,
    period_end     DATE,
    uploaded_by    VARCHAR,
    uploaded_at    TIMESTAMP NOT NULL DEFAULT current_timestamp,
    status         VARCHAR NOT NULL DEFAULT 'loaded'   -- loaded | undone
);

CREATE TABLE IF NOT EXISTS incidents (
    side              VARCHAR NOT NULL,        -- KZ | KG
    source_id         VARCHAR NOT NULL,        -- ЕРДР / ЕРП number as text
    registered_on     DATE NOT NULL,
    occurred_at       TIMESTAMP,
    article_raw       VARCHAR,
    title_raw         VARCHAR,
    object_raw        VARCHAR,
    category          VARCHAR NOT NULL,        -- see data/reference/categories.csv
    oblast            VARCHAR,                 -- reference key: ZHA | CHU | TAL
    district          VARCHAR,                 -- reference key, see data/reference/districts.csv
    district_raw      VARCHAR,
    settlement        VARCHAR,
    lat               DOUBLE,
    lon               DOUBLE,
    geo_ok            BOOLEAN NOT NULL DEFAULT false,  -- coordinates usable on maps
    geo_flag          VARCHAR,                 -- why not usable / what was fixed (swapped, zero, outside)
    h3_r7             UBIGINT,                 -- H3 cell at resolution 7 when geo_ok
    border_km         DOUBLE,                  -- distance to the KZ–KG border line when geo_ok
    status            VARCHAR,                 -- in_progress | to_court | terminated | suspended | other
    status_raw        VARCHAR,
    damage            DOUBLE,
    currency          VARCHAR,                 -- KZT | KGS
    online            BOOLEAN,
    minor_involved    BOOLEAN,
    foreign_national  BOOLEAN,
    summary           VARCHAR,
    extra             JSON,                    -- unknown source columns, kept verbatim
    upload_id         INTEGER NOT NULL,
    PRIMARY KEY (side, source_id)
);

CREATE TABLE IF NOT EXISTS incidents_history (
    side              VARCHAR NOT NULL,
    source_id         VARCHAR NOT NULL,
    registered_on     DATE,
    occurred_at       TIMESTAMP,
    article_raw       VARCHAR,
    title_raw         VARCHAR,
    object_raw        VARCHAR,
    category          VARCHAR,
    oblast            VARCHAR,
    district          VARCHAR,
    district_raw      VARCHAR,
    settlement        VARCHAR,
    lat               DOUBLE,
    lon               DOUBLE,
    geo_ok            BOOLEAN,
    geo_flag          VARCHAR,
    h3_r7             UBIGINT,
    border_km         DOUBLE,
    status            VARCHAR,
    status_raw        VARCHAR,
    damage            DOUBLE,
    currency          VARCHAR,
    online            BOOLEAN,
    minor_involved    BOOLEAN,
    foreign_national  BOOLEAN,
    summary           VARCHAR,
    extra             JSON,
    upload_id         INTEGER,                 -- the upload that had written this version
    replaced_by       INTEGER NOT NULL,        -- the upload that replaced it
    replaced_at       TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Months for which a side/oblast uploaded data. A month absent here is *missing*, never zero.
CREATE TABLE IF NOT EXISTS coverage (
    side       VARCHAR NOT NULL,
    oblast     VARCHAR NOT NULL,
    month      DATE NOT NULL,               -- first day of the month
    upload_id  INTEGER NOT NULL,
    PRIMARY KEY (side, oblast, month, upload_id)
);

CREATE TABLE IF NOT EXISTS bulletins (
    bulletin_no     VARCHAR PRIMARY KEY,
    bulletin_key    VARCHAR,                -- normalised number (transliterated) for matching
    sent_on         DATE NOT NULL,
    initiator_side  VARCHAR NOT NULL,       -- KZ | KG: the side asking the other to find the object
    unit            VARCHAR,
    case_ref        VARCHAR,
    object_kind     VARCHAR NOT NULL,       -- vehicle | phone | weapon | livestock | other
    object_raw      VARCHAR,
    make_model      VARCHAR,
    color           VARCHAR,
    plate_raw       VARCHAR,
    plate_norm      VARCHAR,
    vin_raw         VARCHAR,
    vin_norm        VARCHAR,
    imei_raw        VARCHAR,
    imei_norm       VARCHAR,                -- 14-digit device identity when valid
    imei_valid      BOOLEAN,
    serial_raw      VARCHAR,
    serial_norm     VARCHAR,
    livestock_kind  VARCHAR,
    heads           INTEGER,
    tag_raw         VARCHAR,
    tag_norm        VARCHAR,
    status          VARCHAR NOT NULL,       -- wanted | found | returned | withdrawn
    status_raw      VARCHAR,
    closed_on       DATE,
    close_reason    VARCHAR,
    extra           JSON,
    upload_id       INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS bulletins_history (
    bulletin_no  VARCHAR NOT NULL,
    status       VARCHAR,
    status_raw   VARCHAR,
    closed_on    DATE,
    close_reason VARCHAR,
    upload_id    INTEGER,
    replaced_by  INTEGER NOT NULL,
    replaced_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE IF NOT EXISTS finds (
    find_id         VARCHAR PRIMARY KEY,    -- content hash: the same find in two files is one find
    found_at        TIMESTAMP NOT NULL,
    side            VARCHAR NOT NULL,       -- the side whose unit found/checked the object
    unit            VARCHAR,
    place           VARCHAR,
    lat             DOUBLE,
    lon             DOUBLE,
    object_kind     VARCHAR,
    object_raw      VARCHAR,
    plate_raw       VARCHAR,
    plate_norm      VARCHAR,
    vin_raw         VARCHAR,
    vin_norm        VARCHAR,
    imei_raw        VARCHAR,
    imei_norm       VARCHAR,
    imei_valid      BOOLEAN,
    serial_raw      VARCHAR,
    serial_norm     VARCHAR,
    tag_raw         VARCHAR,
    tag_norm        VARCHAR,
    bulletin_ref    VARCHAR,                -- bulletin number written on the find, when any
    result          VARCHAR,
    note            VARCHAR,
    extra           JSON,
    upload_id       INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS matches (
    bulletin_no   VARCHAR NOT NULL,
    ref_kind      VARCHAR NOT NULL,         -- find | incident
    ref_id        VARCHAR NOT NULL,         -- finds.find_id or 'SIDE:source_id'
    match_key     VARCHAR NOT NULL,         -- bulletin_no | vin | plate | imei | serial | tag
    key_value     VARCHAR,
    method        VARCHAR NOT NULL,         -- exact-normalised | bulletin-number
    status        VARCHAR NOT NULL DEFAULT 'proposed',   -- proposed | confirmed | rejected
    proposed_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    decided_by    VARCHAR,
    decided_at    TIMESTAMP,
    PRIMARY KEY (bulletin_no, ref_kind, ref_id)
);

CREATE TABLE IF NOT EXISTS operations (
    code                      VARCHAR PRIMARY KEY,
    name                      VARCHAR,
    direction                 VARCHAR,      -- extremism_terrorism | bulletins | livestock_theft | drugs | weapons | smuggling | minors | other
    direction_raw             VARCHAR,
    started_on                DATE,
    ended_on                  DATE,
    participants              VARCHAR,
    districts                 VARCHAR[],    -- reference district keys where recognised
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
    upload_id                 INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS rejects (
    upload_id  INTEGER NOT NULL,
    line_no    INTEGER NOT NULL,            -- 1-based line in the file, header = line 1
    reason     VARCHAR NOT NULL,
    raw_line   VARCHAR
);

CREATE TABLE IF NOT EXISTS warnings (
    upload_id  INTEGER NOT NULL,
    line_no    INTEGER NOT NULL,
    field      VARCHAR,
    reason     VARCHAR NOT NULL,
    value      VARCHAR
);

CREATE TABLE IF NOT EXISTS audit_log (
    audit_id  BIGINT PRIMARY KEY DEFAULT nextval('audit_id_seq'),
    logged_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    username  VARCHAR,
    action    VARCHAR NOT NULL,             -- login_ok | login_failed | upload | undo | export | slides | user_change | ...
    details   JSON
);

CREATE TABLE IF NOT EXISTS users (
    username         VARCHAR PRIMARY KEY,
    password_hash    VARCHAR NOT NULL,      -- argon2id
    role             VARCHAR NOT NULL,      -- admin | analyst | commander
    side             VARCHAR NOT NULL,      -- KZ | KG | BOTH
    active           BOOLEAN NOT NULL DEFAULT true,
    failed_attempts  INTEGER NOT NULL DEFAULT 0,
    locked_until     TIMESTAMP,
    must_change      BOOLEAN NOT NULL DEFAULT false,
    is_default       BOOLEAN NOT NULL DEFAULT false,  -- demo/default password still set
    created_at       TIMESTAMP NOT NULL DEFAULT current_timestamp,
    last_login       TIMESTAMP
);

-- Per owner side: which incident fields the other side may see (row-level detail).
CREATE TABLE IF NOT EXISTS sharing_policy (
    owner_side  VARCHAR NOT NULL,
    field       VARCHAR NOT NULL,
    visible     BOOLEAN NOT NULL,
    PRIMARY KEY (owner_side, field)
);
