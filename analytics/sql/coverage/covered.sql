-- Months (first days) in which a side/oblast uploaded data between two dates. Undoing an upload
-- deletes its coverage rows (ingest), so presence of a row is the whole test.
SELECT side, oblast, month
FROM coverage
WHERE month BETWEEN date_trunc('month', ?::DATE) AND ?::DATE
