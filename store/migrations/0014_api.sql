-- What the Step Functions API keeps besides a definition: each saved revision's role and
-- the description it was published with; published versions (PublishStateMachineVersion)
-- numbered from 1 per machine, on the revision they froze; machines being deleted while
-- executions of theirs still run; aliases; tags; activities.
ALTER TABLE state_machine_versions ADD COLUMN role_arn     TEXT    NOT NULL DEFAULT '';
ALTER TABLE state_machine_versions ADD COLUMN description  TEXT    NOT NULL DEFAULT '';
ALTER TABLE state_machine_versions ADD COLUMN published    INTEGER; -- NULL: not a published version
ALTER TABLE state_machine_versions ADD COLUMN published_at INTEGER;
CREATE UNIQUE INDEX state_machine_versions_published
    ON state_machine_versions (machine_id, published) WHERE published IS NOT NULL;

-- loggingConfiguration as the caller gave it (JSON), and tracingConfiguration.enabled.
ALTER TABLE state_machines ADD COLUMN logging  TEXT    NOT NULL DEFAULT '';
ALTER TABLE state_machines ADD COLUMN tracing  INTEGER NOT NULL DEFAULT 0;
-- DeleteStateMachine on a machine with running executions: they finish, nothing new starts.
ALTER TABLE state_machines ADD COLUMN deleting INTEGER NOT NULL DEFAULT 0;
-- A deleted machine is kept, renamed out of the way, with its versions and executions: its
-- rows may hold the highest ids, which SQLite (without AUTOINCREMENT) would hand to the next
-- rows, and the caches keyed by id (parsed definitions, the pages' folds) would then speak
-- of the wrong one. Retention deletes its executions in time, as everyone's.
ALTER TABLE state_machines ADD COLUMN deleted_at INTEGER;
-- The last version number published: a number is never given twice, even once deleted.
ALTER TABLE state_machines ADD COLUMN last_published INTEGER NOT NULL DEFAULT 0;

-- routing is JSON: [{"version": n, "weight": w}], one or two published versions.
CREATE TABLE state_machine_aliases (
    id          INTEGER PRIMARY KEY,
    machine_id  INTEGER NOT NULL REFERENCES state_machines (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    routing     TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (machine_id, name)
);

-- The version and alias an execution was started through ('' when neither).
ALTER TABLE executions ADD COLUMN version_arn TEXT NOT NULL DEFAULT '';
ALTER TABLE executions ADD COLUMN alias_arn   TEXT NOT NULL DEFAULT '';

-- Tags of any resource, by its ARN; deleting a resource deletes its tags.
CREATE TABLE tags (
    resource_arn TEXT NOT NULL,
    key          TEXT NOT NULL,
    value        TEXT NOT NULL,
    PRIMARY KEY (resource_arn, key)
) WITHOUT ROWID;

CREATE TABLE activities (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    arn        TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

-- An activity task is a callback task whose resource is the activity's ARN: it waits for a
-- worker (GetActivityTask), which takes it once (worker, started_at), then for its callback.
ALTER TABLE callback_tasks ADD COLUMN worker     TEXT NOT NULL DEFAULT '';
ALTER TABLE callback_tasks ADD COLUMN started_at INTEGER;
CREATE INDEX callback_tasks_activity ON callback_tasks (resource, id)
    WHERE status = 'WAITING' AND started_at IS NULL;
