package remote

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// Execution is one execution on the target, as ListExecutions and DescribeExecution tell it.
type Execution struct {
	ARN, Name, Status string
	MachineARN        string
	StartedAt         time.Time
	StoppedAt         time.Time // zero while it runs
	Input, Output     string    // only from Describe
	Error, Cause      string    // only from Describe
}

// Executions lists the target's executions of a machine, newest first, at most max (0: 100).
func (c *Client) Executions(ctx context.Context, machineARN string, max int) ([]Execution, error) {
	if max <= 0 {
		max = 100
	}
	var out []Execution
	p := sfn.NewListExecutionsPaginator(c.api, &sfn.ListExecutionsInput{StateMachineArn: aws.String(machineARN)})
	for p.HasMorePages() && len(out) < max {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, c.fail("ListExecutions", err)
		}
		for _, e := range page.Executions {
			if len(out) == max {
				break
			}
			out = append(out, Execution{ARN: aws.ToString(e.ExecutionArn), Name: aws.ToString(e.Name), Status: string(e.Status),
				MachineARN: aws.ToString(e.StateMachineArn), StartedAt: aws.ToTime(e.StartDate), StoppedAt: aws.ToTime(e.StopDate)})
		}
	}
	return out, nil
}

// Describe tells one execution, with its input, output, error and cause.
func (c *Client) Describe(ctx context.Context, arn string) (Execution, error) {
	e, err := c.api.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
	if err != nil {
		return Execution{}, c.fail("DescribeExecution", err)
	}
	return Execution{ARN: arn, Name: aws.ToString(e.Name), Status: string(e.Status), MachineARN: aws.ToString(e.StateMachineArn),
		StartedAt: aws.ToTime(e.StartDate), StoppedAt: aws.ToTime(e.StopDate), Input: aws.ToString(e.Input), Output: aws.ToString(e.Output),
		Error: aws.ToString(e.Error), Cause: aws.ToString(e.Cause)}, nil
}

// Definition is the definition an execution ran with (DescribeStateMachineForExecution).
func (c *Client) Definition(ctx context.Context, arn string) ([]byte, error) {
	out, err := c.api.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: aws.String(arn)})
	if err != nil {
		return nil, c.fail("DescribeStateMachineForExecution", err)
	}
	return []byte(aws.ToString(out.Definition)), nil
}

// History returns the execution's history events after the event numbered after, oldest
// first. GetExecutionHistory's pages hold what was recorded when the first page was asked
// for, so a caller that follows a run asks again for what came since.
func (c *Client) History(ctx context.Context, arn string, after int64) ([]types.HistoryEvent, error) {
	var out []types.HistoryEvent
	p := sfn.NewGetExecutionHistoryPaginator(c.api, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 1000})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, c.fail("GetExecutionHistory", err)
		}
		for _, ev := range page.Events {
			if ev.Id > after {
				out = append(out, ev)
			}
		}
	}
	return out, nil
}

// Start starts an execution of the machine (or version or alias ARN) with input.
func (c *Client) Start(ctx context.Context, machineARN, name, input string) (string, error) {
	out, err := c.api.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(machineARN), Name: optional(name), Input: optional(input)})
	if err != nil {
		return "", c.fail("StartExecution", err)
	}
	return aws.ToString(out.ExecutionArn), nil
}

// Stop stops an execution with an error and a cause (both may be empty).
func (c *Client) Stop(ctx context.Context, arn, errorName, cause string) error {
	_, err := c.api.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(arn), Error: optional(errorName), Cause: optional(cause)})
	return c.fail("StopExecution", err)
}

// Redrive restarts a failed execution from where it failed.
func (c *Client) Redrive(ctx context.Context, arn string) error {
	_, err := c.api.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: aws.String(arn)})
	return c.fail("RedriveExecution", err)
}
