package integration

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
)

// Executions starts, awaits and stops the studio's own executions for nested workflows
// (arn:aws:states:::states:startExecution); the web server implements it with its
// StartExecution, so a child is started as the API would start it.
type Executions interface {
	// StartExecution starts machineARN (a machine, version or alias ARN) under name ("" for
	// a generated one) with input (JSON text), recording parentARN as its parent. Its
	// errors are *StartError for what the API would refuse.
	StartExecution(ctx context.Context, parentARN, machineARN, name, input string) (resource.Execution, error)
	// AwaitExecution returns the execution once it has ended (or ctx ended).
	AwaitExecution(ctx context.Context, arn string) (resource.Execution, error)
	// StopExecution stops a running execution with an error and cause.
	StopExecution(ctx context.Context, arn, errName, cause string) error
}

// StartError is a StartExecution the API would refuse, with the API's error code
// (StateMachineDoesNotExist, ExecutionAlreadyExists, ...) and message.
type StartError struct {
	Code, Message string
}

func (e *StartError) Error() string { return e.Code + ": " + e.Message }

// Nested runs states:startExecution tasks: request-response answers with the child's ARN
// and start date, .sync and .sync:2 await the child (runtime.JobRunner: a restart awaits it
// again), and .waitForTaskToken leaves the child to send the token back.
type Nested struct {
	Executions Executions
}

// startParameters are states:startExecution's Parameters: Input may be any JSON value
// (a string is the input's JSON text, as the API takes it).
type startParameters struct {
	StateMachineArn string          `json:"StateMachineArn"`
	Name            string          `json:"Name"`
	Input           json.RawMessage `json:"Input"`
}

// Start starts the child execution and answers as AWS's request-response pattern does.
func (n *Nested) Start(ctx context.Context, req runtime.TaskRequest) (json.RawMessage, error) {
	var p startParameters
	if err := json.Unmarshal(req.Input, &p); err != nil || p.StateMachineArn == "" {
		return nil, &runtime.Error{Name: runtime.ErrNameRuntime, Cause: "The states:startExecution Parameters must have a StateMachineArn (and may have an Input and a Name): " + string(req.Input)}
	}
	input := "{}"
	if len(p.Input) > 0 && string(p.Input) != "null" {
		input = string(p.Input)
		var text string
		if json.Unmarshal(p.Input, &text) == nil {
			input = text // a string is the input's JSON text
		}
	}
	e, err := n.Executions.StartExecution(ctx, req.ExecutionARN, p.StateMachineArn, p.Name, input)
	if err != nil {
		return nil, startFailure(ctx, err)
	}
	return json.Marshal(map[string]any{
		"ExecutionArn":    e.ARN,
		"StartDate":       e.StartedAt.UnixMilli(),
		"SdkHttpMetadata": map[string]any{"HttpStatusCode": 200},
	})
}

// AwaitJob waits for the child a .sync task started and gives AWS's result: the child's
// DescribeExecution, its Input and Output as JSON text for .sync and as JSON for .sync:2. A
// child that did not succeed fails the task with States.TaskFailed, that description as the
// cause. Stopping the parent stops the child; a shutdown leaves it running, to be awaited
// again after the restart.
func (n *Nested) AwaitJob(ctx context.Context, req runtime.TaskRequest, submitted json.RawMessage) (json.RawMessage, error) {
	var s struct{ ExecutionArn string }
	if err := json.Unmarshal(submitted, &s); err != nil || s.ExecutionArn == "" {
		return nil, &runtime.Error{Name: runtime.ErrNameTaskFailed, Cause: "stepstudio: the submitted nested execution has no ExecutionArn: " + string(submitted)}
	}
	e, err := n.Executions.AwaitExecution(ctx, s.ExecutionArn)
	if ctx.Err() != nil {
		if errName, cause, stopped := runtime.StopCause(ctx); stopped {
			// As AWS: stopping the parent stops the child it waits for.
			if err := n.Executions.StopExecution(context.WithoutCancel(ctx), s.ExecutionArn, errName, cause); err != nil && !errors.Is(err, runtime.ErrExecutionNotRunning) {
				return nil, err
			}
		}
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	out := describe(e, strings.HasSuffix(req.Resource, ".sync:2"))
	b, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	if e.Status != runtime.StatusSucceeded {
		return nil, &runtime.Error{Name: runtime.ErrNameTaskFailed, Cause: string(b)}
	}
	return b, nil
}

// describe is a child's DescribeExecution as a .sync task's result shows it (PascalCase,
// dates in epoch milliseconds); asJSON gives Input and Output as JSON instead of text.
func describe(e resource.Execution, asJSON bool) map[string]any {
	data := func(text json.RawMessage) any {
		if asJSON {
			return text
		}
		return string(text)
	}
	out := map[string]any{
		"ExecutionArn":    e.ARN,
		"Name":            e.Name,
		"StateMachineArn": e.StateMachineARN,
		"Status":          string(e.Status),
		"StartDate":       e.StartedAt.UnixMilli(),
		"StopDate":        e.StoppedAt.UnixMilli(),
		"Input":           data(e.Input),
		"InputDetails":    map[string]bool{"Included": true},
	}
	if e.Status == runtime.StatusSucceeded {
		out["Output"], out["OutputDetails"] = data(e.Output), map[string]bool{"Included": true}
	}
	if e.Error != "" {
		out["Error"] = e.Error
	}
	if e.Cause != "" {
		out["Cause"] = e.Cause
	}
	return out
}

// startFailure names a refused start as Step Functions does: StepFunctions.<Code>Exception,
// with the service's message and its details as the cause.
func startFailure(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	var se *StartError
	if !errors.As(err, &se) {
		return err
	}
	code := strings.TrimSuffix(se.Code, "Exception")
	return &runtime.Error{Name: "StepFunctions." + code + "Exception", Cause: fmt.Sprintf(
		"%s (Service: AWSStepFunctions; Status Code: 400; Error Code: %s; Request ID: %s; Proxy: null)", se.Message, se.Code, runtime.NewUUID())}
}

// isStartExecution reports whether resource is states:startExecution, with any pattern.
func isStartExecution(resource string) bool {
	rest, ok := strings.CutPrefix(resource, "arn:aws:states:::states:startExecution")
	return ok && (rest == "" || rest == ".sync" || rest == ".sync:2" || rest == ".waitForTaskToken")
}
