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

// askDefinition waits for a person's decision, with a heartbeat every five minutes.
const askDefinition = `{"StartAt":"Ask","States":{"Ask":{"Type":"Task",
	"Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"token.$":"$$.Task.Token"},
	"HeartbeatSeconds":300,"End":true}}}`

// eventually polls cond (work done on the lifecycle's goroutines) for up to 30 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for limit := time.Now().Add(30 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(limit) {
			t.Fatalf("waited 30 s for %s", what)
		}
	}
}

// startAsking starts an execution of askDefinition and lets it wait ParkAfter (a minute), so
// that it is let go: parked until its heartbeat is due, holding no run.
func startAsking(t *testing.T) (*studio, *fakeclock.Clock, resource.Execution, resource.CallbackTask) {
	t.Helper()
	clock := fakeclock.New(testStart)
	s := open(t, filepath.Join(t.TempDir(), "studio.db"), clock)
	t.Cleanup(s.close)
	ctx := context.Background()
	m, err := s.db.CreateMachine(ctx, resource.StateMachine{Name: "Ask", ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:Ask",
		Definition: []byte(askDefinition)})
	if err != nil {
		t.Fatal(err)
	}
	e, err := s.l.Start(ctx, m, "arn:aws:states:us-east-1:123456789012:execution:Ask:one", "one", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := clock.BlockUntil(ctx, 1); err != nil { // the wait's timer: letting go, in a minute
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	s.l.Wait() // the run has let go
	e, err = s.db.FindExecution(ctx, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := testStart.Add(5 * time.Minute); e.Status != runtime.StatusRunning || !e.WakeAt.Equal(want) {
		t.Fatalf("after a minute's wait: %s, to wake at %v; want RUNNING, parked until its heartbeat is due at %v", e.Status, e.WakeAt, want)
	}
	tasks, err := s.db.FindCallbackTasks(ctx, resource.CallbackWaiting)
	if err != nil || len(tasks) != 1 {
		t.Fatalf("waiting tasks %+v (%v), want 1", tasks, err)
	}
	return s, clock, e, tasks[0]
}

// TestParkedCallbackIsDecided: a decision on a parked execution's task is acknowledged and
// taken: the execution wakes and ends with it, its task decided once.
func TestParkedCallbackIsDecided(t *testing.T) {
	s, _, e, task := startAsking(t)
	ctx := context.Background()
	ev := resource.AuditEvent{User: "ann", Action: resource.AuditApproved, Output: json.RawMessage(`{"ok":true}`), At: testStart}
	if err := s.l.Decide(ctx, task, ev); err != nil {
		t.Fatalf("approve the parked execution's task: %v", err)
	}
	eventually(t, "the execution to end", func() bool {
		got, err := s.db.FindExecution(ctx, e.ID)
		return err == nil && got.Status != runtime.StatusRunning
	})
	got, _ := s.db.FindExecution(ctx, e.ID)
	if got.Status != runtime.StatusSucceeded || string(got.Output) != `{"ok":true}` {
		t.Fatalf("execution %s %s, want SUCCEEDED {\"ok\":true}", got.Status, got.Output)
	}
	events, err := s.db.FindEvents(ctx, e.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	count := map[runtime.EventType]int{}
	for i, ev := range events {
		if ev.ID != int64(i+1) {
			t.Fatalf("event %d has id %d", i+1, ev.ID)
		}
		count[ev.Type]++
	}
	if count[runtime.TaskSubmitted] != 1 || count[runtime.TaskSucceeded] != 1 || count[runtime.TaskStateEntered] != 1 {
		t.Errorf("history %v: want the task entered, submitted and succeeded once each", count)
	}
}

// TestParkedCallbackKeepsItsHeartbeat: a heartbeat for a parked execution is taken without
// waking it, and counts: woken when its first deadline comes, the execution waits on (the
// heartbeat moved it), is let go again, and times out five minutes after the heartbeat.
func TestParkedCallbackKeepsItsHeartbeat(t *testing.T) {
	s, clock, e, task := startAsking(t)
	ctx := context.Background()
	clock.Advance(time.Minute) // +2 min
	if err := s.l.Heartbeat(ctx, task, "worker"); err != nil {
		t.Fatalf("heartbeat for the parked execution: %v", err)
	}
	clock.Advance(3 * time.Minute) // +5 min: woken, the heartbeat is not due before +7 min
	parkedUntil := func(at time.Time) func() bool {
		return func() bool {
			got, err := s.db.FindExecution(ctx, e.ID)
			return err == nil && got.WakeAt.Equal(at)
		}
	}
	eventually(t, "the execution to wait again after its wake", func() bool {
		got, err := s.db.FindExecution(ctx, e.ID)
		return err == nil && got.WakeAt.IsZero() && clock.Pending() >= 1
	})
	if got, _ := s.db.FindExecution(ctx, e.ID); got.Status != runtime.StatusRunning {
		t.Fatalf("woken at +5 min: %s %s, want still RUNNING (its heartbeat came at +2 min)", got.Status, got.Error)
	}
	clock.Advance(time.Minute) // +6 min: let go again, until +7 min
	eventually(t, "the execution to be let go again until +7 min", parkedUntil(testStart.Add(7*time.Minute)))
	clock.Advance(time.Minute) // +7 min: five minutes after the heartbeat
	eventually(t, "the execution to end", func() bool {
		got, err := s.db.FindExecution(ctx, e.ID)
		return err == nil && got.Status != runtime.StatusRunning
	})
	got, _ := s.db.FindExecution(ctx, e.ID)
	if got.Status != runtime.StatusFailed || got.Error != runtime.ErrNameHeartbeatTimeout {
		t.Fatalf("execution %s %s, want FAILED %s", got.Status, got.Error, runtime.ErrNameHeartbeatTimeout)
	}
}
