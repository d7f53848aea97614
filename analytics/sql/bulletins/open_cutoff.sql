-- The sent_on day of the $limit-th oldest bulletin still open at $as_of (see ageing.sql; NULL: none open). Read on
-- the dates alone; open_cut.sql then takes every open bulletin sent by that day.
SELECT max(sent_on) AS last_day
FROM (
    SELECT sent_on FROM bulletins
    WHERE sent_on <= $as_of::DATE
      AND NOT coalesce(first_found_on <= $as_of::DATE, false)
      AND NOT (status IN ('found', 'returned', 'withdrawn') AND (closed_on IS NULL OR closed_on <= $as_of::DATE))
    ORDER BY sent_on
    LIMIT $limit::BIGINT
)
