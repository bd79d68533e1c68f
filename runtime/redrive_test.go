package runtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
)

// retriedApproval prepares (assigning a variable), then waits for an approval that is
// retried once on Broken; the result shows $$.Execution.RedriveCount and the variable.
const retriedApproval = `{"StartAt":"Prepare","States":{
	"Prepare":{"Type":"Pass","Assign":{"prepared":true},"Result":{"order":7},"Next":"Approve"},
	"Approve":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
		"Parameters":{"token.$":"$$.Task.Token","redrives.$":"$$.Execution.RedriveCount"},
		"Retry":[{"ErrorEquals":["Broken"],"MaxAttempts":1,"IntervalSeconds":1}],
		"ResultSelector":{"approved.$":"$.approved","redrives.$":"$$.Execution.RedriveCount","prepared.$":"$prepared"},
		"Next":"Done"},
	"Done":{"Type":"Succeed"}}}`

// failApproval fails both attempts of retriedApproval's task and returns the history.
func failApproval(t *testing.T, h *harness, arn string) []runtime.Event {
	t.Helper()
	h.rec.waitFor(t, runtime.TaskSubmitted)
	if err := h.eng.SendTaskFailure("token-1", "Broken", "first"); err != nil {
		t.Fatal(err)
	}
	h.blockUntil(t, 1)
	h.clock.Advance(time.Second)
	h.rec.waitFor(t, runtime.TaskSubmitted)
	if err := h.eng.SendTaskFailure("token-2", "Broken", "second"); err != nil {
		t.Fatal(err)
	}
	if last := h.last(t, arn); last.Type != runtime.ExecutionFailed {
		t.Fatalf("ended with %s, want ExecutionFailed", last.Type)
	}
	return h.rec.history(arn)
}

func TestRedriveAfterTaskFailed(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	arn := h.start(t, context.Background(), retriedApproval, `{}`)
	failed := failApproval(t, h, arn)

	if err := h.eng.Redrive(context.Background(), startInput(mustParse(t, retriedApproval), ""), failed); err != nil {
		t.Fatal(err)
	}
	h.rec.waitFor(t, runtime.TaskSubmitted)
	calls := h.inv.calls()
	if got := string(calls[len(calls)-1].Input); got != `{"token":"token-3","redrives":1}` {
		t.Errorf("the redriven task was given %s", got)
	}
	if err := h.eng.SendTaskSuccess("token-3", json.RawMessage(`{"approved":true}`)); err != nil {
		t.Fatal(err)
	}
	last := h.last(t, arn)
	if last.Type != runtime.ExecutionSucceeded || last.Details.Output != `{"approved":true,"redrives":1,"prepared":true}` {
		t.Fatalf("ended with %s %s", last.Type, last.Details.Output)
	}
	events := h.rec.history(arn)
	checkNumbered(t, events)
	after := events[len(failed):]
	want := []runtime.EventType{runtime.ExecutionRedriven, runtime.TaskStateEntered, runtime.TaskScheduled, runtime.TaskStarted,
		runtime.TaskSubmitted, runtime.TaskSucceeded, runtime.TaskStateExited, runtime.SucceedStateEntered,
		runtime.SucceedStateExited, runtime.ExecutionSucceeded}
	if got := types(after); !equalTypes(got, want) {
		t.Fatalf("after the redrive %v, want %v:\n%s", got, want, formatHistory(events))
	}
	redriven := after[0]
	if redriven.Details.RedriveCount != 1 || redriven.PreviousEventID != failed[len(failed)-1].ID {
		t.Errorf("ExecutionRedriven = %+v", redriven)
	}
	if after[1].State != "Approve" || after[1].Details.Input != `{"order":7}` || after[1].PreviousEventID != redriven.ID {
		t.Errorf("redriven state entered as %+v", after[1])
	}
	if details, _ := json.Marshal(redriven.Details); string(details) != `{"redriveCount":1}` {
		t.Errorf("ExecutionRedriven details %s", details)
	}
}

