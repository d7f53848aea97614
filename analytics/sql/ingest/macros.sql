-- Parsing helpers of the loader, as temporary macros (per connection, recreated before each load).
-- Every raw value arrives as VARCHAR; empty or blank cells are NULL after ingest_text.

CREATE OR REPLACE TEMP MACRO ingest_text(x) AS nullif(trim(x), '');

-- Dates: dd.mm.yyyy, dd.mm.yyyy HH:MM[:SS], yyyy-mm-dd[ HH:MM[:SS]], dd.mm.yy, dd/mm/yyyy. Two-digit years come
-- first in the list because %Y would read "24" as the year 24. An impossible date (31.02.2024) fails every
-- format and stays NULL: it is never moved to another day. Years before 1900 are typos, not dates.
CREATE OR REPLACE TEMP MACRO ingest_ts_any(x) AS try_strptime(x, [
    '%d.%m.%y', '%d.%m.%Y', '%Y-%m-%d', '%d.%m.%y %H:%M', '%d.%m.%Y %H:%M', '%d.%m.%Y %H:%M:%S', '%Y-%m-%d %H:%M',
    '%Y-%m-%d %H:%M:%S', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M', '%d/%m/%Y', '%d/%m/%Y %H:%M', '%d/%m/%y']);
CREATE OR REPLACE TEMP MACRO ingest_year_ok(v) AS CASE WHEN year(v) BETWEEN 1900 AND 2999 THEN v END;
CREATE OR REPLACE TEMP MACRO ingest_ts(x) AS ingest_year_ok(ingest_ts_any(x));
CREATE OR REPLACE TEMP MACRO ingest_date(x) AS CAST(ingest_ts(x) AS DATE);
CREATE OR REPLACE TEMP MACRO ingest_time(x) AS CAST(try_strptime(x, ['%H:%M', '%H:%M:%S', '%H.%M']) AS TIME);

-- Numbers: spaces, no-break spaces (U+00A0, U+202F, U+2009) and apostrophes are thousands separators; a single
-- comma is a decimal comma; "1,450,000" / "1.450.000,5" are grouped. A leading ' (added by the formula-safe
-- CSV export) is dropped so that a downloaded reject file can be uploaded again.
CREATE OR REPLACE TEMP MACRO ingest_num_fix(t) AS CASE
    WHEN regexp_full_match(t, '[+-]?\d{1,3}(,\d{3})+(\.\d+)?') AND (contains(t, '.') OR t LIKE '%,%,%')
        THEN replace(t, ',', '')
    WHEN regexp_full_match(t, '[+-]?\d{1,3}(\.\d{3})+(,\d+)?') AND (contains(t, ',') OR t LIKE '%.%.%')
        THEN replace(replace(t, '.', ''), ',', '.')
    ELSE replace(t, ',', '.')
END;
CREATE OR REPLACE TEMP MACRO ingest_num(x) AS CASE
    WHEN x IS NULL THEN NULL
    ELSE coalesce(try_cast(x AS DOUBLE),
                  try_cast(ingest_num_fix(regexp_replace(x, '[\s\x{00A0}\x{202F}\x{2009}'']', '', 'g')) AS DOUBLE))
END;
CREATE OR REPLACE TEMP MACRO ingest_int(x) AS CASE
    WHEN ingest_num(x) = round(ingest_num(x)) THEN CAST(ingest_num(x) AS BIGINT)
END;

-- Yes/no flags in every spelling of both sides. An empty cell is NULL ("not stated"), never false: a file with
-- only "+" marks cannot tell "no" from "not filled in", and counts must not claim a "no" nobody wrote.
CREATE OR REPLACE TEMP MACRO ingest_flag(x) AS CASE
    WHEN x IS NULL THEN NULL
    WHEN lower(ltrim(x, '''')) IN ('да', 'д', 'иә', 'ия', 'иа', 'ооба', 'оба', '1', 'yes', 'y', 'true', 't', '+',
                                   'есть', 'бар', 'x', 'х', 'v', '✓', '✔') THEN true
    WHEN lower(ltrim(x, '''')) IN ('нет', 'н', 'жоқ', 'жок', 'жоқ', '0', 'no', 'n', 'false', 'f', '-', '–', '—')
        THEN false
END;

-- "lat, lon" in one cell (decimal dots or commas, separated by a comma, semicolon or space).
CREATE OR REPLACE TEMP MACRO ingest_coord_part(x, part) AS
    ingest_num(nullif(regexp_extract(x, '^\s*([+-]?\d+(?:[.,]\d+)?)\s*(?:[,;]\s*|\s+)([+-]?\d+(?:[.,]\d+)?)\s*$',
                                     part), ''));

-- Sides written as codes, country names or oblast names.
CREATE OR REPLACE TEMP MACRO ingest_side(x) AS CASE
    WHEN x IS NULL THEN NULL
    WHEN upper(x) IN ('KZ', 'КЗ', 'KAZ', 'РК', 'RK') OR lower(x) IN ('казахстан', 'қазақстан', 'kazakhstan') THEN 'KZ'
    WHEN upper(x) IN ('KG', 'КГ', 'KGZ', 'КР', 'KR') OR lower(x) IN ('кыргызстан', 'киргизия', 'kyrgyzstan',
                                                                     'кыргыз республикасы') THEN 'KG'
END;

-- One cell of a CSV line in the file's delimiter d (quoted when it must be).
CREATE OR REPLACE TEMP MACRO ingest_csv_cell(x, d) AS CASE
    WHEN x IS NULL THEN ''
    WHEN contains(x, d) OR contains(x, '"') OR contains(x, chr(10)) OR contains(x, chr(13))
        THEN '"' || replace(x, '"', '""') || '"'
    ELSE x
END;
