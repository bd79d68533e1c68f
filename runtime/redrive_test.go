package runtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

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

// approvalMap maps 20 items; only item 7 waits for an approval (a callback), the others
// pass at once. Variables from before the Map and the Map's own Assign show in the output.
var approvalMap = `{"StartAt":"Prepare","States":{
	"Prepare":{"Type":"Pass","Assign":{"who":"ann"},
		"Result":{"items":[10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29]},"Next":"Each"},
	"Each":{"Type":"Map","ItemsPath":"$.items",
		"ItemSelector":{"index.$":"$$.Map.Item.Index","value.$":"$$.Map.Item.Value"},
		"ItemProcessor":{"StartAt":"Which","States":{
			"Which":{"Type":"Choice","Choices":[{"Variable":"$.index","NumericEquals":7,"Next":"Approve"}],"Default":"Echo"},
			"Approve":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
				"Parameters":{"token.$":"$$.Task.Token","who.$":"$who"},"ResultPath":"$.approval","End":true},
			"Echo":{"Type":"Pass","Parameters":{"index.$":"$.index","double.$":"States.MathAdd($.value, $.value)"},"End":true}}},
		"Assign":{"count.$":"States.ArrayLength($)"},"Next":"Done"},
	"Done":{"Type":"Pass","Parameters":{"results.$":"$","count.$":"$count","who.$":"$who"},"End":true}}}`

// approvalParallel runs three branches; only the second waits for an approval, after a
// state that assigns a variable of its own.
const approvalParallel = `{"StartAt":"Prepare","States":{
	"Prepare":{"Type":"Pass","Assign":{"who":"ann"},"Result":{"order":7},"Next":"Fan"},
	"Fan":{"Type":"Parallel","Branches":[
		{"StartAt":"One","States":{"One":{"Type":"Pass","Result":"one","End":true}}},
		{"StartAt":"Two","States":{
			"Two":{"Type":"Pass","Assign":{"local":2},"Next":"Approve"},
			"Approve":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
				"Parameters":{"token.$":"$$.Task.Token","who.$":"$who","local.$":"$local"},
				"ResultSelector":{"ok.$":"$.ok"},"End":true}}},
		{"StartAt":"Three","States":{
			"Three":{"Type":"Pass","Parameters":{"order.$":"$.order"},"Next":"ThreeDone"},
			"ThreeDone":{"Type":"Succeed"}}}],
		"Assign":{"first.$":"$[0]"},"Next":"Done"},
	"Done":{"Type":"Pass","Parameters":{"all.$":"$","first.$":"$first","who.$":"$who"},"End":true}}}`

// mapInBranch runs a Map inside the second of two branches; only its item 1 waits for an
// approval.
const mapInBranch = `{"StartAt":"Fan","States":{
	"Fan":{"Type":"Parallel","Branches":[
		{"StartAt":"One","States":{"One":{"Type":"Pass","Result":"one","End":true}}},
		{"StartAt":"Each","States":{
			"Each":{"Type":"Map","MaxConcurrency":1,"ItemsPath":"$.items",
				"ItemSelector":{"index.$":"$$.Map.Item.Index"},
				"ItemProcessor":{"StartAt":"Which","States":{
					"Which":{"Type":"Choice","Choices":[{"Variable":"$.index","NumericEquals":1,"Next":"Approve"}],"Default":"Echo"},
					"Approve":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
						"Parameters":{"token.$":"$$.Task.Token"},"ResultPath":"$.approval","End":true},
					"Echo":{"Type":"Pass","End":true}}},
				"End":true}}}],
		"End":true}}}`

// waitUntil polls the execution's history until done says so.
func waitUntil(t *testing.T, h *harness, arn string, done func([]runtime.Event) bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !done(h.rec.history(arn)) {
		if time.Now().After(deadline) {
			t.Fatalf("the history never got there:\n%s", formatHistory(h.rec.history(arn)))
		}
		time.Sleep(time.Millisecond)
	}
}

// hasExited reports whether every one of the states has exited.
func hasExited(states ...string) func([]runtime.Event) bool {
	return func(events []runtime.Event) bool {
		exited := map[string]bool{}
		for _, ev := range events {
			if strings.HasSuffix(string(ev.Type), "StateExited") {
				exited[ev.State] = true
			}
		}
		for _, s := range states {
			if !exited[s] {
				return false
			}
		}
		return true
	}
}

