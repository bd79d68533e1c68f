package runtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
)

// startDebug starts a debug run of def with the breakpoints, and returns its ARN.
func (h *harness) startDebug(t *testing.T, ctx context.Context, def, input string, cfg *runtime.DebugConfig) string {
	t.Helper()
	in := startInput(mustParse(t, def), input)
	in.Debug = cfg
	if err := h.eng.Start(ctx, in); err != nil {
		t.Fatal(err)
	}
	return in.ExecutionARN
}

func breakAt(states ...string) *runtime.DebugConfig {
	cfg := &runtime.DebugConfig{}
	for _, s := range states {
		cfg.Breakpoints = append(cfg.Breakpoints, runtime.DebugBreakpoint{State: s})
	}
	return cfg
}

// resumeAt waits for the next pause, checks its state and reason, and resumes it with cmd.
func (h *harness) resumeAt(t *testing.T, arn, state, reason string, cmd runtime.DebugCommand) runtime.Event {
	t.Helper()
	ev := h.rec.waitFor(t, runtime.StudioDebugPaused)
	if ev.State != state || ev.Details.Debug == nil || ev.Details.Debug.Reason != reason {
		t.Fatalf("paused at %q (%+v), want %q for %q:\n%s", ev.State, ev.Details.Debug, state, reason, formatHistory(h.rec.history(arn)))
	}
	if err := h.eng.DebugResume(arn, ev.ID, cmd); err != nil {
		t.Fatal(err)
	}
	return ev
}

var cont = runtime.DebugCommand{Action: runtime.DebugContinue}

const everyType = `{"StartAt":"P","States":{
  "P":{"Type":"Pass","Result":1,"ResultPath":"$.p","Next":"T"},
  "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","ResultPath":"$.t","Next":"C"},
  "C":{"Type":"Choice","Choices":[{"Variable":"$.p","NumericEquals":1,"Next":"W"}],"Default":"F"},
  "W":{"Type":"Wait","Seconds":60,"Next":"Par"},
  "Par":{"Type":"Parallel","ResultPath":"$.par","Next":"M","Branches":[{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}]},
  "M":{"Type":"Map","ItemsPath":"$.items","ResultPath":"$.m","Next":"S","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}}},
  "S":{"Type":"Succeed"},
  "F":{"Type":"Fail","Error":"No"}}}`

// TestDebugPausesBeforeEveryStateType: a breakpoint pauses a debug run before the state is
// entered, whatever its type; a Wait does not start counting while the run is paused before it.
func TestDebugPausesBeforeEveryStateType(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// One item: with more, the iterations' events (and so their chain) interleave by chance.
	arn := h.startDebug(t, context.Background(), everyType, `{"items":[1]}`, breakAt("P", "T", "C", "W", "Par", "B", "M", "I", "S"))
	for _, s := range []string{"P", "T", "C"} {
		h.resumeAt(t, arn, s, runtime.PausedAtBreakpoint, cont)
	}
	paused := h.rec.waitFor(t, runtime.StudioDebugPaused)
	if paused.State != "W" {
		t.Fatalf("paused at %q, want W", paused.State)
	}
	// Paused before the Wait: nothing counts its minute yet, however long the pause.
	h.clock.Advance(time.Hour)
	if err := h.eng.DebugResume(arn, paused.ID, cont); err != nil {
		t.Fatal(err)
	}
	h.blockUntil(t, 1)
	h.clock.Advance(time.Minute)
	h.resumeAt(t, arn, "Par", runtime.PausedAtBreakpoint, cont)
	h.resumeAt(t, arn, "B", runtime.PausedAtBreakpoint, cont)
	h.resumeAt(t, arn, "M", runtime.PausedAtBreakpoint, cont)
	h.resumeAt(t, arn, "I", runtime.PausedAtBreakpoint, cont)
	h.resumeAt(t, arn, "S", runtime.PausedAtBreakpoint, cont)
	last := h.last(t, arn)
	if last.Type != runtime.ExecutionSucceeded {
		t.Fatalf("ended with %s:\n%s", last.Type, formatHistory(h.rec.history(arn)))
	}
	events := h.rec.history(arn)
	checkNumbered(t, events)
	if n := countType(events, runtime.StudioDebugPaused); n != 9 || countType(events, runtime.StudioDebugResumed) != 9 {
		t.Fatalf("%d pauses, want 9:\n%s", n, formatHistory(events))
	}
	// The studio's events leave the AWS-shaped chain as a normal run records it: each event
	// follows the same kind of event (iterations run in any order, so as a multiset).
	plain := newHarness(t)
	plainARN := plain.start(t, context.Background(), everyType, `{"items":[1]}`)
	plain.blockUntil(t, 1)
	plain.clock.Advance(time.Minute)
	plain.eng.Wait()
	if got, want := chainShape(withoutStudioEvents(events)), chainShape(withoutStudioEvents(plain.rec.history(plainARN))); got != want {
		t.Fatalf("the debug run's chain:\n%s\na normal run's:\n%s", got, want)
	}
}

