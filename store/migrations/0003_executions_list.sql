-- The executions lists filter by status, optionally within one machine, newest (highest id)
-- first; these indexes serve both without scanning every execution.
CREATE INDEX executions_status ON executions (status, id);
CREATE INDEX executions_machine_status ON executions (machine_id, status, id);

-- Inputs the user saved under a name to run a machine with again (the run dialog).
CREATE TABLE saved_inputs (
    id         INTEGER PRIMARY KEY,
    machine_id INTEGER NOT NULL REFERENCES state_machines (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    input      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (machine_id, name)
);
