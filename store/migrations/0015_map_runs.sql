-- A distributed Map's map run: its children are executions of their own (map_run_arn, and
-- map_state, the Map state whose ItemProcessor they run), listed only under it.
CREATE TABLE map_runs (
    id                           INTEGER PRIMARY KEY,
    arn                          TEXT    NOT NULL UNIQUE,
    execution_id                 INTEGER NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
    state                        TEXT    NOT NULL,
    execution_type               TEXT    NOT NULL,
    status                       TEXT    NOT NULL,
    items                        INTEGER NOT NULL,
    max_concurrency              INTEGER NOT NULL,
    tolerated_failure_count      INTEGER NOT NULL,
    tolerated_failure_percentage REAL    NOT NULL,
    started_at                   INTEGER NOT NULL,
    stopped_at                   INTEGER,
    error                        TEXT    NOT NULL DEFAULT '',
    cause                        TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX map_runs_execution ON map_runs (execution_id, id);

ALTER TABLE executions ADD COLUMN map_run_arn TEXT NOT NULL DEFAULT '';
ALTER TABLE executions ADD COLUMN map_state   TEXT NOT NULL DEFAULT '';
CREATE INDEX executions_map_run ON executions (map_run_arn, id) WHERE map_run_arn <> '';
