-- Months (first days) in which a side/oblast uploaded data between two dates.
-- A coverage row written by an upload that was later undone does not count.
SELECT DISTINCT c.side, c.oblast, date_trunc('month', c.month)::DATE AS month
FROM coverage c
WHERE c.month BETWEEN date_trunc('month', ?::DATE) AND ?::DATE
  AND c.upload_id NOT IN (SELECT u.upload_id FROM uploads u WHERE u.status = 'undone')
