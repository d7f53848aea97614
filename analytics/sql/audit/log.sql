-- Audit entries, newest first. Parameters: start, end (TIMESTAMP, NULL = open), usernames, actions
-- (VARCHAR[], NULL = all), limit (NULL = all).
SELECT audit_id, logged_at, username, action, CAST(details AS VARCHAR) AS details
FROM audit_log
WHERE logged_at >= coalesce(CAST(? AS TIMESTAMP), CAST('-infinity' AS TIMESTAMP))
  AND logged_at < coalesce(CAST(? AS TIMESTAMP), CAST('infinity' AS TIMESTAMP))
  AND (CAST(? AS VARCHAR[]) IS NULL OR list_contains(CAST(? AS VARCHAR[]), username))
  AND (CAST(? AS VARCHAR[]) IS NULL OR list_contains(CAST(? AS VARCHAR[]), action))
ORDER BY logged_at DESC, audit_id DESC
LIMIT coalesce(CAST(? AS BIGINT), 9223372036854775807)
