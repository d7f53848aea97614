-- Joint operations overlapping [$start, $end] (NULL = unbounded), optionally of one direction.
SELECT code, name, direction, direction_raw, started_on, ended_on, participants, districts, districts_raw,
       detained, cases_opened, drugs_seized_g, weapons_seized, ammunition_seized, livestock_returned,
       vehicles_returned, phones_returned, online_resources_blocked, prevention_events, minors_reached, note
FROM operations
WHERE ($end::DATE IS NULL OR started_on <= $end::DATE)
  AND ($start::DATE IS NULL OR coalesce(ended_on, started_on) >= $start::DATE)
  AND ($direction::VARCHAR IS NULL OR direction = $direction::VARCHAR)
ORDER BY started_on, code