// enteredStates lists the states entered in events, in order.
func enteredStates(events []runtime.Event) []string {
	var out []string
	for _, ev := range events {
		if strings.HasSuffix(string(ev.Type), "StateEntered") {
			out = append(out, ev.State)
		}
	}
	return out
}

// iterationIndexes lists the indexes of the MapIterationStarted events in events.
func iterationIndexes(events []runtime.Event) []int {
	var out []int
	for _, ev := range events {
		if ev.Type == runtime.MapIterationStarted {
			out = append(out, *ev.Details.Index)
		}
	}
	return out
}

// redriveInput is the input of the executions TestRedriveKeepsFinishedWork redrives.
const redriveInput = `{"items":["a","b","c"]}`

// approvedOutput runs def once with its one approval given at once: what a redriven run
// must end with too.
func approvedOutput(t *testing.T, def string) string {
	t.Helper()
	h := newHarness(t)
	arn := h.start(t, context.Background(), def, redriveInput)
	h.rec.waitFor(t, runtime.TaskSubmitted)
	if err := h.eng.SendTaskSuccess("token-1", json.RawMessage(`{"ok":true}`)); err != nil {
		t.Fatal(err)
	}
	last := h.last(t, arn)
	if last.Type != runtime.ExecutionSucceeded {
		t.Fatalf("the straight run ended with %s", last.Type)
	}
	return last.Details.Output
}

