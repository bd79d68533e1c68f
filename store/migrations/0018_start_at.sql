-- start_at: the state an execution started at when it was run from a chosen state (the
-- execution page's "Run from here"), '' for the machine's StartAt.
ALTER TABLE executions ADD COLUMN start_at TEXT NOT NULL DEFAULT '';
