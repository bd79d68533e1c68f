package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
)

// TestAbortThenRedrive follows an execution through StopExecution and two redrives: the
// executions row tracks each end and each restart.
func TestAbortThenRedrive(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	m := createMachine(t, db, "M")
	e := createExecution(t, db, m, "run")
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	record := func(evs ...runtime.Event) {
		t.Helper()
		for _, ev := range evs {
			if ev.Timestamp.IsZero() {
				ev.Timestamp = at
			}
			if err := db.Record(ctx, e.ARN, ev); err != nil {
				t.Fatal(err)
			}
		}
	}
	find := func() resource.Execution {
		t.Helper()
		got, err := db.FindExecution(ctx, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	record(
		runtime.Event{ID: 1, Type: runtime.ExecutionStarted},
		runtime.Event{ID: 2, Type: runtime.TaskScheduled, State: "T", Details: runtime.EventDetails{Parameters: `{}`}},
		runtime.Event{ID: 3, Type: runtime.TaskSubmitted, State: "T", Details: runtime.EventDetails{TaskToken: "t1"}},
		runtime.Event{ID: 4, Type: runtime.TaskStateAborted, State: "T"},
		runtime.Event{ID: 5, Type: runtime.ExecutionAborted, Details: runtime.EventDetails{Error: "Ops", Cause: "stopped by hand"}},
	)
	got := find()
	if got.Status != runtime.StatusAborted || got.Error != "Ops" || got.Cause != "stopped by hand" || got.StoppedAt.IsZero() || got.RedriveCount != 0 || !got.RedriveDate.IsZero() {
		t.Fatalf("aborted execution %+v", got)
	}
	if tasks, _ := db.FindCallbackTasks(ctx, ""); len(tasks) != 1 || tasks[0].Status != resource.CallbackCancelled {
		t.Fatalf("tasks after the abort %+v", tasks)
	}

	redrivenAt := at.Add(time.Hour)
	record(runtime.Event{ID: 6, PreviousEventID: 5, Type: runtime.ExecutionRedriven, Timestamp: redrivenAt,
		Details: runtime.EventDetails{RedriveCount: 1}})
	got = find()
	if got.Status != runtime.StatusRunning || got.Error != "" || got.Cause != "" || !got.StoppedAt.IsZero() ||
		got.RedriveCount != 1 || !got.RedriveDate.Equal(redrivenAt) {
		t.Fatalf("redriven execution %+v", got)
	}
	if running, _ := db.FindRunningExecutions(ctx); len(running) != 1 || running[0].ID != e.ID {
		t.Fatalf("a redriven execution is running again (resumed after a restart): %+v", running)
	}
	events, _ := db.FindEvents(ctx, e.ID, 5)
	if len(events) != 1 || events[0].Details.RedriveCount != 1 {
		t.Fatalf("ExecutionRedriven read back as %+v", events)
	}

	record(
		runtime.Event{ID: 7, Type: runtime.ExecutionFailed, State: "T", Details: runtime.EventDetails{Error: "E"}},
		runtime.Event{ID: 8, Type: runtime.ExecutionRedriven, Details: runtime.EventDetails{RedriveCount: 2}},
		runtime.Event{ID: 9, Type: runtime.ExecutionSucceeded, Details: runtime.EventDetails{Output: `{"ok":1}`}},
	)
	got = find()
	if got.Status != runtime.StatusSucceeded || string(got.Output) != `{"ok":1}` || got.Error != "" || got.RedriveCount != 2 {
		t.Fatalf("execution after the second redrive %+v", got)
	}
}
