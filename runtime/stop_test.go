package runtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stepstudio/stepstudio/runtime"
)

// types lists the event types of a history in order.
func types(events []runtime.Event) []runtime.EventType {
	out := make([]runtime.EventType, len(events))
	for i, ev := range events {
		out[i] = ev.Type
	}
	return out
}

// countType counts the events of one type.
func countType(events []runtime.Event, typ runtime.EventType) int {
	n := 0
	for _, ev := range events {
		if ev.Type == typ {
			n++
		}
	}
	return n
}

// checkNumbered fails unless the events are numbered 1..n.
func checkNumbered(t *testing.T, events []runtime.Event) {
	t.Helper()
	for i, ev := range events {
		if ev.ID != int64(i+1) {
			t.Fatalf("event %d has id %d:\n%s", i+1, ev.ID, formatHistory(events))
		}
	}
}

func TestStopDuringWait(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	arn := h.start(t, context.Background(), `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`, `{}`)
	h.blockUntil(t, 1)
	if err := h.eng.Stop(arn, "Ops.Stopped", "by hand"); err != nil {
		t.Fatal(err)
	}
	// Stop returns once everything is recorded: no Wait needed before reading.
	events := h.rec.history(arn)
	checkNumbered(t, events)
	want := []runtime.EventType{runtime.ExecutionStarted, runtime.WaitStateEntered, runtime.WaitStateAborted, runtime.ExecutionAborted}
	if got := types(events); !equalTypes(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	last := events[len(events)-1]
	if details, _ := json.Marshal(last.Details); string(details) != `{"error":"Ops.Stopped","cause":"by hand"}` {
		t.Errorf("ExecutionAborted details %s", details)
	}
	if events[2].State != "W" || events[2].PreviousEventID != 2 || last.PreviousEventID != 3 {
		t.Errorf("aborted events chained wrong:\n%s", formatHistory(events))
	}
	h.eng.Wait()
	if n := len(h.rec.history(arn)); n != 4 {
		t.Errorf("%d events after the stop, want 4", n)
	}
}

func equalTypes(a, b []runtime.EventType) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestStopWaitingCallback(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	arn := h.start(t, context.Background(), approvalMachine, `{"order":1}`)
	h.rec.waitFor(t, runtime.TaskSubmitted)
	if err := h.eng.Stop(arn, "", ""); err != nil {
		t.Fatal(err)
	}
	if err := h.eng.SendTaskSuccess("token-1", json.RawMessage(`{}`)); !errors.Is(err, runtime.ErrTaskDoesNotExist) {
		t.Errorf("SendTaskSuccess after the stop: %v, want ErrTaskDoesNotExist", err)
	}
	if err := h.eng.SendTaskHeartbeat("token-1"); !errors.Is(err, runtime.ErrTaskDoesNotExist) {
		t.Errorf("SendTaskHeartbeat after the stop: %v, want ErrTaskDoesNotExist", err)
	}
	if h.eng.IsWaiting("token-1") {
		t.Error("the token still waits after the stop")
	}
	h.eng.Wait()
	events := h.rec.history(arn)
	checkNumbered(t, events)
	if n := countType(events, runtime.ExecutionAborted); n != 1 {
		t.Fatalf("%d ExecutionAborted events:\n%s", n, formatHistory(events))
	}
	n := len(events)
	if events[n-2].Type != runtime.TaskStateAborted || events[n-2].State != "Approve" || events[n-1].Type != runtime.ExecutionAborted {
		t.Fatalf("history ends:\n%s", formatHistory(events))
	}
	if details, _ := json.Marshal(events[n-1].Details); string(details) != `{}` {
		t.Errorf("ExecutionAborted details %s, want none (AWS allows an empty error and cause)", details)
	}
}

func TestStopInsideMap(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	def := `{"StartAt":"Each","States":{"Each":{"Type":"Map","ItemsPath":"$.items","End":true,
		"ItemProcessor":{"StartAt":"Nap","States":{"Nap":{"Type":"Wait","Seconds":60,"End":true}}}}}}`
	arn := h.start(t, context.Background(), def, `{"items":[1,2,3]}`)
	h.blockUntil(t, 3)
	if err := h.eng.Stop(arn, "Stopped", ""); err != nil {
		t.Fatal(err)
	}
	events := h.rec.history(arn)
	checkNumbered(t, events)
	counts := map[runtime.EventType]int{}
	for _, ev := range events {
		counts[ev.Type]++
	}
	if counts[runtime.WaitStateAborted] != 3 || counts[runtime.MapIterationAborted] != 3 || counts[runtime.MapStateAborted] != 1 ||
		counts[runtime.MapIterationSucceeded] != 0 || counts[runtime.MapStateSucceeded] != 0 {
		t.Fatalf("counts %v:\n%s", counts, formatHistory(events))
	}
	n := len(events)
	if events[n-2].Type != runtime.MapStateAborted || events[n-1].Type != runtime.ExecutionAborted {
		t.Fatalf("history ends:\n%s", formatHistory(events))
	}
}

func TestStopRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	arn := h.start(t, context.Background(), `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`, `{}`)
	h.eng.Wait()
	tests := []struct {
		name string
		arn  string
	}{
		{"an ended execution", arn},
		{"an unknown execution", "arn:aws:states:us-east-1:123456789012:execution:machine:nobody"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := h.eng.Stop(tt.arn, "", ""); !errors.Is(err, runtime.ErrExecutionNotRunning) {
				t.Errorf("Stop: %v, want ErrExecutionNotRunning", err)
			}
		})
	}
	t.Run("a second stop", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		arn := h.start(t, context.Background(), approvalMachine, `{"order":2}`)
		h.rec.waitFor(t, runtime.TaskSubmitted)
		if err := h.eng.Stop(arn, "", ""); err != nil {
			t.Fatal(err)
		}
		if err := h.eng.Stop(arn, "", ""); !errors.Is(err, runtime.ErrExecutionNotRunning) {
			t.Errorf("second Stop: %v, want ErrExecutionNotRunning", err)
		}
		if n := countType(h.rec.history(arn), runtime.ExecutionAborted); n != 1 {
			t.Errorf("%d ExecutionAborted events, want 1", n)
		}
	})
}

// TestStopConcurrent has many callers stop the same execution at once: one wins, the
// others are told it is not running, and the history ends once.
func TestStopConcurrent(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	arn := h.start(t, context.Background(), approvalMachine, `{"order":2}`)
	h.rec.waitFor(t, runtime.TaskSubmitted)
	errs := make(chan error, 8)
	for range 8 {
		go func() { errs <- h.eng.Stop(arn, "", "") }()
	}
	won := 0
	for range 8 {
		switch err := <-errs; {
		case err == nil:
			won++
		case !errors.Is(err, runtime.ErrExecutionNotRunning):
			t.Errorf("Stop: %v", err)
		}
	}
	if won != 1 {
		t.Errorf("%d stops succeeded, want 1", won)
	}
	if n := countType(h.rec.history(arn), runtime.ExecutionAborted); n != 1 {
		t.Errorf("%d ExecutionAborted events, want 1", n)
	}
}