// TestRedriveTwiceAfterStop aborts a Wait, redrives it, aborts it again and redrives it a
// second time: the count goes on, and the wait runs in full each time.
func TestRedriveTwiceAfterStop(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	def := `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"Next":"Show"},
		"Show":{"Type":"Pass","Parameters":{"count.$":"$$.Execution.RedriveCount","time.$":"$$.Execution.RedriveTime"},"End":true}}}`
	arn := h.start(t, context.Background(), def, `{}`)
	timers := 1
	for round := 1; round <= 2; round++ {
		h.blockUntilCreated(t, timers)
		if err := h.eng.Stop(arn, "", ""); err != nil {
			t.Fatal(err)
		}
		h.clock.Advance(time.Hour)
		if err := h.eng.Redrive(context.Background(), startInput(mustParse(t, def), ""), h.rec.history(arn)); err != nil {
			t.Fatalf("redrive %d: %v", round, err)
		}
		timers++
	}
	h.blockUntilCreated(t, timers)
	h.clock.Advance(time.Minute)
	last := h.last(t, arn)
	if want := `{"count":2,"time":"2026-03-01T14:00:00.000Z"}`; last.Type != runtime.ExecutionSucceeded || last.Details.Output != want {
		t.Fatalf("ended with %s %s, want %s", last.Type, last.Details.Output, want)
	}
	events := h.rec.history(arn)
	checkNumbered(t, events)
	if n := countType(events, runtime.WaitStateEntered); n != 3 {
		t.Errorf("W entered %d times, want 3:\n%s", n, formatHistory(events))
	}
}

// TestResumeRedriven restarts the process during a redrive: the resumed run still knows
// it is the first redrive.
func TestResumeRedriven(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	arn := h.start(t, context.Background(), retriedApproval, `{}`)
	failed := failApproval(t, h, arn)
	ctx, cancel := context.WithCancel(context.Background())
	if err := h.eng.Redrive(ctx, startInput(mustParse(t, retriedApproval), ""), failed); err != nil {
		t.Fatal(err)
	}
	h.rec.waitFor(t, runtime.TaskSubmitted)
	h, history := restart(t, h, cancel, arn)
	resume(t, h, retriedApproval, history)
	if err := h.eng.SendTaskSuccess("token-3", json.RawMessage(`{"approved":false}`)); err != nil {
		t.Fatal(err)
	}
	if last := h.last(t, arn); last.Details.Output != `{"approved":false,"redrives":1,"prepared":true}` {
		t.Fatalf("ended with %s %s", last.Type, last.Details.Output)
	}
}

func TestRedriveRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	passDef := `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`
	succeeded := h.start(t, context.Background(), passDef, `{}`)
	h.eng.Wait()

	running := newHarness(t)
	runningARN := running.start(t, context.Background(), approvalMachine, `{"order":1}`)
	running.rec.waitFor(t, runtime.TaskSubmitted)

	tests := []struct {
		name    string
		eng     *runtime.Engine
		def     string
		history []runtime.Event
		reason  string
	}{
		{"a succeeded execution", h.eng, passDef, h.rec.history(succeeded), "Execution is SUCCEEDED"},
		{"a running execution", running.eng, approvalMachine, running.rec.history(runningARN), "Execution is RUNNING"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.eng.Redrive(context.Background(), startInput(mustParse(t, tt.def), ""), tt.history)
			var re *runtime.RedriveError
			if !errors.Is(err, runtime.ErrNotRedrivable) || !errors.As(err, &re) || !strings.Contains(re.Reason, tt.reason) {
				t.Errorf("Redrive: %v, want ErrNotRedrivable with %q", err, tt.reason)
			}
		})
	}
	if n := len(h.rec.history(succeeded)); n != 4 {
		t.Errorf("the refused redrive recorded events: %d", n)
	}
}

// TestRedriveRefusedWhileRedriving refuses a second redrive from the same history while
// the first runs.
func TestRedriveRefusedWhileRedriving(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	arn := h.start(t, context.Background(), retriedApproval, `{}`)
	failed := failApproval(t, h, arn)
	in := startInput(mustParse(t, retriedApproval), "")
	if err := h.eng.Redrive(context.Background(), in, failed); err != nil {
		t.Fatal(err)
	}
	if err := h.eng.Redrive(context.Background(), in, failed); !errors.Is(err, runtime.ErrNotRedrivable) {
		t.Errorf("second Redrive: %v, want ErrNotRedrivable", err)
	}
	h.rec.waitFor(t, runtime.TaskSubmitted)
	if n := countType(h.rec.history(arn), runtime.ExecutionRedriven); n != 1 {
		t.Errorf("%d ExecutionRedriven events, want 1", n)
	}
	if err := h.eng.Stop(arn, "", ""); err != nil {
		t.Fatal(err)
	}
}
