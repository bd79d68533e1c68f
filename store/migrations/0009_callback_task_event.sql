-- The TaskSubmitted event of each callback task: the tasks of one state in a Map's
-- iterations share the state's name, and a restart gives each its token back by its event.
ALTER TABLE callback_tasks ADD COLUMN submitted_event INTEGER NOT NULL DEFAULT 0;
