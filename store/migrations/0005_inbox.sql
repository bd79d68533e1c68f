-- The task page's deadlines and claims. Timeouts come from the TaskScheduled event (0: none),
-- so the page can count down without reading the history again.
ALTER TABLE callback_tasks ADD COLUMN timeout_seconds   INTEGER NOT NULL DEFAULT 0;
ALTER TABLE callback_tasks ADD COLUMN heartbeat_seconds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE callback_tasks ADD COLUMN last_heartbeat_at INTEGER;
-- Who holds the task ('' for nobody): only they, or an admin, may decide it.
ALTER TABLE callback_tasks ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE callback_tasks ADD COLUMN claimed_at INTEGER;
-- Who decided it ('' for nobody yet, or for a decision that came from elsewhere).
ALTER TABLE callback_tasks ADD COLUMN decided_by TEXT NOT NULL DEFAULT '';

-- Who did what to a task, newest last. No foreign keys: an audit row outlives what it names,
-- so it also keeps the names it shows.
CREATE TABLE audit_events (
    id             INTEGER PRIMARY KEY,
    at             INTEGER NOT NULL,
    user_name      TEXT    NOT NULL, -- '' when the studio itself acted (a timeout)
    action         TEXT    NOT NULL, -- claimed, released, approved, rejected, heartbeat, timed_out
    task_id        INTEGER NOT NULL,
    execution_id   INTEGER NOT NULL,
    execution_name TEXT    NOT NULL,
    state          TEXT    NOT NULL,
    output         TEXT,
    error          TEXT    NOT NULL DEFAULT '',
    cause          TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_task ON audit_events (task_id, id);
CREATE INDEX audit_events_execution ON audit_events (execution_id, id);
CREATE INDEX audit_events_user ON audit_events (user_name, id);
