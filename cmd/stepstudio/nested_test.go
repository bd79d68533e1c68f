package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// TestNestedExecutions: states:startExecution in its four patterns (request-response,
// .sync:2 with JSON, .sync with text, .waitForTaskToken), a failed child caught as
// States.TaskFailed with its description as the cause, and the pages linking both ways.
func TestNestedExecutions(t *testing.T) {
	t.Parallel()
	s := startStudioOn(t, filepath.Join(t.TempDir(), "data", "studio.db"))
	t.Cleanup(s.stop)
	c := anySFN(s)
	ctx := context.Background()
	child := createAPIMachine(t, c, "nested-child", `{"StartAt":"Echo","States":{"Echo":{"Type":"Pass","Parameters":{"got.$":"$.value"},"End":true}}}`, "")
	failing := createAPIMachine(t, c, "nested-fail", `{"StartAt":"No","States":{"No":{"Type":"Fail","Error":"SomeFailure","Cause":"it failed"}}}`, "")
	parent := createAPIMachine(t, c, "nested-parent", fmt.Sprintf(`{"StartAt":"Start","States":{
  "Start":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution","Parameters":{"StateMachineArn":%[1]q,"Input":{"value":1}},"ResultPath":"$.started","Next":"Sync2"},
  "Sync2":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2","Parameters":{"StateMachineArn":%[1]q,"Name":"second",
    "Input":{"value":2,"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$":"$$.Execution.Id"}},"ResultSelector":{"out.$":"$.Output.got","status.$":"$.Status"},"ResultPath":"$.sync2","Next":"Sync"},
  "Sync":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync","Parameters":{"StateMachineArn":%[1]q,"Input":"{\"value\":3}"},"ResultSelector":{"out.$":"$.Output"},"ResultPath":"$.sync","Next":"FailSync"},
  "FailSync":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2","Parameters":{"StateMachineArn":%[2]q},
    "Catch":[{"ErrorEquals":["States.TaskFailed"],"ResultPath":"$.caught","Next":"Callback"}],"End":true},
  "Callback":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.waitForTaskToken","Parameters":{"StateMachineArn":%[1]q,"Input":{"value":4,"token.$":"$$.Task.Token"}},"ResultPath":"$.callback","End":true}}}`, child, failing), "")
	start := must[*sfn.StartExecutionOutput](t, "start")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(parent), Input: aws.String(`{}`)}))

	// The child of the callback task carries the token: the test answers for it.
	var token string
	eventually(t, "the callback's child", func() bool {
		list := must[*sfn.ListExecutionsOutput](t, "list")(c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(child)}))
		for _, e := range list.Executions {
			d := must[*sfn.DescribeExecutionOutput](t, "describe")(c.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: e.ExecutionArn}))
			var in struct{ Token string }
			json.Unmarshal([]byte(aws.ToString(d.Input)), &in)
			if in.Token != "" {
				token = in.Token
				return true
			}
		}
		return false
	})
	must[*sfn.SendTaskSuccessOutput](t, "callback")(c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`{"ok":true}`)}))
	d := awaitStatus(t, c, *start.ExecutionArn, types.ExecutionStatusSucceeded)
	var out struct {
		Started struct {
			ExecutionArn string
			StartDate    int64
		}
		Sync2 struct {
			Out    int
			Status string
		}
		Sync     struct{ Out string }
		Caught   struct{ Error, Cause string }
		Callback struct{ Ok bool }
	}
	if err := json.Unmarshal([]byte(*d.Output), &out); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.Started.ExecutionArn, "arn:aws:states:us-east-1:123456789012:execution:nested-child:") || out.Started.StartDate < 1e12 {
		t.Errorf("request-response result %+v", out.Started)
	}
	if out.Sync2.Out != 2 || out.Sync2.Status != "SUCCEEDED" || out.Sync.Out != `{"got":3}` || !out.Callback.Ok {
		t.Errorf("output %s", *d.Output)
	}
	var cause struct{ Status, Error, Cause string }
	if err := json.Unmarshal([]byte(out.Caught.Cause), &cause); err != nil || out.Caught.Error != "States.TaskFailed" ||
		cause.Status != "FAILED" || cause.Error != "SomeFailure" || cause.Cause != "it failed" {
		t.Errorf("caught %+v (%v)", out.Caught, err)
	}

	// The .sync task's history as AWS's: TaskSubmitted with the start, then TaskSucceeded.
	h := must[*sfn.GetExecutionHistoryOutput](t, "history")(c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: start.ExecutionArn}))
	var submitted []string
	for _, ev := range h.Events {
		if ev.TaskSubmittedEventDetails != nil && aws.ToString(ev.TaskSubmittedEventDetails.Resource) == "startExecution.sync:2" {
			submitted = append(submitted, "submitted "+aws.ToString(ev.TaskSubmittedEventDetails.Output))
		}
	}
	if len(submitted) != 2 || !strings.Contains(submitted[0], `"ExecutionArn":"arn:aws:states:us-east-1:123456789012:execution:nested-child:second"`) {
		t.Errorf("TaskSubmitted of .sync:2 tasks: %v", submitted)
	}

	// The pages link parent and children.
	db := s.readDB(t)
	pageOf := func(arn string) string {
		e, err := db.FindExecutionByARN(ctx, arn)
		if err != nil {
			t.Fatal(err)
		}
		return s.page(t, fmt.Sprintf("/executions/%d", e.ID))
	}
	parentPage := pageOf(*start.ExecutionArn)
	if n := strings.Count(parentPage, `data-testid="execution-child"`); n != 5 {
		t.Errorf("the parent's page lists %d nested executions, want 5", n)
	}
	childPage := pageOf("arn:aws:states:us-east-1:123456789012:execution:nested-child:second")
	if !strings.Contains(childPage, `data-testid="execution-parent-link"`) || !strings.Contains(childPage, "nested-parent") {
		t.Errorf("the child's page does not link its parent")
	}
}

