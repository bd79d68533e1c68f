package lifecycle_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/fakeclock"
	"github.com/stepstudio/stepstudio/runtime/resource"
)

// TestParkedActivityTaskIsTakenAndAnswered: an activity task that waited long enough for its
// execution to be let go is taken by a worker (which wakes the execution to record its
// ActivityStarted and start its heartbeat), then answered.
func TestParkedActivityTaskIsTakenAndAnswered(t *testing.T) {
	const activity = "arn:aws:states:us-east-1:123456789012:activity:work"
	clock := fakeclock.New(testStart)
	s := open(t, filepath.Join(t.TempDir(), "studio.db"), clock)
	t.Cleanup(s.close)
	ctx := context.Background()
	m, err := s.db.CreateMachine(ctx, resource.StateMachine{Name: "Work", ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:Work",
		Definition: []byte(`{"StartAt":"W","States":{"W":{"Type":"Task","Resource":"` + activity + `","HeartbeatSeconds":300,"End":true}}}`)})
	if err != nil {
		t.Fatal(err)
	}
	e, err := s.l.Start(ctx, m, "arn:aws:states:us-east-1:123456789012:execution:Work:one", "one", []byte(`{"n":1}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := clock.BlockUntil(ctx, 1); err != nil { // the wait's timer: letting go, in a minute
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	s.l.Wait() // let go: no worker took it, so no heartbeat is due
	parked, err := s.db.FindExecution(ctx, e.ID)
	if err != nil || parked.WakeAt.IsZero() {
		t.Fatalf("not parked: %+v %v", parked, err)
	}
	task, err := s.db.TakeActivityTask(ctx, activity, "w1", clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.l.StartActivityTask(ctx, task, "w1"); err != nil {
		t.Fatalf("start the parked execution's task: %v", err)
	}
	ev := resource.AuditEvent{User: "w1", Action: resource.AuditApproved, Output: json.RawMessage(`{"ok":true}`), At: clock.Now()}
	if err := s.l.Decide(ctx, task, ev); err != nil {
		t.Fatalf("answer: %v", err)
	}
	eventually(t, "the execution to end", func() bool {
		got, err := s.db.FindExecution(ctx, e.ID)
		return err == nil && got.Status != runtime.StatusRunning
	})
	history, err := s.db.FindEvents(ctx, e.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var types []runtime.EventType
	for _, ev := range history {
		types = append(types, ev.Type)
	}
	want := []runtime.EventType{runtime.ExecutionStarted, runtime.TaskStateEntered, runtime.ActivityScheduled, runtime.ActivityStarted,
		runtime.ActivitySucceeded, runtime.TaskStateExited, runtime.ExecutionSucceeded}
	if len(types) != len(want) {
		t.Fatalf("history %v, want %v", types, want)
	}
	for i := range want {
		if types[i] != want[i] {
			t.Fatalf("history %v, want %v", types, want)
		}
	}
	if history[3].Details.WorkerName != "w1" {
		t.Fatalf("ActivityStarted %+v", history[3].Details)
	}
}
