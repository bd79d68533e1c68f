-- Refused logins are audited too (actions login_failed and login_throttled). Their rows name
-- no task: task_id and execution_id are 0 and execution_name and state ''. The client's
-- address is what tells a guessing script from a user who mistyped ('' on task rows).
ALTER TABLE audit_events ADD COLUMN client_address TEXT NOT NULL DEFAULT '';
