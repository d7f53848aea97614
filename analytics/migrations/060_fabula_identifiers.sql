-- 060: identifiers in incident fabulas extracted in SQL at load (analytics/bulletins.py, after-load step).
--
-- fabula_scan(uid) gives exactly the imei/vin/plate keys of analytics.identifiers.extract_identifiers (the
-- Python reference; tests/test_identifiers_sql.py compares them) for the incidents of upload `uid` (NULL: every
-- incident version, current and replaced). RE2 has no look-around, so each shape is cut in two set-based steps:
-- * IMEI: digit chains of 14+ digits (joined by single spaces/dashes), with the word IMEI/ИМЕЙ/ИМЕИ and up
--   to 5 non-word characters in front when present; each chain is then cut like Python's finditer
--   cuts it, separators doubled so that a match may consume the separator after it and the next match still
--   finds one before it.
-- * VIN: maximal runs of letters/digits of exactly 17 characters, upper-cased and look-alike folded.
-- * plates: the part of a run group (letter/digit runs joined by single spaces/dashes) from the first run where
--   a plate could begin (its head: 2 digits + KG, or 3 digits + 2 letters), then cut like the IMEI chains.
-- A cheap necessary-condition filter first: most fabulas carry none of the three shapes.

-- Luhn check of a 15-digit string, written out: a list lambda per candidate costs ten times more.
CREATE OR REPLACE MACRO fabula_digit(d, k) AS ascii(substr(d, k, 1)) - 48;
CREATE OR REPLACE MACRO fabula_doubled(x) AS CASE WHEN x > 4 THEN 2 * x - 9 ELSE 2 * x END;
CREATE OR REPLACE MACRO fabula_luhn_ok(d) AS (
    (fabula_digit(d, 1) + fabula_doubled(fabula_digit(d, 2)) + fabula_digit(d, 3) +
     fabula_doubled(fabula_digit(d, 4)) + fabula_digit(d, 5) + fabula_doubled(fabula_digit(d, 6)) +
     fabula_digit(d, 7) + fabula_doubled(fabula_digit(d, 8)) + fabula_digit(d, 9) +
     fabula_doubled(fabula_digit(d, 10)) + fabula_digit(d, 11) + fabula_doubled(fabula_digit(d, 12)) +
     fabula_digit(d, 13) + fabula_doubled(fabula_digit(d, 14)) + fabula_digit(d, 15)) % 10 = 0
);

