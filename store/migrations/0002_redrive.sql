-- RedriveExecution: how many times an execution was redriven and when last, as
-- DescribeExecution reports them (redriveCount, redriveDate).
ALTER TABLE executions ADD COLUMN redrive_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE executions ADD COLUMN redrive_date  INTEGER;
