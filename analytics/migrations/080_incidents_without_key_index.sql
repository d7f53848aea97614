-- 080: `incidents` without its (side, source_id) PRIMARY KEY index (issue 10, ingest speed).
-- The loader already decides accepted / updated / duplicate per number before it writes (ingest_outcome), so the
-- index only checked the same thing again: 1.5 s CPU per 1M rows loaded (a third of the write), and the table took
-- twice the disk. Uniqueness of (side, source_id) is now kept by the only writers of the table:
--   * the loader compares with the stored rows and writes one row per new number; concurrent loads of one side
--     are serialised by a write to that side's row of `incidents_load_lock` inside the load transaction (the
--     second load retries after the first commits, so it sees the first one's rows);
--   * undo deletes an upload's rows and restores the versions they replaced.
-- tests/ingest/test_uniqueness.py proves it (same file twice, updated versions, concurrent loads).
-- The table keeps its columns, order, defaults and NOT NULL constraints; rows are copied as they are.

CREATE TABLE incidents_new (
    side              VARCHAR NOT NULL,
    source_id         VARCHAR NOT NULL,
    registered_on     DATE NOT NULL,
    occurred_at       TIMESTAMP,
    article_raw       VARCHAR,
    title_raw         VARCHAR,
    object_raw        VARCHAR,
    category          VARCHAR NOT NULL,
    oblast            VARCHAR,
    district          VARCHAR,
    district_raw      VARCHAR,
    settlement        VARCHAR,
    lat               DOUBLE,
    lon               DOUBLE,
    geo_ok            BOOLEAN NOT NULL DEFAULT false,
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
    upload_id         INTEGER NOT NULL
);
INSERT INTO incidents_new SELECT * FROM incidents;
DROP TABLE incidents;
ALTER TABLE incidents_new RENAME TO incidents;

CREATE TABLE IF NOT EXISTS incidents_load_lock (
    side   VARCHAR PRIMARY KEY,   -- KZ | KG
    loads  BIGINT NOT NULL DEFAULT 0
);
INSERT INTO incidents_load_lock (side) VALUES ('KZ'), ('KG') ON CONFLICT DO NOTHING;
