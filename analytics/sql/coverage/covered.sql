-- Months (first days) in which a side/oblast uploaded data between two dates (the first one a month start,
-- computed by the caller: cheaper to plan than date_trunc of a parameter). Undoing an upload deletes its
-- coverage rows (ingest), so presence of a row is the whole test.
SELECT side, oblast, month
FROM coverage
WHERE month BETWEEN ? AND ?
