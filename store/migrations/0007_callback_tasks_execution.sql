-- A task's execution: FindExecutionTokens, the updates that decide or cancel an execution's
-- waiting tasks (execution_id and status), the timeout audit, and the ON DELETE CASCADE that
-- deleting an execution runs, all look tasks up by execution. Without this index each of them
-- read every task ever stored (callback_tasks_status serves only the status).
CREATE INDEX callback_tasks_execution ON callback_tasks (execution_id, status);