// chainShape lists each event as its type and state after its previous event's, sorted.
func chainShape(events []runtime.Event) string {
	byID := map[int64]runtime.Event{}
	for _, ev := range events {
		byID[ev.ID] = ev
	}
	lines := make([]string, 0, len(events))
	for _, ev := range events {
		prev := byID[ev.PreviousEventID]
		lines = append(lines, fmt.Sprintf("%s %s <- %s %s", ev.Type, ev.State, prev.Type, prev.State))
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

func withoutStudioEvents(events []runtime.Event) []runtime.Event {
	var out []runtime.Event
	for _, ev := range events {
		if !ev.Type.IsStudioEvent() {
			out = append(out, ev)
		}
	}
	return out
}

// TestDebugNormalRunNeverPauses: the same machine run without Debug records no pause.
func TestDebugNormalRunNeverPauses(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	arn := h.start(t, context.Background(), `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","End":true}}}`, `{}`)
	if last := h.last(t, arn); last.Type != runtime.ExecutionSucceeded {
		t.Fatalf("ended with %s", last.Type)
	}
	for _, ev := range h.rec.history(arn) {
		if ev.Type.IsStudioEvent() {
			t.Fatalf("a normal run recorded %s", ev.Type)
		}
	}
}

const choiceMachine = `{"StartAt":"Prepare","States":{
  "Prepare":{"Type":"Pass","Assign":{"limit":10},"Next":"Big?"},
  "Big?":{"Type":"Choice","Choices":[{"Variable":"$.amount","NumericGreaterThanPath":"$limit","Next":"Review"}],"Default":"Auto"},
  "Review":{"Type":"Pass","Result":"reviewed","ResultPath":"$.path","Next":"Done"},
  "Auto":{"Type":"Pass","Result":"auto","ResultPath":"$.path","Next":"Done"},
  "Done":{"Type":"Pass","Parameters":{"path.$":"$.path","limit.$":"$limit"},"End":true}}}`

// TestDebugStepAndEditData: Step pauses before each next state; an edited input and an edited
// variable take the other branch, and the history says what was changed.
func TestDebugStepAndEditData(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	arn := h.startDebug(t, context.Background(), choiceMachine, `{"amount":5}`, breakAt("Prepare"))
	step := runtime.DebugCommand{Action: runtime.DebugStep}
	h.resumeAt(t, arn, "Prepare", runtime.PausedAtBreakpoint, step)
	ev := h.rec.waitFor(t, runtime.StudioDebugPaused)
	if ev.State != "Big?" || ev.Details.Debug.Reason != runtime.PausedAfterStep || ev.Details.Debug.Variables["limit"] != "10" || ev.Details.Input != `{"amount":5}` {
		t.Fatalf("the step's pause: %+v %+v", ev, ev.Details.Debug)
	}
	err := h.eng.DebugResume(arn, ev.ID, runtime.DebugCommand{Action: runtime.DebugStep, Input: json.RawMessage(`{"amount": 50}`),
		Variables: map[string]json.RawMessage{"limit": json.RawMessage(`20`)}})
	if err != nil {
		t.Fatal(err)
	}
	h.resumeAt(t, arn, "Review", runtime.PausedAfterStep, cont)
	last := h.last(t, arn)
	if last.Type != runtime.ExecutionSucceeded || last.Details.Output != `{"path":"reviewed","limit":20}` {
		t.Fatalf("ended %s %s:\n%s", last.Type, last.Details.Output, formatHistory(h.rec.history(arn)))
	}
	var edit *runtime.Event
	for _, e := range h.rec.history(arn) {
		if e.Type == runtime.StudioDebugResumed && e.State == "Big?" {
			edit = &e
		}
	}
	if edit == nil || edit.Details.Input != `{"amount":5}` || edit.Details.Debug.InputAfter != `{"amount":50}` ||
		edit.Details.Debug.Variables["limit"] != "10" || edit.Details.Debug.VariablesAfter["limit"] != "20" || edit.Details.Debug.Action != runtime.DebugStep {
		t.Fatalf("the resume's record: %+v", edit)
	}
	// A resume of a pause that is over is refused.
	if err := h.eng.DebugResume(arn, ev.ID, cont); !errors.Is(err, runtime.ErrNotPaused) {
		t.Fatalf("resuming twice: %v", err)
	}
}

// TestDebugStepIntoBranches: Step into a Parallel pauses before the first state of each of its
// branches; Continue there runs each branch on.
func TestDebugStepIntoBranches(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	def := `{"StartAt":"Both","States":{"Both":{"Type":"Parallel","End":true,"Branches":[
	  {"StartAt":"L1","States":{"L1":{"Type":"Pass","Next":"L2"},"L2":{"Type":"Pass","End":true}}},
	  {"StartAt":"R1","States":{"R1":{"Type":"Pass","End":true}}}]}}}`
	arn := h.startDebug(t, context.Background(), def, `{}`, breakAt("Both"))
	h.resumeAt(t, arn, "Both", runtime.PausedAtBreakpoint, runtime.DebugCommand{Action: runtime.DebugStepInto})
	// The branches pause before L1 and R1, in either order; a Step at L1 pauses before L2.
	seen := map[string]string{}
	for range 3 {
		ev := h.rec.waitFor(t, runtime.StudioDebugPaused)
		seen[ev.State] = ev.Details.Debug.Reason
		action := cont
		if ev.State == "L1" {
			action = runtime.DebugCommand{Action: runtime.DebugStep}
		}
		if err := h.eng.DebugResume(arn, ev.ID, action); err != nil {
			t.Fatal(err)
		}
	}
	if seen["L1"] != runtime.PausedAfterStep || seen["R1"] != runtime.PausedAfterStep || seen["L2"] != runtime.PausedAfterStep {
		t.Fatalf("paused %v, want L1 and R1 (stepped into), then L2 (stepped)", seen)
	}
	if last := h.last(t, arn); last.Type != runtime.ExecutionSucceeded {
		t.Fatalf("ended with %s:\n%s", last.Type, formatHistory(h.rec.history(arn)))
	}
}

// TestDebugConditionalBreakpointInMap: in a Map of 20, a breakpoint whose condition holds for
// items 0, 5, 10 and 15 pauses those iterations only; the others go on.
func TestDebugConditionalBreakpointInMap(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	def := `{"StartAt":"Each","States":{"Each":{"Type":"Map","ItemsPath":"$.items","End":true,
	  "ItemProcessor":{"StartAt":"Item","States":{"Item":{"Type":"Pass","End":true}}}}}}`
	items := make([]string, 20)
	for i := range items {
		items[i] = fmt.Sprint(i)
	}
	cfg := &runtime.DebugConfig{Breakpoints: []runtime.DebugBreakpoint{{State: "Item", When: func(in any) (bool, error) {
		n, ok := in.(float64)
		if !ok {
			var v json.Number
			if v, ok = in.(json.Number); ok {
				f, _ := v.Float64()
				n = f
			}
		}
		return ok && int(n)%5 == 0, nil
	}}}}
	arn := h.startDebug(t, context.Background(), def, `{"items":[`+strings.Join(items, ",")+`]}`, cfg)
	var paused []runtime.Event
	for range 4 {
		paused = append(paused, h.rec.waitFor(t, runtime.StudioDebugPaused))
	}
	// The other 16 iterations end while those four wait.
	eventually(t, "16 iterations to end", func() bool {
		return countType(h.rec.history(arn), runtime.MapIterationSucceeded) == 16
	})
	inputs := map[string]bool{}
	for _, ev := range paused {
		inputs[ev.Details.Input] = true
		if err := h.eng.DebugResume(arn, ev.ID, cont); err != nil {
			t.Fatal(err)
		}
	}
	if !inputs["0"] || !inputs["5"] || !inputs["10"] || !inputs["15"] {
		t.Fatalf("paused on %v, want 0, 5, 10 and 15", inputs)
	}
	if last := h.last(t, arn); last.Type != runtime.ExecutionSucceeded {
		t.Fatalf("ended with %s", last.Type)
	}
}

// TestDebugHitCountAndRunTo: a breakpoint with a hit count pauses from that hit on; Run to
// here pauses before the state named, once.
func TestDebugHitCountAndRunTo(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	def := `{"StartAt":"Count","States":{
	  "Count":{"Type":"Pass","Assign":{"n.$":"$.n"},"Parameters":{"n.$":"States.MathAdd($.n, 1)"},"Next":"More?"},
	  "More?":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericLessThan":5,"Next":"Count"}],"Default":"End"},
	  "End":{"Type":"Pass","End":true}}}`
	cfg := &runtime.DebugConfig{Breakpoints: []runtime.DebugBreakpoint{{State: "Count", HitCount: 4}}}
	arn := h.startDebug(t, context.Background(), def, `{"n":0}`, cfg)
	ev := h.resumeAt(t, arn, "Count", runtime.PausedAtBreakpoint, runtime.DebugCommand{Action: runtime.DebugRunTo, RunTo: "End"})
	if ev.Details.Input != `{"n":3}` {
		t.Fatalf("the 4th hit has input %s", ev.Details.Input)
	}
	// The 5th hit of Count pauses too, before End is reached.
	h.resumeAt(t, arn, "Count", runtime.PausedAtBreakpoint, cont)
	h.resumeAt(t, arn, "End", runtime.PausedRunTo, cont)
	if last := h.last(t, arn); last.Type != runtime.ExecutionSucceeded {
		t.Fatalf("ended with %s", last.Type)
	}
}

// TestDebugStopWhilePaused: a stop ends a paused run as any other.
func TestDebugStopWhilePaused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	arn := h.startDebug(t, context.Background(), choiceMachine, `{"amount":5}`, breakAt("Big?"))
	ev := h.rec.waitFor(t, runtime.StudioDebugPaused)
	if err := h.eng.Stop(arn, "Debug.Stopped", "stopped while paused"); err != nil {
		t.Fatal(err)
	}
	last := h.last(t, arn)
	if last.Type != runtime.ExecutionAborted || last.Details.Error != "Debug.Stopped" {
		t.Fatalf("ended %s %+v", last.Type, last.Details)
	}
	if err := h.eng.DebugResume(arn, ev.ID, cont); !errors.Is(err, runtime.ErrNotPaused) {
		t.Fatalf("resuming a stopped run: %v", err)
	}
}

// TestDebugBreakOnError: a failing task pauses before its Retry decides, saying what it will
// do; then before the Catch.
func TestDebugBreakOnError(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	def := `{"StartAt":"Call","States":{
	  "Call":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:fail",
	    "Retry":[{"ErrorEquals":["Custom.Failure"],"IntervalSeconds":2,"MaxAttempts":1}],
	    "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"Handled"}],"End":true},
	  "Handled":{"Type":"Pass","End":true}}}`
	arn := h.startDebug(t, context.Background(), def, `{}`, &runtime.DebugConfig{BreakOnError: true})
	ev := h.resumeAt(t, arn, "Call", runtime.PausedOnError, cont)
	if ev.Details.Error != "Custom.Failure" || ev.Details.Debug.Next != "Retry 0 (Custom.Failure) retries it after 2s: retry 1 of 1." {
		t.Fatalf("the first pause: %+v %+v", ev.Details, ev.Details.Debug)
	}
	h.blockUntil(t, 1)
	h.clock.Advance(2 * time.Second)
	ev = h.resumeAt(t, arn, "Call", runtime.PausedOnError, cont)
	if ev.Details.Debug.Next != `Catch 0 (States.ALL) catches it and goes on to "Handled".` {
		t.Fatalf("the second pause says %q", ev.Details.Debug.Next)
	}
	if last := h.last(t, arn); last.Type != runtime.ExecutionSucceeded {
		t.Fatalf("ended with %s", last.Type)
	}
}

// TestDebugRestartWhilePaused: a restart finds a run paused after a Step and pauses it there
// again; one that finds the pause resumed with new data goes on with that data.
func TestDebugRestartWhilePaused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	arn := h.startDebug(t, ctx, choiceMachine, `{"amount":5}`, breakAt("Prepare"))
	h.resumeAt(t, arn, "Prepare", runtime.PausedAtBreakpoint, runtime.DebugCommand{Action: runtime.DebugStep})
	h.rec.waitFor(t, runtime.StudioDebugPaused) // before Big?, after the step
	h2, history := restart(t, h, cancel, arn)
	in := startInput(mustParse(t, choiceMachine), "")
	in.Debug = breakAt("Prepare")
	if err := h2.eng.Resume(context.Background(), in, history); err != nil {
		t.Fatal(err)
	}
	ev := h2.rec.waitFor(t, runtime.StudioDebugPaused)
	if ev.State != "Big?" || ev.Details.Debug.Reason != runtime.PausedAfterRestart || ev.Details.Debug.Variables["limit"] != "10" {
		t.Fatalf("after the restart, paused at %q for %+v", ev.State, ev.Details.Debug)
	}
	if err := h2.eng.DebugResume(arn, ev.ID, runtime.DebugCommand{Action: runtime.DebugContinue, Input: json.RawMessage(`{"amount":50}`)}); err != nil {
		t.Fatal(err)
	}
	last := h2.last(t, arn)
	if last.Type != runtime.ExecutionSucceeded || last.Details.Output != `{"path":"reviewed","limit":10}` {
		t.Fatalf("ended %s %s:\n%s", last.Type, last.Details.Output, formatHistory(h2.rec.history(arn)))
	}
	checkContinuous(t, h2.rec.history(arn))
}

