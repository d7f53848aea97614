-- District → oblast of the reference (filtered in Python: tiny table).
SELECT district, oblast FROM ref_districts
