SELECT category, direction FROM ref_categories ORDER BY sort
