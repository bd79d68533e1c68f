package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/store"
)

func openDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// A definition with unusual formatting: it must come back byte for byte.
const definition = "{\n  \"StartAt\": \"A\",   \"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true}}\n}\n"

func createMachine(t *testing.T, db *store.DB, name string) resource.StateMachine {
	t.Helper()
	m, err := db.CreateMachine(context.Background(), resource.StateMachine{
		Name: name, ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:" + name, Definition: []byte(definition)})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestOpenTwiceKeepsData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "data", "..", "twice.db")
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	createMachine(t, db, "Kept")
	db.Close()
	db, err = store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatalf("reopen (migrations must be idempotent): %v", err)
	}
	defer db.Close()
	if _, err := db.FindMachine(ctx, "Kept"); err != nil {
		t.Fatal(err)
	}
}

func TestMachineVersions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	m := createMachine(t, db, "Orders")
	if m.Version != 1 || string(m.Definition) != definition || m.Type != "STANDARD" {
		t.Fatalf("created %+v", m)
	}
	second := []byte(`{"StartAt":"B","States":{"B":{"Type":"Succeed"}}}`)
	updated, err := db.UpdateMachine(ctx, "Orders", second)
	if err != nil {
		t.Fatal(err)
	}
	if updated.Version != 2 || string(updated.Definition) != string(second) || updated.VersionID == m.VersionID {
		t.Fatalf("updated %+v", updated)
	}
	// The first version is still there for the executions that ran it.
	first, err := db.FindMachineVersion(ctx, m.VersionID)
	if err != nil {
		t.Fatal(err)
	}
	if string(first.Definition) != definition || first.Version != 1 {
		t.Fatalf("first version %+v", first)
	}
	list, err := db.FindMachines(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Version != 2 {
		t.Fatalf("list %+v", list)
	}
}

func TestMachineErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	createMachine(t, db, "Taken")
	_, err := db.CreateMachine(ctx, resource.StateMachine{Name: "Taken", ARN: "other", Definition: []byte(definition)})
	if !errors.Is(err, store.ErrExists) {
		t.Errorf("duplicate name: got %v, want ErrExists", err)
	}
	if _, err := db.FindMachine(ctx, "Missing"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("find missing: got %v, want ErrNotFound", err)
	}
	if _, err := db.UpdateMachine(ctx, "Missing", []byte(definition)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("update missing: got %v, want ErrNotFound", err)
	}
	if _, err := db.FindExecution(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("find missing execution: got %v, want ErrNotFound", err)
	}
	if _, err := db.FindCallbackTask(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("find missing task: got %v, want ErrNotFound", err)
	}
	if err := db.Record(ctx, "arn:nope", runtime.Event{ID: 1, Type: runtime.ExecutionStarted}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("record for a missing execution: got %v, want ErrNotFound", err)
	}
}