// TestRedriveKeepsFinishedWork fails the one approval of a Map or Parallel state (once or
// twice, redriving after each failure), then approves it: each redrive runs only the
// iteration or branch that failed, and the execution ends as if it had never failed.
func TestRedriveKeepsFinishedWork(t *testing.T) {
	t.Parallel()
	nineteen := func(events []runtime.Event) bool { return countType(events, runtime.MapIterationSucceeded) == 19 }
	tests := []struct {
		name     string
		def      string
		finished func([]runtime.Event) bool // all that succeeds before the approval fails
		fails    int
		// After the last redrive: the states entered, the Map iterations started and the
		// input of the approval task.
		wantEntered    []string
		wantIterations []int
		wantCall       string
	}{
		{"a Map runs only its failed iteration", approvalMap, nineteen, 1,
			[]string{"Each", "Which", "Approve", "Done"}, []int{7}, `{"token":"token-2","who":"ann"}`},
		{"a Map redriven twice keeps what the first run finished", approvalMap, nineteen, 2,
			[]string{"Each", "Which", "Approve", "Done"}, []int{7}, `{"token":"token-3","who":"ann"}`},
		{"a Parallel runs only its failed branch", approvalParallel, hasExited("One", "Three", "ThreeDone"), 1,
			[]string{"Fan", "Two", "Approve", "Done"}, nil, `{"token":"token-2","who":"ann","local":2}`},
		{"a Parallel redriven twice keeps what the first run finished", approvalParallel, hasExited("One", "Three", "ThreeDone"), 2,
			[]string{"Fan", "Two", "Approve", "Done"}, nil, `{"token":"token-3","who":"ann","local":2}`},
		// Not deeper: the failed branch runs again from its start, its Map whole.
		{"a Map in a failed branch runs again whole", mapInBranch, hasExited("One"), 1,
			[]string{"Fan", "Each", "Which", "Echo", "Which", "Approve", "Which", "Echo"}, []int{0, 1, 2}, `{"token":"token-2"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want := approvedOutput(t, tt.def)
			h := newHarness(t)
			in := startInput(mustParse(t, tt.def), "")
			arn := h.start(t, context.Background(), tt.def, redriveInput)
			var failed []runtime.Event
			for round := 1; round <= tt.fails; round++ {
				h.rec.waitFor(t, runtime.TaskSubmitted)
				waitUntil(t, h, arn, tt.finished)
				if err := h.eng.SendTaskFailure(fmt.Sprintf("token-%d", round), "Rejected", "no"); err != nil {
					t.Fatal(err)
				}
				if last := h.last(t, arn); last.Type != runtime.ExecutionFailed {
					t.Fatalf("round %d ended with %s", round, last.Type)
				}
				failed = h.rec.history(arn)
				if err := h.eng.Redrive(context.Background(), in, failed); err != nil {
					t.Fatal(err)
				}
			}
			h.rec.waitFor(t, runtime.TaskSubmitted)
			calls := h.inv.calls()
			if got := string(calls[len(calls)-1].Input); got != tt.wantCall {
				t.Errorf("the redriven task was given %s, want %s", got, tt.wantCall)
			}
			if err := h.eng.SendTaskSuccess(fmt.Sprintf("token-%d", tt.fails+1), json.RawMessage(`{"ok":true}`)); err != nil {
				t.Fatal(err)
			}
			last := h.last(t, arn)
			if last.Type != runtime.ExecutionSucceeded || last.Details.Output != want {
				t.Fatalf("ended with %s %s\nwant %s", last.Type, last.Details.Output, want)
			}
			events := h.rec.history(arn)
			checkNumbered(t, events)
			after := events[len(failed):]
			if got := enteredStates(after); !cmp.Equal(got, tt.wantEntered) {
				t.Errorf("entered after the redrive %v, want %v:\n%s", got, tt.wantEntered, formatHistory(after))
			}
			if got := iterationIndexes(after); !cmp.Equal(got, tt.wantIterations, cmpopts.EquateEmpty()) {
				t.Errorf("iterations after the redrive %v, want %v", got, tt.wantIterations)
			}
		})
	}
}

// TestRedriveMapBeforeIterations redrives Map states that failed before any iteration
// ran: the whole state runs again.
func TestRedriveMapBeforeIterations(t *testing.T) {
	t.Parallel()
	processor := `"ItemProcessor":{"StartAt":"E","States":{"E":{"Type":"Pass","End":true}}}`
	tests := []struct {
		name  string
		def   string
		input string
		// wantAfter are the events after the redrive; wantLast the details of the last.
		wantAfter []runtime.EventType
		wantLast  string
	}{
		{
			"no items: fails again the same way",
			`{"StartAt":"Each","States":{"Each":{"Type":"Map","ItemsPath":"$.items",` + processor + `,"End":true}}}`,
			`{}`,
			[]runtime.EventType{runtime.ExecutionRedriven, runtime.MapStateEntered, runtime.MapStateFailed, runtime.ExecutionFailed},
			`{"error":"States.Runtime","cause":"An error occurred while executing the state 'Each' (entered at the event id #6). Invalid path '$.items' : No results for path: $['items']"}`,
		},
		{
			"ItemSelector failed: every item runs",
			`{"StartAt":"Each","States":{"Each":{"Type":"Map","MaxConcurrency":1,"ItemSelector":{"v.$":"$$.Map.Item.Value","redriven.$":"$$.Execution.RedriveTime"},` + processor + `,"End":true}}}`,
			`[1,2]`,
			[]runtime.EventType{runtime.ExecutionRedriven, runtime.MapStateEntered, runtime.MapStateStarted,
				runtime.MapIterationStarted, runtime.PassStateEntered, runtime.PassStateExited, runtime.MapIterationSucceeded,
				runtime.MapIterationStarted, runtime.PassStateEntered, runtime.PassStateExited, runtime.MapIterationSucceeded,
				runtime.MapStateSucceeded, runtime.MapStateExited, runtime.ExecutionSucceeded},
			`{"output":"[{\"v\":1,\"redriven\":\"2026-03-01T12:00:00.000Z\"},{\"v\":2,\"redriven\":\"2026-03-01T12:00:00.000Z\"}]"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			arn := h.start(t, context.Background(), tt.def, tt.input)
			if last := h.last(t, arn); last.Type != runtime.ExecutionFailed {
				t.Fatalf("ended with %s", last.Type)
			}
			failed := h.rec.history(arn)
			if err := h.eng.Redrive(context.Background(), startInput(mustParse(t, tt.def), ""), failed); err != nil {
				t.Fatal(err)
			}
			h.last(t, arn)
			events := h.rec.history(arn)
			checkNumbered(t, events)
			after := events[len(failed):]
			if got := types(after); !equalTypes(got, tt.wantAfter) {
				t.Fatalf("after the redrive %v, want %v:\n%s", got, tt.wantAfter, formatHistory(events))
			}
			if details, _ := json.Marshal(after[len(after)-1].Details); string(details) != tt.wantLast {
				t.Errorf("last event %s, want %s", details, tt.wantLast)
			}
		})
	}
}
