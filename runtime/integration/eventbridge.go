package integration

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"

	"github.com/stepstudio/stepstudio/runtime"
)

// eventBridgeService is Amazon EventBridge (JSON 1.1, AWSEvents.PutEvents).
var eventBridgeService = AWSService{ID: "events", Name: "EventBridge", Flag: "eventbridge-endpoint", Env: "EVENTBRIDGE_ENDPOINT",
	sdkName: "AmazonEventBridge", unmodeled: "AmazonEventBridgeException",
	newClient: func(c aws.Config) any { return eventbridge.NewFromConfig(c) }}

// putEvents is arn:aws:states:::events:putEvents: Entries of Detail (an object goes as its
// JSON text), DetailType, Source, EventBusName, Resources, Time and TraceHeader; as on AWS the
// state machine's and the execution's ARNs are added to each entry's Resources, and a
// response with a FailedEntryCount fails the task with EventBridge.FailedEntry and the
// response as the cause. The result is Entries (their EventId) and FailedEntryCount.
func putEvents(ctx context.Context, a *AWS, req runtime.TaskRequest) (json.RawMessage, error) {
	var in eventbridge.PutEventsInput
	if err := parameters(req.Input, &in); err != nil {
		return nil, err
	}
	for i := range in.Entries {
		in.Entries[i].Resources = append(in.Entries[i].Resources, stateMachineARN(req.ExecutionARN), req.ExecutionARN)
	}
	out, err := call(ctx, a, &eventBridgeService, &in, (*eventbridge.Client).PutEvents)
	if err != nil {
		return nil, err
	}
	result, err := eventBridgeService.result(out)
	if err == nil && out.FailedEntryCount > 0 {
		return nil, &runtime.Error{Name: "EventBridge.FailedEntry", Cause: string(result)}
	}
	return result, err
}

// stateMachineARN is the ARN of the state machine an execution ran:
// arn:aws:states:R:A:execution:M:N (or express:M:N:ID) is arn:aws:states:R:A:stateMachine:M.
func stateMachineARN(executionARN string) string {
	f := strings.SplitN(executionARN, ":", 8)
	if len(f) < 7 {
		return executionARN
	}
	return strings.Join(f[:5], ":") + ":stateMachine:" + f[6]
}
