-- Parsing helpers of the loader, as temporary macros (per connection, recreated before each load).
-- Every raw value arrives as VARCHAR. Each macro has a cheap path for the common shape and falls back to the
-- general (slower) rule only for the rows that need it: the loader must do a million rows in about a second.

-- Text cell: NULL when empty or blank; surrounding spaces, tabs, line ends, no-break spaces and BOMs removed.
CREATE OR REPLACE TEMP MACRO ingest_trim(x) AS
    nullif(trim(x, ' ' || chr(9) || chr(10) || chr(13) || chr(160) || chr(8239) || chr(8201) || chr(65279)), '');
CREATE OR REPLACE TEMP MACRO ingest_text(x) AS CASE
    WHEN x IS NULL THEN NULL
    WHEN NOT (starts_with(x, ' ') OR ends_with(x, ' ') OR starts_with(x, chr(9)) OR ends_with(x, chr(9))
              OR ends_with(x, chr(13)) OR starts_with(x, chr(10)) OR ends_with(x, chr(10))
              OR starts_with(x, chr(160)) OR ends_with(x, chr(160)) OR starts_with(x, chr(8239))
              OR ends_with(x, chr(8239)) OR starts_with(x, chr(65279)) OR x = '') THEN x
    ELSE ingest_trim(x)
END;

-- Free text (fabula, names): only empty means NULL; edges are left as exported (cheaper, and nothing parses it).
CREATE OR REPLACE TEMP MACRO ingest_free(x) AS nullif(x, '');

-- Dates: dd.mm.yyyy, dd.mm.yyyy HH:MM[:SS], yyyy-mm-dd[ HH:MM[:SS]], dd.mm.yy, dd/mm/yyyy, d.m.yyyy. The shape of
-- the text picks the one format to try (a failed try costs far more than a successful one); odd shapes try the
-- whole list, two-digit years first because %Y would read "24" as the year 24. An impossible date (31.02.2024)
-- fails and stays NULL: it is never moved to another day. Years before 1900 are typos, not dates.
CREATE OR REPLACE TEMP MACRO ingest_ts_list(x) AS try_strptime(x, [
    '%d.%m.%y', '%d.%m.%Y', '%Y-%m-%d', '%d.%m.%y %H:%M', '%d.%m.%Y %H:%M', '%d.%m.%Y %H:%M:%S', '%Y-%m-%d %H:%M',
    '%Y-%m-%d %H:%M:%S', '%Y-%m-%dT%H:%M:%S', '%Y-%m-%dT%H:%M', '%d/%m/%Y', '%d/%m/%Y %H:%M', '%d/%m/%y',
    '%d.%m.%Y %H.%M', '%Y.%m.%d']);
CREATE OR REPLACE TEMP MACRO ingest_ts_shape(x) AS CASE
    WHEN x IS NULL THEN NULL
    WHEN length(x) = 10 AND substr(x, 3, 1) = '.' THEN try_strptime(x, '%d.%m.%Y')
    WHEN length(x) = 10 AND substr(x, 5, 1) = '-' THEN try_strptime(x, '%Y-%m-%d')
    WHEN length(x) = 16 AND substr(x, 3, 1) = '.' THEN try_strptime(x, '%d.%m.%Y %H:%M')
    WHEN length(x) = 16 AND substr(x, 5, 1) = '-' THEN try_strptime(x, '%Y-%m-%d %H:%M')
    WHEN length(x) = 19 AND substr(x, 5, 1) = '-' AND substr(x, 11, 1) = ' ' THEN try_strptime(x, '%Y-%m-%d %H:%M:%S')
    WHEN length(x) = 8 AND substr(x, 3, 1) = '.' THEN try_strptime(x, '%d.%m.%y')
    ELSE ingest_ts_list(ingest_trim(x))
END;
CREATE OR REPLACE TEMP MACRO ingest_ts(x) AS
    nullif(greatest(ingest_ts_shape(x), TIMESTAMP '1899-12-31'), TIMESTAMP '1899-12-31');
CREATE OR REPLACE TEMP MACRO ingest_date(x) AS CAST(ingest_ts(x) AS DATE);
CREATE OR REPLACE TEMP MACRO ingest_time(x) AS CASE
    WHEN x IS NULL THEN NULL
    WHEN length(x) = 5 THEN CAST(try_strptime(x, '%H:%M') AS TIME)
    ELSE CAST(try_strptime(ingest_trim(x), ['%H:%M', '%H:%M:%S', '%H.%M']) AS TIME)
END;

-- Numbers: spaces, no-break spaces (U+00A0, U+202F, U+2009) and apostrophes are thousands separators; a single
-- comma is a decimal comma; "1,450,000" / "1.450.000,5" are grouped. A leading ' (added by the formula-safe
-- CSV export) is dropped so that a downloaded reject file can be uploaded again. inf / nan are not numbers.
CREATE OR REPLACE TEMP MACRO ingest_num_fix(t) AS CASE
    WHEN regexp_full_match(t, '[+-]?\d{1,3}(,\d{3})+(\.\d+)?') AND (contains(t, '.') OR t LIKE '%,%,%')
        THEN replace(t, ',', '')
    WHEN regexp_full_match(t, '[+-]?\d{1,3}(\.\d{3})+(,\d+)?') AND (contains(t, ',') OR t LIKE '%.%.%')
        THEN replace(replace(t, '.', ''), ',', '.')
    ELSE replace(t, ',', '.')