CREATE OR REPLACE MACRO fabula_scan(uid) AS TABLE
WITH todo AS (
    SELECT side, source_id, upload_id, summary FROM incidents
    WHERE (uid IS NULL OR upload_id = uid) AND summary IS NOT NULL
    UNION ALL
    SELECT side, source_id, upload_id, summary FROM incidents_history
    WHERE uid IS NULL AND upload_id IS NOT NULL AND summary IS NOT NULL
),
-- every shape needs an ASCII digit (a VIN key too): a plain substring test drops most fabulas cheaply
cand AS (
    SELECT * FROM todo
    WHERE (contains(summary, '0') OR contains(summary, '1') OR contains(summary, '2') OR contains(summary, '3')
           OR contains(summary, '4') OR contains(summary, '5') OR contains(summary, '6') OR contains(summary, '7')
           OR contains(summary, '8') OR contains(summary, '9'))
      AND regexp_matches(summary,
        '[0-9](?:[ -]?[0-9]){13}|[0-9A-Za-zА-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІіıſ]{17}'
        || '|[0-9]{2}[ -]?(?:KG|К[GГ])|[0-9]{3}[ -]?[A-ZАВЕКМНОРСТХУІ]{2}')
),
imei_chains AS (
    SELECT side, source_id, upload_id, has_word,
           CASE WHEN has_word THEN regexp_extract(item, '[0-9].*') ELSE item END AS chain
    FROM (SELECT *, ascii(item) NOT BETWEEN 48 AND 57 AS has_word
          FROM (SELECT side, source_id, upload_id, unnest(regexp_extract_all(summary,
                    '(?:(?:[Iiİı][Mm][Ee][Iiİı]|[Ии][Мм][Ее][ЙйИи])[^\p{L}\p{N}_]{0,5})?[0-9](?:[ -]?[0-9]){13}(?:[ -]?[0-9])*'))
                    AS item
                FROM cand))
),
imei_cuts AS (
    SELECT side, source_id, upload_id,
           CASE WHEN length(digits) = 15 THEN fabula_luhn_ok(digits)
                ELSE length(digits) IN (14, 16) AND has_word AND ascii(m) BETWEEN 48 AND 57 END AS is_key,
           left(digits, 14) AS key_value
    FROM (SELECT *, replace(replace(m, ' ', ''), '-', '') AS digits
          FROM (SELECT side, source_id, upload_id, has_word, unnest(
                    CASE WHEN NOT contains(chain, ' ') AND NOT contains(chain, '-')
                         -- one group of digits (the usual IMEI): it is the cut when it has at most 16
                         THEN CASE WHEN length(chain) <= 16 THEN [chain] ELSE [] END
                         ELSE regexp_extract_all(replace(replace(chain, ' ', '  '), '-', '--'),
                                                 '(?:^|[ -])[0-9](?:(?:  |--)?[0-9]){13,15}(?:[ -]|$)') END) AS m
                FROM imei_chains))
),
vin_runs AS (
    SELECT side, source_id, upload_id, k
    FROM (SELECT side, source_id, upload_id,
                 translate(upper(translate(r, 'ıſ', 'IS')), 'АВЕКМНОРСТХУІ', 'ABEKMHOPCTXYI') AS k
          FROM (SELECT side, source_id, upload_id,
                       unnest(regexp_extract_all(summary, '[0-9A-Za-zА-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІіıſ]{17,}')) AS r
                FROM cand)
          WHERE length(r) = 17)
    -- I, O and Q never occur in a VIN; a key has a digit and a letter (a 17-letter word is not a VIN)
    WHERE regexp_full_match(k, '(?:[A-HJ-NPR-Z]*[0-9][A-HJ-NPR-Z0-9]*[A-HJ-NPR-Z]|[0-9]*[A-HJ-NPR-Z][A-HJ-NPR-Z0-9]*[0-9])[A-HJ-NPR-Z0-9]*')
),
plate_items AS (
    SELECT side, source_id, upload_id, unnest(regexp_extract_all(summary,
        '[0-9A-Za-zА-ЯЁӘҒҚҢӨҰҮҺІ]*(?:[0-9]{2}[ -]?(?:KG|К[GГ])|[0-9]{3}[ -]?[A-ZАВЕКМНОРСТХУІ]{2})'
        || '[0-9A-Za-zА-ЯЁӘҒҚҢӨҰҮҺІ]*(?:[ -][0-9A-Za-zА-ЯЁӘҒҚҢӨҰҮҺІ]+)*')) AS item
    FROM cand
),
plates AS (
    SELECT side, source_id, upload_id, unnest(regexp_extract_all(replace(replace(item, ' ', '  '), '-', '--'),
        '(?:^|[ -])('
        || '[0-9]{2}(?:  |--)?(?:KG|К[GГ])(?:  |--)?[0-9]{3}(?:  |--)?[A-ZАВЕКМНОРСТХУІ]{3}'
        || '|[0-9]{3}(?:  |--)?[A-ZАВЕКМНОРСТХУІ]{2,3}(?:  |--)?[0-9]{2}'
        || ')(?:[ -]|$)', 1)) AS m
    FROM plate_items
)
SELECT DISTINCT side, source_id, upload_id, kind, key_value FROM (
    SELECT side, source_id, upload_id, 'imei' AS kind, key_value FROM imei_cuts WHERE is_key
    UNION ALL
    SELECT side, source_id, upload_id, 'vin', k FROM vin_runs
    UNION ALL
    SELECT side, source_id, upload_id, 'plate',
           regexp_replace(translate(m, 'АВЕКМНОРСТХУІГ', 'ABEKMHOPCTXYIG'), '[^0-9A-Z]', '', 'g')
    FROM plates
);

-- Keys per incident VERSION (side, source_id, upload_id): an upload that replaces a fabula adds the new
-- version's keys; the replaced version's keys stay with it (in incidents_history) so that undoing the upload
-- restores them with the version, and undo deletes the keys of the upload it removes. Matching joins the
-- current version by upload_id (no md5 of every fabula on every run).
DROP TABLE IF EXISTS incident_identifier_scans;
DROP TABLE IF EXISTS incident_identifiers;
CREATE TABLE incident_identifiers (
    side       VARCHAR NOT NULL,
    source_id  VARCHAR NOT NULL,
    upload_id  INTEGER NOT NULL,
    kind       VARCHAR NOT NULL,      -- imei | vin | plate
    key_value  VARCHAR NOT NULL       -- normalised key (analytics/identifiers.py)
);

-- Uploads whose incidents were scanned (the load scans its own; propose_matches scans any other, e.g. rows
-- written by hand in tests or by an older version of Shekara).
DROP TABLE IF EXISTS incident_scans;
CREATE TABLE incident_scans (
    upload_id   INTEGER PRIMARY KEY,
    scanned_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

INSERT INTO incident_identifiers SELECT * FROM fabula_scan(NULL);
INSERT INTO incident_scans (upload_id)
SELECT DISTINCT upload_id FROM incidents
UNION
SELECT DISTINCT upload_id FROM incidents_history WHERE upload_id IS NOT NULL;