func createExecution(t *testing.T, db *store.DB, m resource.StateMachine, name string) resource.Execution {
	t.Helper()
	e, err := db.CreateExecution(context.Background(), resource.Execution{
		ARN: m.ARN + ":" + name, Name: name, StateMachineID: m.ID, VersionID: m.VersionID,
		Input: []byte(`{"n":1}`), StartedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestHistoryDrivesExecutionAndCallbacks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	m := createMachine(t, db, "Approvals")
	created := createExecution(t, db, m, "run-1")
	e, err := db.FindExecution(ctx, created.ID)
	if err != nil || created.Status != runtime.StatusRunning || e.Status != runtime.StatusRunning ||
		e.StateMachineName != "Approvals" || string(e.Input) != `{"n":1}` || !e.StartedAt.Equal(created.StartedAt) {
		t.Fatalf("created %+v, stored %+v (%v)", created, e, err)
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 6_000_000, time.UTC)
	events := []runtime.Event{
		{ID: 1, Type: runtime.ExecutionStarted, Details: runtime.EventDetails{Input: `{"n":1}`}},
		{ID: 2, Type: runtime.TaskStateEntered, State: "Approve", Details: runtime.EventDetails{Name: "Approve", Input: `{"n":1}`}},
		{ID: 3, PreviousEventID: 2, Type: runtime.TaskScheduled, State: "Approve",
			Details: runtime.EventDetails{ResourceType: "sqs", Resource: "sendMessage.waitForTaskToken", Parameters: `{"token":"tok"}`}},
		{ID: 4, PreviousEventID: 3, Type: runtime.TaskStarted, State: "Approve"},
		{ID: 5, PreviousEventID: 4, Type: runtime.TaskSubmitted, State: "Approve",
			Details: runtime.EventDetails{ResourceType: "sqs", Resource: "sendMessage.waitForTaskToken", TaskToken: "tok"}},
	}
	for _, ev := range events {
		ev.Timestamp = at
		if err := db.Record(ctx, e.ARN, ev); err != nil {
			t.Fatal(err)
		}
	}
	waiting, err := db.FindCallbackTasks(ctx, resource.CallbackWaiting)
	if err != nil {
		t.Fatal(err)
	}
	if len(waiting) != 1 {
		t.Fatalf("waiting tasks: %+v", waiting)
	}
	task := waiting[0]
	want := resource.CallbackTask{ID: task.ID, Token: "tok", ExecutionID: e.ID, ExecutionName: "run-1", ExecutionARN: e.ARN,
		StateMachineName: "Approvals", State: "Approve", Resource: "sqs:sendMessage.waitForTaskToken",
		Parameters: []byte(`{"token":"tok"}`), Status: resource.CallbackWaiting, CreatedAt: at, SubmittedEvent: 5}
	if diff := cmp.Diff(want, task); diff != "" {
		t.Fatalf("task (-want +got):\n%s", diff)
	}
	// The execution page finds the task a visit submitted by its TaskSubmitted event.
	if submitted, err := db.FindCallbackTaskSubmitted(ctx, e.ID, 5); err != nil || submitted.ID != task.ID || submitted.Token != "tok" {
		t.Fatalf("task submitted by event 5: %+v, %v", submitted, err)
	}
	if _, err := db.FindCallbackTaskSubmitted(ctx, e.ID, 4); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("task submitted by event 4: %v, want ErrNotFound", err)
	}

	for _, ev := range []runtime.Event{
		{ID: 6, Type: runtime.TaskSucceeded, State: "Approve", Details: runtime.EventDetails{Output: `{"ok":true}`}},
		{ID: 7, Type: runtime.TaskStateExited, State: "Approve", Details: runtime.EventDetails{Output: `{"ok":true}`}},
		{ID: 8, Type: runtime.ExecutionSucceeded, Details: runtime.EventDetails{Output: `{"ok":true}`}},
	} {
		ev.Timestamp = at.Add(time.Second)
		if err := db.Record(ctx, e.ARN, ev); err != nil {
			t.Fatal(err)
		}
	}
	decided, err := db.FindCallbackTask(ctx, task.ID)
	if err != nil {
		t.Fatal(err)
	}
	if decided.Status != resource.CallbackSucceeded || string(decided.Output) != `{"ok":true}` || !decided.DecidedAt.Equal(at.Add(time.Second)) {
		t.Fatalf("decided task %+v", decided)
	}
	ended, err := db.FindExecution(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ended.Status != runtime.StatusSucceeded || string(ended.Output) != `{"ok":true}` || ended.StoppedAt.IsZero() {
		t.Fatalf("ended execution %+v", ended)
	}
	// The history reads back in order, from any point.
	got, err := db.FindEvents(ctx, e.ID, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].ID != 6 || got[2].Type != runtime.ExecutionSucceeded || got[0].State != "Approve" {
		t.Fatalf("events after 5: %+v", got)
	}
	all, _ := db.FindEvents(ctx, e.ID, 0)
	if len(all) != 8 || all[2].Details.Parameters != `{"token":"tok"}` || !all[0].Timestamp.Equal(at) {
		t.Fatalf("all events: %+v", all)
	}
	// The token is kept in its own table, never in the event details.
	if all[4].Details.TaskToken != "" {
		t.Errorf("TaskSubmitted details leak the token: %+v", all[4].Details)
	}
	if err := db.Record(ctx, e.ARN, runtime.Event{ID: 8, Type: runtime.ExecutionSucceeded}); err == nil {
		t.Error("recording the same event id twice must fail")
	}
}

func TestFailedExecutionCancelsWaitingTasks(t *testing.T) {
	t.Parallel()
	// Through the writer too: it knows the executions it created that have no task, and must
	// learn of the one this execution submits.
	for _, viaWriter := range []bool{false, true} {
		t.Run(fmt.Sprintf("writer=%v", viaWriter), func(t *testing.T) {
			ctx := context.Background()
			db := openDB(t)
			var rec runtime.Recorder = db
			if viaWriter {
				w := store.NewWriter(db)
				defer w.Close()
				rec = w
			}
			m := createMachine(t, db, "M")
			e := createExecution(t, db, m, "run")
			for _, ev := range []runtime.Event{
				{ID: 1, Type: runtime.ExecutionStarted},
				{ID: 2, Type: runtime.TaskScheduled, State: "T", Details: runtime.EventDetails{Parameters: `{}`}},
				{ID: 3, Type: runtime.TaskSubmitted, State: "T", Details: runtime.EventDetails{TaskToken: "t1"}},
				{ID: 4, Type: runtime.ExecutionFailed, State: "T", Details: runtime.EventDetails{Error: "States.Timeout", Cause: "too slow"}},
			} {
				if err := rec.Record(ctx, e.ARN, ev); err != nil {
					t.Fatal(err)
				}
			}
			if f, ok := rec.(runtime.Flusher); ok {
				if err := f.Flush(ctx, e.ARN); err != nil {
					t.Fatal(err)
				}
			}
			got, _ := db.FindExecution(ctx, e.ID)
			if got.Status != runtime.StatusFailed || got.Error != "States.Timeout" || got.Cause != "too slow" || got.Output != nil {
				t.Fatalf("execution %+v", got)
			}
			tasks, _ := db.FindCallbackTasks(ctx, "")
			if len(tasks) != 1 || tasks[0].Status != resource.CallbackCancelled {
				t.Fatalf("tasks %+v", tasks)
			}
			list, _ := db.FindExecutions(ctx, m.ID, 0)
			if len(list) != 1 || list[0].ID != e.ID {
				t.Fatalf("executions of machine: %+v", list)
			}
		})
	}
}
