SELECT oblast, name_ru, name_en FROM ref_oblasts
