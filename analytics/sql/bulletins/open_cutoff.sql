-- The sent_on day of the $limit-th oldest bulletin still open at $as_of without confirmed matches (NULL: none
-- open). Read on the dates alone; open_plain_cut.sql then takes every open bulletin sent by that day.
SELECT max(sent_on) AS last_day
FROM (
    SELECT sent_on FROM bulletins
    WHERE sent_on <= $as_of::DATE
      AND NOT (status IN ('found', 'returned', 'withdrawn') AND (closed_on IS NULL OR closed_on <= $as_of::DATE))
    ORDER BY sent_on
    LIMIT $limit::BIGINT
)
