-- Retention deletes finished executions in the order they finished (stopped_at, then id):
-- finished before a date, or not among the N most recently finished. This index reads
-- exactly those, oldest first, instead of every execution with its input and output.
-- RUNNING executions have no stopped_at and sort apart.
CREATE INDEX executions_stopped ON executions (stopped_at);