END;
CREATE OR REPLACE TEMP MACRO ingest_num_any(x) AS coalesce(
    try_cast(replace(x, ',', '.') AS DOUBLE),
    try_cast(ingest_num_fix(regexp_replace(ltrim(x, ''''), '[\s\x{00A0}\x{202F}\x{2009}'']', '', 'g')) AS DOUBLE));
CREATE OR REPLACE TEMP MACRO ingest_num(x) AS CASE
    WHEN x IS NULL THEN NULL
    WHEN contains(x, 'n') OR contains(x, 'N') THEN NULL  -- inf, nan, Infinity: text, not numbers
    ELSE ingest_num_any(x)
END;
CREATE OR REPLACE TEMP MACRO ingest_int(x) AS CASE
    WHEN ingest_num(x) = round(ingest_num(x)) AND abs(ingest_num(x)) < 2147483647 THEN CAST(ingest_num(x) AS BIGINT)
END;

-- Yes/no flags in every spelling of both sides. An empty cell is NULL ("not stated"), never false: a file with
-- only "+" marks cannot tell "no" from "not filled in", and counts must not claim a "no" nobody wrote.
CREATE OR REPLACE TEMP MACRO ingest_flag_any(x) AS CASE
    WHEN ingest_trim(x) IS NULL THEN NULL
    WHEN lower(ltrim(ingest_trim(x), '''')) IN ('да', 'д', 'иә', 'ия', 'иа', 'ооба', 'оба', '1', 'yes', 'y', 'true', 't', '+',
                                   'есть', 'бар', 'x', 'х', 'v', '✓', '✔', '1.0') THEN true
    WHEN lower(ltrim(ingest_trim(x), '''')) IN ('нет', 'н', 'жоқ', 'жок', '0', 'no', 'n', 'false', 'f', '-', '–', '—', '0.0')
        THEN false
END;
CREATE OR REPLACE TEMP MACRO ingest_flag(x) AS CASE
    WHEN x IS NULL THEN NULL
    WHEN x IN ('да', '1', 'Да', '+', 'yes', 'иә', 'ооба') THEN true
    WHEN x IN ('нет', '0', 'Нет', 'no', 'жоқ', 'жок') THEN false
    ELSE ingest_flag_any(x)
END;

-- "lat, lon" in one cell (decimal dots or commas, separated by a comma, semicolon or space). The common shape
-- "42.8846, 74.6607" is recognised by a match without captures (several times cheaper than extracting groups) and
-- split; its parts are exactly what the general pattern would capture, and they parse without any clean-up.
CREATE OR REPLACE TEMP MACRO ingest_coord_any(x, part) AS
    ingest_num(nullif(regexp_extract(x, '^\s*([+-]?\d+(?:[.,]\d+)?)\s*(?:[,;]\s*|\s+)([+-]?\d+(?:[.,]\d+)?)\s*$',
                                     part), ''));
CREATE OR REPLACE TEMP MACRO ingest_coord_part(x, part) AS CASE
    WHEN x IS NULL THEN NULL
    WHEN regexp_full_match(x, '\d+\.\d+, \d+\.\d+') THEN try_cast(split_part(x, ', ', part) AS DOUBLE)
    ELSE ingest_coord_any(x, part)
END;

-- Article of a criminal code split into base number, part and item: "188 ч.2 п.5", "ст. 205-1 ч. 2",
-- "188-бап 2-бөлік 5-тармақ" (Kazakh), "205-1-берене 2-бөлүк" (Kyrgyz). Applied to lower-cased text.
CREATE OR REPLACE TEMP MACRO ingest_article_base(a) AS nullif(regexp_extract(a, '(\d+(?:-\d+)?)', 1), '');
CREATE OR REPLACE TEMP MACRO ingest_article_part(a) AS coalesce(
    nullif(regexp_extract(a, '(?:^|[^а-яёa-zәғқңөұүһі])(?:ч|част[ьи]|part)\.?\s*(\d+)', 1), ''),
    nullif(regexp_extract(a, '(\d+)\s*-?\s*(?:бөл|ч\.|част)', 1), ''));
CREATE OR REPLACE TEMP MACRO ingest_article_item(a) AS coalesce(
    nullif(regexp_extract(a, '(?:^|[^а-яёa-zәғқңөұүһі])(?:п|пункт|item)\.?\s*(\d+)', 1), ''),
    nullif(regexp_extract(a, '(\d+)\s*-?\s*(?:тармақ|пункт)', 1), ''));

-- Sides written as codes, country names or oblast names.
CREATE OR REPLACE TEMP MACRO ingest_side_text(x) AS CASE
    WHEN upper(x) IN ('KZ', 'КЗ', 'KAZ', 'РК', 'RK') OR lower(x) IN ('казахстан', 'қазақстан', 'kazakhstan') THEN 'KZ'
    WHEN upper(x) IN ('KG', 'КГ', 'KGZ', 'КР', 'KR') OR lower(x) IN ('кыргызстан', 'киргизия', 'kyrgyzstan',
                                                                     'кыргыз республикасы') THEN 'KG'
END;
CREATE OR REPLACE TEMP MACRO ingest_side(x) AS CASE WHEN x IS NULL THEN NULL ELSE ingest_side_text(ingest_trim(x)) END;

-- One cell of a CSV line in the file's delimiter d (quoted when it must be).
CREATE OR REPLACE TEMP MACRO ingest_csv_cell(x, d) AS CASE
    WHEN x IS NULL THEN ''
    WHEN contains(x, d) OR contains(x, '"') OR contains(x, chr(10)) OR contains(x, chr(13))
        THEN '"' || replace(x, '"', '""') || '"'
    ELSE x
END;
