-- A Standard execution that sleeps (a long Wait) is let go by the engine and kept here: it is
-- RUNNING, holds no goroutine, and is woken (resumed from its history) at wake_at.
ALTER TABLE executions ADD COLUMN wake_at INTEGER;
CREATE INDEX executions_wake ON executions (wake_at) WHERE wake_at IS NOT NULL;
