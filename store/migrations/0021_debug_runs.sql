-- debug: a debug run's breakpoints as it was started with them (JSON of resource.DebugSettings),
-- '' for a normal run; a restart pauses it at the same places. paused counts its frames
-- paused now (StudioDebugPaused not yet resumed), for the executions page's "paused" filter.
ALTER TABLE executions ADD COLUMN debug TEXT NOT NULL DEFAULT '';
ALTER TABLE executions ADD COLUMN paused INTEGER NOT NULL DEFAULT 0;