// TestDebugRestartAfterResumeWithData: a restart between a resume with new data and the
// state's entry enters the state with that data, without pausing again.
func TestDebugRestartAfterResumeWithData(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// The Task blocks, so the run is still in Big?'s successor when the restart comes.
	h.inv.block = make(chan struct{})
	def := strings.Replace(choiceMachine, `"Review":{"Type":"Pass","Result":"reviewed","ResultPath":"$.path","Next":"Done"}`,
		`"Review":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"path":"reviewed"},"ResultPath":"$.path","Next":"Done"}`, 1)
	ctx, cancel := context.WithCancel(context.Background())
	arn := h.startDebug(t, ctx, def, `{"amount":5}`, breakAt("Big?"))
	ev := h.rec.waitFor(t, runtime.StudioDebugPaused)
	if err := h.eng.DebugResume(arn, ev.ID, runtime.DebugCommand{Action: runtime.DebugContinue, Input: json.RawMessage(`{"amount":50}`)}); err != nil {
		t.Fatal(err)
	}
	h.rec.waitFor(t, runtime.TaskScheduled)
	// Cut the history back to just after the resume, as a crash right then would leave it.
	_, full := restart(t, h, cancel, arn)
	var history []runtime.Event
	for _, e := range full {
		history = append(history, e)
		if e.Type == runtime.StudioDebugResumed {
			break
		}
	}
	h2 := newHarness(t)
	h2.rec.events[arn] = append([]runtime.Event(nil), history...)
	in := startInput(mustParse(t, def), "")
	in.Debug = breakAt("Big?")
	if err := h2.eng.Resume(context.Background(), in, history); err != nil {
		t.Fatal(err)
	}
	last := h2.last(t, arn)
	if last.Type != runtime.ExecutionSucceeded || !strings.Contains(last.Details.Output, `"reviewed"`) {
		t.Fatalf("ended %s %s:\n%s", last.Type, last.Details.Output, formatHistory(h2.rec.history(arn)))
	}
	if n := countType(h2.rec.history(arn), runtime.StudioDebugPaused); n != 1 {
		t.Fatalf("%d pauses, want the one before the restart:\n%s", n, formatHistory(h2.rec.history(arn)))
	}
}

// eventually polls cond until it holds, failing after ten seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 10 s for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
