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

// restart stops the harness's engine (as a shutdown does) and returns a new one on a new
// recorder seeded with the history so far, on the same clock.
func restart(t *testing.T, h *harness, cancel context.CancelFunc, arn string) (*harness, []runtime.Event) {
	t.Helper()
	cancel()
	h.eng.Wait()
	history := h.rec.history(arn)
	next := &harness{clock: h.clock, rec: newRecorder(), inv: h.inv}
	next.rec.events[arn] = append([]runtime.Event(nil), history...)
	next.eng = runtime.NewEngine(runtime.EngineConfig{Clock: next.clock, Invoker: next.inv, Recorder: next.rec, NewToken: countingTokens()})
	return next, history
}

func resume(t *testing.T, h *harness, def string, history []runtime.Event) {
	t.Helper()
	in := startInput(mustParse(t, def), "")
	if err := h.eng.Resume(context.Background(), in, history); err != nil {
		t.Fatal(err)
	}
}

// checkContinuous fails unless the history is numbered 1..n with no state entered twice in a row.
func checkContinuous(t *testing.T, events []runtime.Event) {
	t.Helper()
	lastEntered := ""
	for i, ev := range events {
		if ev.ID != int64(i+1) {
			t.Fatalf("event %d has id %d:\n%s", i+1, ev.ID, formatHistory(events))
		}
		if strings.HasSuffix(string(ev.Type), "StateEntered") {
			if ev.State == lastEntered {
				t.Fatalf("state %q entered twice:\n%s", ev.State, formatHistory(events))
			}
			lastEntered = ev.State
		}
	}
}

func TestResumeWaitingCallback(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	arn := h.start(t, ctx, approvalMachine, `{"order": 7}`)
	submitted := h.rec.waitFor(t, runtime.TaskSubmitted)

	h, history := restart(t, h, cancel, arn)
	if last := history[len(history)-1]; last.Type != runtime.TaskSubmitted {
		t.Fatalf("stopped at %s, want TaskSubmitted", last.Type)
	}
	// Before the resume, the old token is unknown to the new engine.
	if err := h.eng.SendTaskSuccess(submitted.Details.TaskToken, json.RawMessage(`{}`)); err == nil {
		t.Fatal("a fresh engine accepted a token it never saw")
	}
	resume(t, h, approvalMachine, history)
	if err := h.eng.SendTaskSuccess(submitted.Details.TaskToken, json.RawMessage(`{"approved": true}`)); err != nil {
		t.Fatalf("deciding the resumed task: %v", err)
	}
	last := h.last(t, arn)
	if last.Type != runtime.ExecutionSucceeded || last.Details.Output != `{"order":7,"decision":{"approved":true}}` {
		t.Fatalf("ended with %s %s", last.Type, last.Details.Output)
	}
	events := h.rec.history(arn)
	checkContinuous(t, events)
	for _, ev := range events[len(history):] {
		if ev.Type == runtime.TaskScheduled || ev.Type == runtime.TaskSubmitted {
			t.Fatalf("the task was called again after the restart:\n%s", formatHistory(events))
		}
	}
	if n := len(h.inv.calls()); n != 1 {
		t.Fatalf("invoker called %d times, want 1 (before the restart)", n)
	}
}

func TestResumeWaitEndsOnTime(t *testing.T) {
	t.Parallel()
	const def = `{"StartAt":"Pause","States":{
		"Pause":{"Type":"Wait","Seconds":60,"Next":"Done"},
		"Done":{"Type":"Pass","Result":"done","End":true}}}`
	h := newHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	arn := h.start(t, ctx, def, `{}`)
	h.blockUntil(t, 1)
	h.clock.Advance(20 * time.Second)
	h, history := restart(t, h, cancel, arn)
	h.clock.Advance(10 * time.Second) // the process was down for a while
	resume(t, h, def, history)
	h.blockUntil(t, 1)
	h.clock.Advance(29 * time.Second)
	// Advance fires what is due before it returns: the wait's timer still pending means the
	// wait has not ended, with no real time to wait out.
	if n := h.clock.Pending(); n != 1 {
		t.Fatalf("%d timers pending 59 s into a 60 s wait, want the wait's one:\n%s", n, formatHistory(h.rec.history(arn)))
	}
	h.clock.Advance(time.Second)
	last := h.last(t, arn)
	if last.Type != runtime.ExecutionSucceeded || !last.Timestamp.Equal(testStart.Add(60*time.Second)) {
		t.Fatalf("ended with %s at +%s", last.Type, last.Timestamp.Sub(testStart))
	}
	checkContinuous(t, h.rec.history(arn))
}

