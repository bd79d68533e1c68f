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

// distributedMap is a machine whose Map runs its items as child executions of typ, failing
// the items whose "fail" is true, tolerating tolerated failures.
func distributedMap(typ string, tolerated int) string {
	return fmt.Sprintf(`{"StartAt":"Fan","States":{"Fan":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":5,
  "ToleratedFailureCount":%d,"Label":"fan",
  "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":%q},"StartAt":"Check","States":{
    "Check":{"Type":"Choice","Choices":[{"Variable":"$.fail","BooleanEquals":true,"Next":"Boom"}],"Default":"Double"},
    "Boom":{"Type":"Fail","Error":"ItemFailed","Cause":"asked to"},
    "Double":{"Type":"Pass","Parameters":{"n.$":"$.n","twice.$":"States.MathAdd($.n, $.n)"},"End":true}}},
  "End":true}}}`, tolerated, typ)
}

func itemsInput(n int, failing ...int) string {
	items := make([]string, n)
	for i := range items {
		fail := false
		for _, f := range failing {
			fail = fail || f == i
		}
		items[i] = fmt.Sprintf(`{"n":%d,"fail":%t}`, i, fail)
	}
	return `{"items":[` + strings.Join(items, ",") + `]}`
}

func TestAPIDistributedMapRuns(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	c := anySFN(s)
	ctx := context.Background()
	for _, typ := range []string{"STANDARD", "EXPRESS"} {
		t.Run(typ+" children", func(t *testing.T) {
			arn := createAPIMachine(t, c, "fan-"+strings.ToLower(typ), distributedMap(typ, 1), "")
			start := must[*sfn.StartExecutionOutput](t, "start")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String(itemsInput(20, 7))}))
			done := awaitStatus(t, c, *start.ExecutionArn, types.ExecutionStatusSucceeded)
			var out []map[string]any
			if err := json.Unmarshal([]byte(*done.Output), &out); err != nil || len(out) != 20 {
				t.Fatalf("output %s", *done.Output)
			}
			if out[3]["twice"] != float64(6) || out[7]["Error"] != "ItemFailed" {
				t.Fatalf("outputs 3 and 7: %v %v", out[3], out[7])
			}
			runs := must[*sfn.ListMapRunsOutput](t, "map runs")(c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: start.ExecutionArn}))
			if len(runs.MapRuns) != 1 || !strings.Contains(*runs.MapRuns[0].MapRunArn, ":mapRun:fan-"+strings.ToLower(typ)+"/fan:") {
				t.Fatalf("map runs %+v", runs.MapRuns)
			}
			run := runs.MapRuns[0].MapRunArn
			d := must[*sfn.DescribeMapRunOutput](t, "describe map run")(c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: run}))
			if d.Status != types.MapRunStatusSucceeded || d.MaxConcurrency != 5 || d.ToleratedFailureCount != 1 ||
				d.ExecutionCounts.Total != 20 || d.ExecutionCounts.Succeeded != 19 || d.ExecutionCounts.Failed != 1 || d.StopDate == nil {
				t.Fatalf("map run %+v %+v", d, d.ExecutionCounts)
			}
			children := must[*sfn.ListExecutionsOutput](t, "children")(c.ListExecutions(ctx, &sfn.ListExecutionsInput{MapRunArn: run, MaxResults: 100}))
			if len(children.Executions) != 20 || !strings.Contains(*children.Executions[0].StateMachineArn, "stateMachine:fan-"+strings.ToLower(typ)+"/fan") {
				t.Fatalf("children %d %+v", len(children.Executions), children.Executions[0])
			}
			parents := must[*sfn.ListExecutionsOutput](t, "parents")(c.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(arn)}))
			if len(parents.Executions) != 1 {
				t.Fatalf("the machine lists %d executions, want the parent alone", len(parents.Executions))
			}
			h := must[*sfn.GetExecutionHistoryOutput](t, "history")(c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: start.ExecutionArn}))
			var kinds []string
			for _, ev := range h.Events {
				kinds = append(kinds, string(ev.Type))
			}
			if strings.Join(kinds, " ") != "ExecutionStarted MapStateEntered MapStateStarted MapRunStarted MapRunSucceeded MapStateSucceeded MapStateExited ExecutionSucceeded" ||
				*h.Events[3].MapRunStartedEventDetails.MapRunArn != *run {
				t.Fatalf("parent history %v", kinds)
			}
			// The pages: the parent lists its map run and children, a child links its parent.
			db := s.readDB(t)
			parent, err := db.FindExecutionByARN(ctx, *start.ExecutionArn)
			if err != nil {
				t.Fatal(err)
			}
			_, page := s.get(t, fmt.Sprintf("/executions/%d", parent.ID))
			if !strings.Contains(page, `data-testid="map-run"`) || !strings.Contains(page, *run) || strings.Count(page, `href="/executions/`) < 20 {
				t.Fatalf("the parent's page does not show its map run and children")
			}
			first, err := db.FindExecutionByARN(ctx, *children.Executions[0].ExecutionArn)
			if err != nil {
				t.Fatal(err)
			}
			_, page = s.get(t, fmt.Sprintf("/executions/%d", first.ID))
			if !strings.Contains(page, `data-testid="execution-parent"`) || !strings.Contains(page, fmt.Sprintf(`href="/executions/%d"`, parent.ID)) {
				t.Fatalf("a child's page does not link its parent")
			}
			if typ == "STANDARD" {
				child := must[*sfn.GetExecutionHistoryOutput](t, "child history")(c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: children.Executions[0].ExecutionArn}))
				if child.Events[0].Type != types.HistoryEventTypeExecutionStarted || len(child.Events) < 5 {
					t.Fatalf("child history %+v", child.Events)
				}
			}
			_, err = c.UpdateMapRun(ctx, &sfn.UpdateMapRunInput{MapRunArn: run, MaxConcurrency: aws.Int32(2)})
			wantCode(t, "update an ended map run", err, "ValidationException")
		})
	}
	t.Run("too many failures fail the map run", func(t *testing.T) {
		arn := createAPIMachine(t, c, "fan-fails", distributedMap("STANDARD", 1), "")
		start := must[*sfn.StartExecutionOutput](t, "start")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String(itemsInput(10, 1, 2, 3))}))
		d := awaitStatus(t, c, *start.ExecutionArn, types.ExecutionStatusFailed)
		if aws.ToString(d.Error) != "States.ExceedToleratedFailureThreshold" {
			t.Fatalf("error %v", aws.ToString(d.Error))
		}
		runs := must[*sfn.ListMapRunsOutput](t, "map runs")(c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: start.ExecutionArn}))
		mr := must[*sfn.DescribeMapRunOutput](t, "describe")(c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: runs.MapRuns[0].MapRunArn}))
		if mr.Status != types.MapRunStatusFailed {
			t.Fatalf("map run %s", mr.Status)
		}
	})
}

