package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stepstudio/stepstudio/runtime"
)

// localInvoker runs Task resources on this machine. A .waitForTaskToken task's message is
// delivered to the studio's inbox, where a person (or SendTaskSuccess through the API) answers
// it, so its call succeeds at once. Other integrations are not emulated yet: such a task fails
// with a cause that says so, which Retry and Catch can handle like any task failure.
type localInvoker struct{}

func (localInvoker) Invoke(_ context.Context, req runtime.TaskRequest) (json.RawMessage, error) {
	if strings.HasSuffix(req.Resource, ".waitForTaskToken") {
		return json.RawMessage(`{}`), nil
	}
	return nil, &runtime.Error{
		Name:  "States.TaskFailed",
		Cause: fmt.Sprintf("stepstudio cannot run the resource %q locally yet; use a .waitForTaskToken resource to answer the task from the inbox.", req.Resource),
	}
}
