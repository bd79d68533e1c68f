-- A decision (approve, reject) is stored before it is acknowledged, and before the execution
-- takes it: 'succeeded' or 'failed' here, with its output or error and cause in the task's
-- columns, while the task is still waiting. The execution's TaskSucceeded or TaskFailed then
-- ends the task; a restart hands a decision still pending to the resumed execution.
ALTER TABLE callback_tasks ADD COLUMN decision TEXT NOT NULL DEFAULT '';
