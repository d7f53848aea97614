-- Reference districts (filtered and joined to populations in Python: the table is tiny and list
-- parameters make DuckDB plan this far slower than it runs).
SELECT side, oblast, district, name_ru, name_en FROM ref_districts ORDER BY oblast, district
