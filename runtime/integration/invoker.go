package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stepstudio/stepstudio/runtime"
)

// Invoker is the studio's runtime.TaskInvoker: Lambda functions through Lambda, callbacks
// (.waitForTaskToken with nothing to call) left to the inbox, anything else refused with a
// cause that says how to route it.
type Invoker struct {
	// Lambda invokes functions; nil refuses them with how to configure an endpoint.
	Lambda *Lambda
	// AWS calls SQS, SNS, DynamoDB and EventBridge; nil leaves their callbacks to the inbox.
	AWS *AWS
}

// Invoke runs req.Resource.
func (inv Invoker) Invoke(ctx context.Context, req runtime.TaskRequest) (json.RawMessage, error) {
	switch {
	case runtime.IsLambdaFunctionARN(req.Resource):
		if inv.Lambda == nil {
			return nil, noEndpoint(req.Resource)
		}
		return inv.Lambda.InvokeFunction(ctx, req.Resource, req.Input)
	case isLambdaInvoke(req.Resource):
		if inv.Lambda == nil {
			return nil, noEndpoint(req.Resource)
		}
		return inv.Lambda.Invoke(ctx, req.Input)
	case inv.AWS != nil && inv.AWS.Serves(req.Resource):
		return inv.AWS.Invoke(ctx, req)
	case strings.HasSuffix(req.Resource, ".waitForTaskToken"):
		// The message goes nowhere: the token waits in the inbox, and SendTaskSuccess answers.
		return json.RawMessage(`{}`), nil
	}
	return nil, &runtime.Error{Name: runtime.ErrNameTaskFailed, Cause: fmt.Sprintf(
		"stepstudio cannot run the resource %q locally yet; use a .waitForTaskToken resource to answer the task from the inbox.", req.Resource)}
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
			"for example the http://127.0.0.1:3001 of \"sam local start-lambda\".", resource)}
}