// TestDistributedMapSurvivesRestart: children waiting for callbacks when the studio stops are
// resumed, not started again, and the parent ends when they are answered.
func TestDistributedMapSurvivesRestart(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "data", "studio.db")
	s := startStudioOn(t, db)
	c := anySFN(s)
	ctx := context.Background()
	def := `{"StartAt":"Fan","States":{"Fan":{"Type":"Map","ItemsPath":"$.items",
  "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"Ask","States":{
    "Ask":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters":{"QueueUrl":"q","MessageBody":{"Token.$":"$$.Task.Token","n.$":"$.n"}},"End":true}}},"End":true}}}`
	arn := createAPIMachine(t, c, "fan-wait", def, "")
	start := must[*sfn.StartExecutionOutput](t, "start")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String(itemsInput(3))}))
	eventually(t, "three tasks to wait", func() bool { return len(s.waitingTaskIDs(t)) == 3 })
	runs := must[*sfn.ListMapRunsOutput](t, "map runs")(c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: start.ExecutionArn}))
	s.stop()

	s = startStudioOn(t, db)
	t.Cleanup(s.stop)
	c = anySFN(s)
	children := must[*sfn.ListExecutionsOutput](t, "children")(c.ListExecutions(ctx, &sfn.ListExecutionsInput{MapRunArn: runs.MapRuns[0].MapRunArn}))
	if len(children.Executions) != 3 {
		t.Fatalf("%d children after the restart", len(children.Executions))
	}
	for _, e := range children.Executions {
		token := historyToken(t, c, *e.ExecutionArn)
		out, _ := json.Marshal(map[string]string{"answered": *e.Name})
		must[*sfn.SendTaskSuccessOutput](t, "answer")(c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(string(out))}))
	}
	d := awaitStatus(t, c, *start.ExecutionArn, types.ExecutionStatusSucceeded)
	if strings.Count(*d.Output, "answered") != 3 {
		t.Fatalf("output %s", *d.Output)
	}
	again := must[*sfn.ListExecutionsOutput](t, "children")(c.ListExecutions(ctx, &sfn.ListExecutionsInput{MapRunArn: runs.MapRuns[0].MapRunArn}))
	if len(again.Executions) != 3 {
		t.Fatalf("%d children in the end: some started twice", len(again.Executions))
	}
}

