-- Times are Unix milliseconds (AWS reports history timestamps at millisecond precision).

CREATE TABLE state_machines (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    arn        TEXT    NOT NULL UNIQUE,
    type       TEXT    NOT NULL DEFAULT 'STANDARD',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- Every save is a new version; executions point at the version they ran.
CREATE TABLE state_machine_versions (
    id         INTEGER PRIMARY KEY,
    machine_id INTEGER NOT NULL REFERENCES state_machines (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    -- The definition exactly as given, so an export is byte for byte what came in.
    definition BLOB    NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (machine_id, version)
);

CREATE TABLE executions (
    id         INTEGER PRIMARY KEY,
    arn        TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    machine_id INTEGER NOT NULL REFERENCES state_machines (id) ON DELETE CASCADE,
    version_id INTEGER NOT NULL REFERENCES state_machine_versions (id),
    status     TEXT    NOT NULL,
    input      TEXT    NOT NULL,
    output     TEXT,
    error      TEXT    NOT NULL DEFAULT '',
    cause      TEXT    NOT NULL DEFAULT '',
    started_at INTEGER NOT NULL,
    stopped_at INTEGER
);
CREATE INDEX executions_machine ON executions (machine_id, id);

CREATE TABLE events (
    execution_id INTEGER NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    id           INTEGER NOT NULL,
    previous_id  INTEGER NOT NULL,
    type         TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    timestamp    INTEGER NOT NULL,
    details      TEXT    NOT NULL,
    PRIMARY KEY (execution_id, id)
) WITHOUT ROWID;

CREATE TABLE callback_tasks (
    id           INTEGER PRIMARY KEY,
    token        TEXT    NOT NULL UNIQUE,
    execution_id INTEGER NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    state        TEXT    NOT NULL,
    resource     TEXT    NOT NULL,
    parameters   TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    decided_at   INTEGER,
    output       TEXT,
    error        TEXT    NOT NULL DEFAULT '',
    cause        TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX callback_tasks_status ON callback_tasks (status, id);
