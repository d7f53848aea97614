-- 061: per-bulletin lifecycle inputs for the Bulletins page and slides (analytics.bulletins, issue 10).
-- One row per bulletin with the narrow columns the KPI, open-list and ageing queries need; the states at a date
-- are computed from them by analytics/sql/bulletins/state_table.sql. Rebuilt by every writer inside its
-- transaction (analytics.bulletins.refresh_state_after_load after a load or undo, decide_match after a decision);
-- readers never rebuild it: when bulletin_state_built does not match the data they run state.sql on raw rows.
CREATE TABLE IF NOT EXISTS bulletin_state (
    row_id          BIGINT NOT NULL,     -- bulletins.rowid when built (details of shown rows are read by it)
    sent_on         DATE NOT NULL,
    direction       VARCHAR NOT NULL,    -- 'KZ→KG' for initiator KZ, 'KG→KZ' for KG, else the initiator side
    object_kind     VARCHAR NOT NULL,
    status_code     UTINYINT NOT NULL,   -- 1 found, 2 returned, 3 withdrawn, 0 anything else (wanted)
    closed_on       DATE,
    first_found_on  DATE                 -- the earliest confirmed find or fabula, whenever made (NULL: none)
);

-- What bulletin_state was built from: bulletin count, confirmed matches, latest decision, upload fingerprint.
CREATE TABLE IF NOT EXISTS bulletin_state_built (
    bulletins     BIGINT NOT NULL,
    confirmed     BIGINT NOT NULL,
    decided_at    TIMESTAMP,
    data_version  BIGINT NOT NULL,
    refreshed_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Built once here for a database that already holds bulletins (the statements of
-- analytics/sql/bulletins/state_refresh.sql and state_save.sql).
INSERT INTO bulletin_state (row_id, sent_on, direction, object_kind, status_code, closed_on, first_found_on)
WITH confirmed AS (
    SELECT bulletin_no, ref_kind, ref_id FROM matches WHERE status = 'confirmed'
),
first_find AS (
    SELECT bulletin_no, min(found_on) AS first_found_on
    FROM (
        SELECT c.bulletin_no, f.found_at::DATE AS found_on
        FROM confirmed c JOIN finds f ON c.ref_kind = 'find' AND f.find_id = c.ref_id
        UNION ALL
        SELECT c.bulletin_no, i.registered_on
        FROM confirmed c JOIN incidents i ON c.ref_kind = 'incident' AND i.side = split_part(c.ref_id, ':', 1)
            AND i.source_id = substr(c.ref_id, strpos(c.ref_id, ':') + 1)
    )
    GROUP BY bulletin_no
)
SELECT b.rowid, b.sent_on,
       CASE b.initiator_side WHEN 'KZ' THEN 'KZ→KG' WHEN 'KG' THEN 'KG→KZ' ELSE b.initiator_side END,
       b.object_kind,
       CASE b.status WHEN 'found' THEN 1 WHEN 'returned' THEN 2 WHEN 'withdrawn' THEN 3 ELSE 0 END,
       b.closed_on, ff.first_found_on
FROM bulletins b LEFT JOIN first_find ff USING (bulletin_no)
ORDER BY b.sent_on, b.rowid
;

INSERT INTO bulletin_state_built (bulletins, confirmed, decided_at, data_version, refreshed_at)
SELECT b.n, m.confirmed, m.decided_at, u.fingerprint, current_timestamp
FROM (SELECT count(*) AS n FROM bulletins) AS b
CROSS JOIN (SELECT count(*) FILTER (WHERE status = 'confirmed') AS confirmed, max(decided_at) AS decided_at
            FROM matches) AS m
CROSS JOIN (SELECT coalesce(max(upload_id), 0) * 1000003 + count(*) FILTER (WHERE status = 'loaded') AS fingerprint
            FROM uploads) AS u
;