// TestMapRunUpdateAndStop: UpdateMapRun widens a running map run at once; stopping the parent
// aborts its children and the map run.
func TestMapRunUpdateAndStop(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	c := anySFN(s)
	ctx := context.Background()
	def := `{"StartAt":"Fan","States":{"Fan":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":1,
  "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"Ask","States":{
    "Ask":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters":{"QueueUrl":"q","MessageBody":{"Token.$":"$$.Task.Token"}},"End":true}}},"End":true}}}`
	arn := createAPIMachine(t, c, "fan-one", def, "")
	start := must[*sfn.StartExecutionOutput](t, "start")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String(itemsInput(3))}))
	eventually(t, "the first child to wait", func() bool { return len(s.waitingTaskIDs(t)) == 1 })
	runs := must[*sfn.ListMapRunsOutput](t, "map runs")(c.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: start.ExecutionArn}))
	run := runs.MapRuns[0].MapRunArn
	// The first child waits for ever: under MaxConcurrency 1 no second one can have started.
	children := must[*sfn.ListExecutionsOutput](t, "children")(c.ListExecutions(ctx, &sfn.ListExecutionsInput{MapRunArn: run}))
	if len(children.Executions) != 1 {
		t.Fatalf("%d children under MaxConcurrency 1", len(children.Executions))
	}
	must[*sfn.UpdateMapRunOutput](t, "update")(c.UpdateMapRun(ctx, &sfn.UpdateMapRunInput{MapRunArn: run, MaxConcurrency: aws.Int32(3)}))
	eventually(t, "three children to wait", func() bool { return len(s.waitingTaskIDs(t)) == 3 })
	d := must[*sfn.DescribeMapRunOutput](t, "describe")(c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: run}))
	if d.MaxConcurrency != 3 || d.ExecutionCounts.Running != 3 {
		t.Fatalf("map run %d %+v", d.MaxConcurrency, d.ExecutionCounts)
	}

	must[*sfn.StopExecutionOutput](t, "stop")(c.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: start.ExecutionArn, Error: aws.String("Enough")}))
	awaitStatus(t, c, *start.ExecutionArn, types.ExecutionStatusAborted)
	eventually(t, "the children and the map run to be aborted", func() bool {
		d, err := c.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: run})
		if err != nil {
			t.Fatal(err)
		}
		return d.Status == types.MapRunStatusAborted && d.ExecutionCounts.Aborted == 3
	})
}

// TestActivityTasksSurviveRestart: a task a worker took before a restart is answered after
// it; one that waited for a worker is handed out after it.
func TestActivityTasksSurviveRestart(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "data", "studio.db")
	s := startStudioOn(t, db)
	c := anySFN(s)
	ctx := context.Background()
	act := must[*sfn.CreateActivityOutput](t, "activity")(c.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("durable")}))
	def := fmt.Sprintf(`{"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":%q,"HeartbeatSeconds":600,"End":true}}}`, *act.ActivityArn)
	arn := createAPIMachine(t, c, "durable", def, "")
	taken := must[*sfn.StartExecutionOutput](t, "start")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String(`{"n":1}`)}))
	task := must[*sfn.GetActivityTaskOutput](t, "poll")(c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn, WorkerName: aws.String("before")}))
	if aws.ToString(task.Input) != `{"n":1}` {
		t.Fatalf("input %v", aws.ToString(task.Input))
	}
	waiting := must[*sfn.StartExecutionOutput](t, "start")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String(`{"n":2}`)}))
	eventually(t, "the second task to be scheduled", func() bool {
		h, err := c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: waiting.ExecutionArn})
		return err == nil && len(h.Events) >= 3 && h.Events[2].Type == types.HistoryEventTypeActivityScheduled
	})
	if ids := s.waitingTaskIDs(t); len(ids) != 0 {
		t.Fatalf("the inbox lists activity tasks %v: they are the workers'", ids)
	}
	s.stop()

	s = startStudioOn(t, db)
	t.Cleanup(s.stop)
	c = anySFN(s)
	must[*sfn.SendTaskHeartbeatOutput](t, "heartbeat")(c.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: task.TaskToken}))
	must[*sfn.SendTaskSuccessOutput](t, "answer")(c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{"done":1}`)}))
	awaitStatus(t, c, *taken.ExecutionArn, types.ExecutionStatusSucceeded)
	second := must[*sfn.GetActivityTaskOutput](t, "poll after")(c.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: act.ActivityArn, WorkerName: aws.String("after")}))
	if aws.ToString(second.Input) != `{"n":2}` {
		t.Fatalf("after the restart: input %v", aws.ToString(second.Input))
	}
	must[*sfn.SendTaskSuccessOutput](t, "answer")(c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: second.TaskToken, Output: aws.String(`{"done":2}`)}))
	awaitStatus(t, c, *waiting.ExecutionArn, types.ExecutionStatusSucceeded)
	h := must[*sfn.GetExecutionHistoryOutput](t, "history")(c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: taken.ExecutionArn}))
	started := 0
	for _, ev := range h.Events {
		if ev.Type == types.HistoryEventTypeActivityStarted {
			started++
			if aws.ToString(ev.ActivityStartedEventDetails.WorkerName) != "before" {
				t.Fatalf("worker %v", aws.ToString(ev.ActivityStartedEventDetails.WorkerName))
			}
		}
	}
	if started != 1 {
		t.Fatalf("%d ActivityStarted events", started)
	}
}