// TestNestedSyncSurvivesRestartAndStop: a .sync task awaits its child again after a restart
// (the call is not failed as an interrupted one), and stopping a parent stops its child.
func TestNestedSyncSurvivesRestartAndStop(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "data", "studio.db")
	s := startStudioOn(t, db)
	c := anySFN(s)
	ctx := context.Background()
	act := must[*sfn.CreateActivityOutput](t, "activity")(c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("nested-work")}))
	child := createAPIMachine(t, c, "nested-worker", fmt.Sprintf(`{"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":%q,"End":true}}}`, *act.ActivityArn), "")
	parent := createAPIMachine(t, c, "nested-waiter", fmt.Sprintf(`{"StartAt":"Run","States":{"Run":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2",
  "Parameters":{"StateMachineArn":%q,"Input.$":"$"},"OutputPath":"$.Output","End":true}}}`, child), "")
	start := must[*sfn.StartExecutionOutput](t, "start")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(parent), Input: aws.String(`{"n":1}`)}))
	// Stopped once the parent has recorded the child's start (TaskSubmitted): a stop before
	// that finds the call in flight, which fails after the restart as any interrupted call does.
	eventually(t, "the parent to submit its child", func() bool {
		h := must[*sfn.GetExecutionHistoryOutput](t, "history")(c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: start.ExecutionArn}))
		for _, ev := range h.Events {
			if ev.Type == types.HistoryEventTypeTaskSubmitted {
				return true
			}
		}
		return false
	})
	s.stop()

	s = startStudioOn(t, db)
	t.Cleanup(s.stop)
	c = anySFN(s)
	task := must[*sfn.GetActivityTaskOutput](t, "poll")(c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn}))
	// A worker that gives no name: its taking the task is not the task's end.
	must[*sfn.SendTaskSuccessOutput](t, "answer")(c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{"done":true}`)}))
	d := awaitStatus(t, c, *start.ExecutionArn, types.ExecutionStatusSucceeded)
	if aws.ToString(d.Output) != `{"done":true}` {
		t.Errorf("output %s", aws.ToString(d.Output))
	}

	// Stopping the parent stops the child it waits for.
	second := must[*sfn.StartExecutionOutput](t, "start")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(parent), Input: aws.String(`{"n":2}`)}))
	var childARN string
	eventually(t, "the second child", func() bool {
		list := must[*sfn.ListExecutionsOutput](t, "list")(c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(child), StatusFilter: types.ExecutionStatusRunning}))
		if len(list.Executions) == 1 {
			childARN = *list.Executions[0].ExecutionArn
		}
		return childARN != ""
	})
	must[*sfn.StopExecutionOutput](t, "stop")(c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: second.ExecutionArn, Error: aws.String("Halt"), Cause: aws.String("no longer needed")}))
	awaitStatus(t, c, *second.ExecutionArn, types.ExecutionStatusAborted)
	cd := awaitStatus(t, c, childARN, types.ExecutionStatusAborted)
	if aws.ToString(cd.Error) != "Halt" {
		t.Errorf("the child stopped with %q", aws.ToString(cd.Error))
	}
}
