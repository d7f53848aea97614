-- Reference oblasts with their side and names (cached per database file by analytics.reference).
SELECT side, oblast, name_ru, name_en FROM ref_oblasts
