-- targets: other Step Functions a machine is deployed to (AWS when endpoint is '', LocalStack,
-- another stepstudio). Credentials come from the standard AWS chain (profile '' is the default
-- chain) unless an access key pair is given; its secret is sealed as access keys' are, never
-- kept in clear text. role_arn is the execution role a machine created there gets.
CREATE TABLE targets (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    endpoint       TEXT NOT NULL DEFAULT '',
    region         TEXT NOT NULL,
    profile        TEXT NOT NULL DEFAULT '',
    access_key_id  TEXT NOT NULL DEFAULT '',
    secret_sealed  BLOB,
    role_arn       TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL
);

-- deployments: what was sent where. The definition is the text sent, so the studio can say
-- which machines differ from what they last deployed without asking the target.
CREATE TABLE deployments (
    id           INTEGER PRIMARY KEY,
    target_id    INTEGER NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
    machine_id   INTEGER NOT NULL REFERENCES state_machines(id) ON DELETE CASCADE,
    revision     INTEGER NOT NULL,
    remote_arn   TEXT NOT NULL,
    version_arn  TEXT NOT NULL DEFAULT '',
    alias_arn    TEXT NOT NULL DEFAULT '',
    definition   TEXT NOT NULL,
    deployed_at  INTEGER NOT NULL
);
CREATE INDEX deployments_by_machine ON deployments (machine_id, target_id, id);
