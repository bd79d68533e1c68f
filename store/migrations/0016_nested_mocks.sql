-- parent_arn: the execution whose states:startExecution task started this one (nested
-- executions link both ways). test_case: the Step Functions Local mock test case the execution
-- runs with (StartExecution with stateMachineArn#TestCase), '' for none.
ALTER TABLE executions ADD COLUMN parent_arn TEXT NOT NULL DEFAULT '';
ALTER TABLE executions ADD COLUMN test_case  TEXT NOT NULL DEFAULT '';
CREATE INDEX executions_parent ON executions (parent_arn, id) WHERE parent_arn <> '';
