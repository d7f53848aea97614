-- Every (side, oblast) of the reference.
SELECT side, oblast FROM ref_oblasts
