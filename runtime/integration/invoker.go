package integration

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/stepstudio/stepstudio/runtime"
)

// Invoker is the studio's runtime.TaskInvoker: Lambda functions through Lambda, HTTP Tasks,
// nested executions, callbacks (.waitForTaskToken with nothing to call) left to the inbox,
// anything else refused with a cause that says how to route or mock it.
type Invoker struct {
	// Lambda invokes functions; nil refuses them with how to configure an endpoint.
	Lambda *Lambda
	// Nested starts the studio's own executions (states:startExecution); nil refuses them.
	Nested *Nested
	// HTTP runs HTTP Tasks; nil runs them without connections.
	HTTP *HTTP
	// AWS calls SQS, SNS, DynamoDB and EventBridge; nil leaves their callbacks to the inbox.
	AWS *AWS
}

// Invoke runs req.Resource.
func (inv Invoker) Invoke(ctx context.Context, req runtime.TaskRequest) (json.RawMessage, error) {
	call, err := inv.route(req.Resource)
	if err != nil {
		return nil, err
	}
	return call(ctx, req)
}

// Explain says why the studio cannot run resource as it is configured, and how to route or
// mock it; "" when it can. The designer warns with it before a run.
func (inv Invoker) Explain(resource string) string {
	var failure *runtime.Error
	if _, err := inv.route(resource); errors.As(err, &failure) {
		return failure.Cause
	}
	return ""
}

// taskCall is how an integration runs a task.
type taskCall func(ctx context.Context, req runtime.TaskRequest) (json.RawMessage, error)

// route finds the integration that runs resource, or the failure that says why none can.
func (inv Invoker) route(resource string) (taskCall, error) {
	switch {
	case runtime.IsActivityARN(resource):
		// The engine gives activity tasks to their workers; nothing calls them.
		return func(context.Context, runtime.TaskRequest) (json.RawMessage, error) {
			return nil, &runtime.Error{Name: runtime.ErrNameRuntime, Cause: "stepstudio: an activity's task is not called but given to its workers"}
		}, nil
	case runtime.IsLambdaFunctionARN(resource):
		if inv.Lambda == nil {
			return nil, noEndpoint(resource)
		}
		return func(ctx context.Context, req runtime.TaskRequest) (json.RawMessage, error) {
			return inv.Lambda.InvokeFunction(ctx, req.Resource, req.Input)
		}, nil
	case isLambdaInvoke(resource):
		if inv.Lambda == nil {
			return nil, noEndpoint(resource)
		}
		return func(ctx context.Context, req runtime.TaskRequest) (json.RawMessage, error) {
			return inv.Lambda.Invoke(ctx, req.Input)
		}, nil
	case isStartExecution(resource) && inv.Nested != nil:
		return inv.Nested.Start, nil
	case resource == httpInvokeResource:
		h := inv.HTTP
		if h == nil {
			h = &HTTP{}
		}
		return h.Invoke, nil
	case inv.AWS != nil && inv.AWS.Serves(resource):
		return inv.AWS.Invoke, nil
	case strings.HasSuffix(resource, ".waitForTaskToken"):
		// The message goes nowhere: the token waits in the inbox, and SendTaskSuccess answers.
		return func(context.Context, runtime.TaskRequest) (json.RawMessage, error) { return json.RawMessage(`{}`), nil }, nil
	}
	return nil, &runtime.Error{Name: runtime.ErrNameTaskFailed, Cause: fmt.Sprintf(
		"stepstudio has no integration that calls %s. Mock it: start the studio with --mock-config FILE (a Step Functions Local mock file) "+
			"and run with a test case that names this state; or make it a callback (a .waitForTaskToken resource) and answer it from the inbox.", resource)}
}

// AwaitJob awaits the job a .sync task started (runtime.JobRunner): a nested execution.
func (inv Invoker) AwaitJob(ctx context.Context, req runtime.TaskRequest, submitted json.RawMessage) (json.RawMessage, error) {
	if isStartExecution(req.Resource) && inv.Nested != nil {
		return inv.Nested.AwaitJob(ctx, req, submitted)
	}
	return nil, &runtime.Error{Name: runtime.ErrNameTaskFailed, Cause: fmt.Sprintf("stepstudio cannot await the job of %q", req.Resource)}
}

// isLambdaInvoke reports whether resource is the optimized integration, lambda:invoke (with
// or without .waitForTaskToken).
func isLambdaInvoke(resource string) bool {
	rest, ok := strings.CutPrefix(resource, "arn:aws:states:::lambda:invoke")
	return ok && (rest == "" || rest == ".waitForTaskToken")
}

func noEndpoint(resource string) error {
	return &runtime.Error{Name: "Lambda.SdkClientException", Cause: fmt.Sprintf(
		"stepstudio has no Lambda endpoint to invoke %s: start the studio with --lambda-endpoint URL (or LAMBDA_ENDPOINT), "+
			"for example the http://127.0.0.1:3001 of \"sam local start-lambda\"; or mock it with a test case of a Step Functions Local mock file (--mock-config FILE).", resource)}
}
