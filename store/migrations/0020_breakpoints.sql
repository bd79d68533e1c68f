-- machine_debug: a machine's breakpoints and break-on-error setting (resource.DebugSettings as
-- JSON). Kept beside the machine, never in its definition: they are the studio's, not the ASL's.
CREATE TABLE machine_debug (
    machine_id  INTEGER PRIMARY KEY REFERENCES state_machines(id) ON DELETE CASCADE,
    settings    TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);
