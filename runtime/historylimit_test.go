package runtime_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/fakeclock"
)

// runLimited runs def with a history limit on a virtual clock, as a machine of type typ, in
// the background (Start), and returns its history.
func runLimited(t *testing.T, def, typ string, limit int64) []runtime.Event {
	t.Helper()
	rec := newRecorder()
	eng := runtime.NewEngine(runtime.EngineConfig{Clock: fakeclock.NewVirtual(testStart), Recorder: rec,
		Invoker: &testInvoker{}, MaxHistoryEvents: limit})
	in := startInput(mustParse(t, def), `{"n": 0, "items": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}`)
	in.StateMachineType = typ
	if err := eng.Start(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	eng.Wait()
	return rec.history(in.ExecutionARN)
}

// loop never ends on its own: a Pass and a Choice forever.
const loopDefinition = `{"StartAt": "Count", "States": {
	"Count": {"Type": "Pass", "Next": "Again?"},
	"Again?": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 1, "Next": "Done"}], "Default": "Count"},
	"Done": {"Type": "Succeed"}}}`

// mapLoop runs iterations that each loop for a while, ten at a time, so the limit falls
// while many frames record at once.
const mapLoopDefinition = `{"StartAt": "Each", "States": {"Each": {"Type": "Map", "MaxConcurrency": 10,
	"ItemsPath": "$.items", "ItemProcessor": {"StartAt": "Work", "States": {
		"Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work", "Next": "Spin"},
		"Spin": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": -1, "Next": "Out"}], "Default": "Work"},
		"Out": {"Type": "Succeed"}}},
	"End": true}}}`

func TestHistoryLimitFailsTheExecutionAsAWSDoes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		definition string
		typ        string
		limit      int64
		wantEvents int
	}{
		{"a loop fails at the limit", loopDefinition, "STANDARD", 50, 50},
		{"the default type is standard", loopDefinition, "", 7, 7},
		{"iterations running at once stop at the limit", mapLoopDefinition, "STANDARD", 300, 300},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			events := runLimited(t, tt.definition, tt.typ, tt.limit)
			if len(events) != tt.wantEvents {
				t.Fatalf("%d events, want %d:\n%s", len(events), tt.wantEvents, formatHistory(events))
			}
			checkNumbering(t, events)
			last := events[len(events)-1]
			want := "The execution reached the maximum number of history events (" + strconv.FormatInt(tt.limit, 10) + ")."
			if last.Type != runtime.ExecutionFailed || last.Details.Error != runtime.ErrNameRuntime || last.Details.Cause != want {
				t.Errorf("last event %s %q %q, want ExecutionFailed States.Runtime %q", last.Type, last.Details.Error, last.Details.Cause, want)
			}
			if n := countType(events, runtime.ExecutionFailed); n != 1 {
				t.Errorf("%d ExecutionFailed events, want 1", n)
			}
		})
	}
}

func TestHistoryLimitLetsASuccessBeTheLastEvent(t *testing.T) {
	t.Parallel()
	// ExecutionStarted, PassStateEntered, PassStateExited, ExecutionSucceeded.
	const pass = `{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}`
	events := runLimited(t, pass, "STANDARD", 4)
	if got := types(events); len(got) != 4 || got[3] != runtime.ExecutionSucceeded {
		t.Errorf("with a limit of 4: %v, want the success as event 4", got)
	}
	events = runLimited(t, pass, "STANDARD", 3)
	if got := types(events); len(got) != 3 || got[2] != runtime.ExecutionFailed {
		t.Errorf("with a limit of 3: %v, want ExecutionFailed as event 3 instead of PassStateExited", got)
	}
}

func TestHistoryLimitLeavesExpressAndUnlimitedRunsAlone(t *testing.T) {
	t.Parallel()
	// Counts to 40 and succeeds: 1 + 40*4 + 2 + 1 events.
	const counter = `{"StartAt": "Count", "States": {
		"Count": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}, "Next": "Again?"},
		"Again?": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericLessThan": 40, "Next": "Count"}], "Default": "Done"},
		"Done": {"Type": "Succeed"}}}`
	for _, tc := range []struct {
		typ   string
		limit int64
	}{{"EXPRESS", 20}, {"STANDARD", 0}} {
		events := runLimited(t, counter, tc.typ, tc.limit)
		if last := events[len(events)-1]; last.Type != runtime.ExecutionSucceeded || len(events) != 164 {
			t.Errorf("%s with limit %d: %d events ending %s, want 164 ending ExecutionSucceeded", tc.typ, tc.limit, len(events), last.Type)
		}
	}
}

func TestHistoryLimitResultOfARunInTheForeground(t *testing.T) {
	t.Parallel()
	eng := runtime.NewEngine(runtime.EngineConfig{Clock: fakeclock.NewVirtual(testStart), MaxHistoryEvents: 10})
	res, err := eng.Run(context.Background(), startInput(mustParse(t, loopDefinition), `{"n": 0}`))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != runtime.StatusFailed || res.Error != runtime.ErrNameRuntime ||
		res.Cause != "The execution reached the maximum number of history events (10)." {
		t.Errorf("result %+v, want FAILED with States.Runtime and the limit's cause", res)
	}
}

func TestExpressExecutionsTimeOutAfterFiveMinutes(t *testing.T) {
	t.Parallel()
	const def = `{"StartAt":"Nap","TimeoutSeconds":3600,"States":{"Nap":{"Type":"Wait","Seconds":600,"End":true}}}`
	eng := runtime.NewEngine(runtime.EngineConfig{Clock: fakeclock.NewVirtual(testStart)})
	for _, tc := range []struct {
		typ  string
		want runtime.Status
	}{{"EXPRESS", runtime.StatusTimedOut}, {"STANDARD", runtime.StatusSucceeded}} {
		in := startInput(mustParse(t, def), `{}`)
		in.StateMachineType = tc.typ
		res, err := eng.Run(context.Background(), in)
		if err != nil || res.Status != tc.want {
			t.Errorf("%s: %s %v, want %s", tc.typ, res.Status, err, tc.want)
		}
	}
}