func TestResumeAfterExitedChoiceTakesTheSameBranch(t *testing.T) {
	t.Parallel()
	const def = `{"StartAt":"Pick","States":{
		"Pick":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":1,"Next":"Big"}],"Default":"Small"},
		"Big":{"Type":"Pass","Result":"big","End":true},
		"Small":{"Type":"Pass","Result":"small","End":true}}}`
	at := testStart
	history := []runtime.Event{
		{ID: 1, Type: runtime.ExecutionStarted, Timestamp: at, Details: runtime.EventDetails{Input: `{"n":5}`}},
		{ID: 2, Type: runtime.ChoiceStateEntered, State: "Pick", Timestamp: at, Details: runtime.EventDetails{Name: "Pick", Input: `{"n":5}`}},
		{ID: 3, PreviousEventID: 2, Type: runtime.ChoiceStateExited, State: "Pick", Timestamp: at, Details: runtime.EventDetails{Name: "Pick", Output: `{"n":5}`}},
	}
	h := newHarness(t)
	h.rec.events[startInput(nil, "").ExecutionARN] = history
	resume(t, h, def, history)
	arn := startInput(nil, "").ExecutionARN
	last := h.last(t, arn)
	if last.Type != runtime.ExecutionSucceeded || last.Details.Output != `"big"` {
		t.Fatalf("ended with %s %s", last.Type, last.Details.Output)
	}
	checkContinuous(t, h.rec.history(arn))
}

func TestResumeRefusesEndedOrForeignHistory(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	in := startInput(mustParse(t, approvalMachine), "")
	for name, history := range map[string][]runtime.Event{
		"empty":   nil,
		"ended":   {{ID: 1, Type: runtime.ExecutionStarted}, {ID: 2, Type: runtime.ExecutionSucceeded}},
		"foreign": {{ID: 1, Type: runtime.ExecutionStarted}, {ID: 2, Type: runtime.PassStateEntered, State: "Nope", Details: runtime.EventDetails{Input: "{}"}}},
		"tokenless": {{ID: 1, Type: runtime.ExecutionStarted},
			{ID: 2, Type: runtime.TaskStateEntered, State: "Approve", Details: runtime.EventDetails{Input: "{}"}},
			{ID: 3, Type: runtime.TaskScheduled, State: "Approve"},
			{ID: 4, Type: runtime.TaskSubmitted, State: "Approve"}},
	} {
		if err := h.eng.Resume(context.Background(), in, history); err == nil {
			t.Errorf("%s history: resumed, want an error", name)
		}
	}
}

// TestStartAtState runs an execution from a chosen top-level state (the execution page's
// "Run from here"); a restart before anything ran starts there too, and a state the machine
// does not have at the top level is refused.
func TestStartAtState(t *testing.T) {
	t.Parallel()
	const def = `{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"a","ResultPath":"$.a","Next":"B"},"B":{"Type":"Pass","Result":"b","ResultPath":"$.b","End":true}}}`
	in := startInput(mustParse(t, def), `{"given":1}`)
	in.StartAt = "B"
	h := newHarness(t)
	if err := h.eng.Start(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	if last := h.last(t, in.ExecutionARN); last.Details.Output != `{"given":1,"b":"b"}` {
		t.Fatalf("run from B ended with %s %s", last.Type, last.Details.Output)
	}

	// Resumed with only ExecutionStarted in its history, it still starts at B.
	h2 := newHarness(t)
	started := h.rec.history(in.ExecutionARN)[0]
	h2.rec.events[in.ExecutionARN] = []runtime.Event{started}
	if err := h2.eng.Resume(context.Background(), in, []runtime.Event{started}); err != nil {
		t.Fatal(err)
	}
	if last := h2.last(t, in.ExecutionARN); last.Details.Output != `{"given":1,"b":"b"}` {
		t.Fatalf("resumed run from B ended with %s %s", last.Type, last.Details.Output)
	}

	in.StartAt = "Nope"
	if err := newHarness(t).eng.Start(context.Background(), in); !errors.Is(err, runtime.ErrNoSuchState) {
		t.Errorf("an unknown StartAt gave %v, want ErrNoSuchState", err)
	}
}
