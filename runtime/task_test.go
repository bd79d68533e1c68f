package runtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/fakeclock"
)

// harness is an engine on a manual clock with a recorder and the test invoker.
type harness struct {
	clock *fakeclock.Clock
	rec   *recorder
	inv   *testInvoker
	eng   *runtime.Engine
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{clock: fakeclock.New(testStart), rec: newRecorder(), inv: &testInvoker{}}
	h.eng = runtime.NewEngine(runtime.EngineConfig{Clock: h.clock, Invoker: h.inv, Recorder: h.rec, NewToken: countingTokens()})
	return h
}

func mustParse(t *testing.T, def string) *runtime.Definition {
	t.Helper()
	d, err := runtime.Parse([]byte(def))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// start starts an execution of def and returns its ARN.
func (h *harness) start(t *testing.T, ctx context.Context, def, input string) string {
	t.Helper()
	in := startInput(mustParse(t, def), input)
	if err := h.eng.Start(ctx, in); err != nil {
		t.Fatal(err)
	}
	return in.ExecutionARN
}

// blockUntil waits until n timers are armed on the clock.
func (h *harness) blockUntil(t *testing.T, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.clock.BlockUntil(ctx, n); err != nil {
		t.Fatalf("waiting for %d timers: %v", n, err)
	}
}

// blockUntilCreated waits until n timers have been created on the clock in all.
func (h *harness) blockUntilCreated(t *testing.T, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.clock.BlockUntilCreated(ctx, n); err != nil {
		t.Fatalf("waiting for %d timers to be created: %v", n, err)
	}
}

// last returns the last event of the execution once the engine is done.
func (h *harness) last(t *testing.T, arn string) runtime.Event {
	t.Helper()
	h.eng.Wait()
	events := h.rec.history(arn)
	if len(events) == 0 {
		t.Fatal("no events")
	}
	return events[len(events)-1]
}

const approvalMachine = `{"StartAt":"Approve","States":{
	"Approve":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
		"Parameters":{"QueueUrl":"q","MessageBody":{"order.$":"$.order","token.$":"$$.Task.Token"}},
		"ResultSelector":{"approved.$":"$.approved"},"ResultPath":"$.decision",
		"Catch":[{"ErrorEquals":["Rejected"],"ResultPath":"$.rejection","Next":"Rejected"}],
		"Next":"Ship"},
	"Ship":{"Type":"Succeed"},
	"Rejected":{"Type":"Pass","End":true}}}`

func TestCallback(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		golden    string
		decide    func(e *runtime.Engine, token string) error
		wantLast  runtime.EventType
		wantFinal string // details of the last event
	}{
		{
			name:   "success continues with the callback output",
			golden: "success",
			decide: func(e *runtime.Engine, token string) error {
				return e.SendTaskSuccess(token, json.RawMessage(` {"approved": true, "by": "ann"} `))
			},
			wantLast:  runtime.ExecutionSucceeded,
			wantFinal: `{"output":"{\"order\":7,\"decision\":{\"approved\":true}}"}`,
		},
		{
			name:   "failure caught by name goes to the catcher",
			golden: "caught_failure",
			decide: func(e *runtime.Engine, token string) error {
				return e.SendTaskFailure(token, "Rejected", "too expensive")
			},
			wantLast:  runtime.ExecutionSucceeded,
			wantFinal: `{"output":"{\"order\":7,\"rejection\":{\"Error\":\"Rejected\",\"Cause\":\"too expensive\"}}"}`,
		},
		{
			name:   "failure nobody catches fails the execution",
			golden: "failure",
			decide: func(e *runtime.Engine, token string) error {
				return e.SendTaskFailure(token, "Broken", "printer on fire")
			},
			wantLast:  runtime.ExecutionFailed,
			wantFinal: `{"error":"Broken","cause":"printer on fire"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			arn := h.start(t, context.Background(), approvalMachine, `{"order":7}`)
			submitted := h.rec.waitFor(t, runtime.TaskSubmitted)
			if submitted.Details.TaskToken != "token-1" || submitted.State != "Approve" {
				t.Fatalf("TaskSubmitted = %+v", submitted)
			}
			calls := h.inv.calls()
			if len(calls) != 1 || calls[0].TaskToken != "token-1" ||
				string(calls[0].Input) != `{"QueueUrl":"q","MessageBody":{"order":7,"token":"token-1"}}` {
				t.Fatalf("invoker calls = %+v", calls)
			}
			if err := tt.decide(h.eng, "token-1"); err != nil {
				t.Fatal(err)
			}
			last := h.last(t, arn)
			details, _ := json.Marshal(last.Details)
			if last.Type != tt.wantLast || string(details) != tt.wantFinal {
				t.Errorf("last event %s %s, want %s %s", last.Type, details, tt.wantLast, tt.wantFinal)
			}
			if err := h.eng.SendTaskSuccess("token-1", json.RawMessage(`{}`)); !errors.Is(err, runtime.ErrTaskDoesNotExist) {
				t.Errorf("second decision: %v, want ErrTaskDoesNotExist", err)
			}
			checkGolden(t, "history/callback_"+tt.golden+".golden", formatHistory(h.rec.history(arn)))
		})
	}
}

func TestSendTaskErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	arn := h.start(t, context.Background(), approvalMachine, `{"order":1}`)
	h.rec.waitFor(t, runtime.TaskSubmitted)
	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"unknown token", func() error { return h.eng.SendTaskSuccess("nope", json.RawMessage(`{}`)) }, runtime.ErrTaskDoesNotExist},
		{"unknown token on failure", func() error { return h.eng.SendTaskFailure("nope", "E", "c") }, runtime.ErrTaskDoesNotExist},
		{"unknown token on heartbeat", func() error { return h.eng.SendTaskHeartbeat("nope") }, runtime.ErrTaskDoesNotExist},
		{"output that is not JSON", func() error { return h.eng.SendTaskSuccess("token-1", json.RawMessage(`{"a":`)) }, runtime.ErrInvalidOutput},
		{"empty output", func() error { return h.eng.SendTaskSuccess("token-1", nil) }, runtime.ErrInvalidOutput},
		{"heartbeat of a waiting task", func() error { return h.eng.SendTaskHeartbeat("token-1") }, nil},
	}
	for _, tt := range tests {
		if err := tt.call(); !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	// A refused output does not decide the task.
	if err := h.eng.SendTaskSuccess("token-1", json.RawMessage(`{"approved":false}`)); err != nil {
		t.Fatalf("after refused outputs: %v", err)
	}
	if last := h.last(t, arn); last.Type != runtime.ExecutionSucceeded {
		t.Errorf("last event %s", last.Type)
	}
}

// TestCallbackDecidedOnce sends 50 concurrent successes for one token: exactly one wins,
// and the execution continues with the winner's output.
func TestCallbackDecidedOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	arn := h.start(t, context.Background(), `{"StartAt":"T","States":{"T":{"Type":"Task",
		"Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","End":true}}}`, `{}`)
	h.rec.waitFor(t, runtime.TaskSubmitted)
	const callers = 50
	errs := make([]error, callers)
	var wg sync.WaitGroup
	ready := make(chan struct{})
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-ready
			errs[i] = h.eng.SendTaskSuccess("token-1", json.RawMessage(fmt.Sprintf(`{"caller":%d}`, i)))
		}()
	}
	close(ready)
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Fatalf("callers %d and %d both decided the task", winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, runtime.ErrTaskDoesNotExist):
			t.Errorf("caller %d: %v", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no caller decided the task")
	}
	last := h.last(t, arn)
	if want := fmt.Sprintf(`{"caller":%d}`, winner); last.Type != runtime.ExecutionSucceeded || last.Details.Output != want {
		t.Errorf("last event %s %s, want ExecutionSucceeded %s", last.Type, last.Details.Output, want)
	}
}

// TestCallbackTimeouts drives the task's TimeoutSeconds and HeartbeatSeconds and the
// machine's TimeoutSeconds with the manual clock.
func TestCallbackTimeouts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		golden   string
		def      string
		drive    func(t *testing.T, h *harness)
		wantLast runtime.EventType
		wantErr  string
		wantAt   time.Duration
	}{
		{
			name:   "task timeout",
			golden: "task",
			def: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
				"TimeoutSeconds":30,"End":true}}}`,
			drive: func(t *testing.T, h *harness) {
				h.clock.Advance(29 * time.Second)
				h.clock.Advance(time.Second)
			},
			wantLast: runtime.ExecutionFailed, wantErr: "States.Timeout", wantAt: 30 * time.Second,
		},
		{
			name:   "heartbeats keep the task alive until they stop",
			golden: "heartbeat",
			def: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
				"TimeoutSeconds":100,"HeartbeatSeconds":10,"End":true}}}`,
			drive: func(t *testing.T, h *harness) {
				armed := h.clock.Created()
				for i := range 3 {
					h.clock.Advance(8 * time.Second)
					if err := h.eng.SendTaskHeartbeat("token-1"); err != nil {
						t.Fatal(err)
					}
					// Each heartbeat replaces the timer: wait for the new one.
					h.blockUntilCreated(t, armed+1+i)
				}
				h.clock.Advance(10 * time.Second)
			},
			wantLast: runtime.ExecutionFailed, wantErr: "States.HeartbeatTimeout", wantAt: 34 * time.Second,
		},
		{
			name:   "the machine's timeout ends a waiting task",
			golden: "execution",
			def: `{"TimeoutSeconds":60,"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
				"TimeoutSeconds":3600,"End":true}}}`,
			drive:    func(t *testing.T, h *harness) { h.clock.Advance(time.Minute) },
			wantLast: runtime.ExecutionTimedOut, wantErr: "States.Timeout", wantAt: time.Minute,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			arn := h.start(t, context.Background(), tt.def, `{}`)
			h.rec.waitFor(t, runtime.TaskSubmitted)
			h.blockUntil(t, 1)
			tt.drive(t, h)
			last := h.last(t, arn)
			if last.Type != tt.wantLast || last.Details.Error != tt.wantErr || last.Timestamp.Sub(testStart) != tt.wantAt {
				t.Errorf("last event %s %q at +%s, want %s %q at +%s", last.Type, last.Details.Error, last.Timestamp.Sub(testStart),
					tt.wantLast, tt.wantErr, tt.wantAt)
			}
			if err := h.eng.SendTaskSuccess("token-1", json.RawMessage(`{}`)); !errors.Is(err, runtime.ErrTaskDoesNotExist) {
				t.Errorf("decision after the timeout: %v, want ErrTaskDoesNotExist", err)
			}
			checkGolden(t, "history/timeout_"+tt.golden+".golden", formatHistory(h.rec.history(arn)))
		})
	}
}

func TestRetryBacksOff(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	arn := h.start(t, context.Background(), `{"StartAt":"T","States":{
		"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke:fail","Parameters":{"try.$":"$$.State.RetryCount"},
			"Retry":[{"ErrorEquals":["Other"],"MaxAttempts":5},
				{"ErrorEquals":["States.ALL"],"IntervalSeconds":2,"BackoffRate":3,"MaxAttempts":3,"MaxDelaySeconds":10}],
			"End":true}}}`, `{}`)
	// Delays: 2s, then 6s, then 18s capped at 10s; then the retrier is spent.
	for _, d := range []time.Duration{2 * time.Second, 6 * time.Second, 10 * time.Second} {
		h.blockUntil(t, 1)
		h.clock.Advance(d - time.Nanosecond)
		if h.clock.Pending() != 1 {
			t.Fatalf("the %s retry fired early", d)
		}
		h.clock.Advance(time.Nanosecond)
	}
	last := h.last(t, arn)
	if last.Type != runtime.ExecutionFailed || last.Details.Error != "Custom.Failure" {
		t.Errorf("last event %s %+v", last.Type, last.Details)
	}
	var got []string
	for _, ev := range h.rec.history(arn) {
		if ev.Type == runtime.TaskScheduled {
			got = append(got, fmt.Sprintf("+%s %s", ev.Timestamp.Sub(testStart), ev.Details.Parameters))
		}
	}
	want := []string{`+0s {"try":0}`, `+2s {"try":1}`, `+8s {"try":2}`, `+18s {"try":3}`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("attempts (-want +got):\n%s", diff)
	}
}

func TestPlainTaskTimeout(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.inv.block = make(chan struct{}) // never answers
	arn := h.start(t, context.Background(), `{"StartAt":"T","States":{
		"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","TimeoutSeconds":10,
			"Catch":[{"ErrorEquals":["States.TaskFailed"],"Next":"Wrong"},{"ErrorEquals":["States.Timeout"],"Next":"Late"}],"End":true},
		"Wrong":{"Type":"Fail","Error":"States.TaskFailed must not catch a timeout"},
		"Late":{"Type":"Succeed"}}}`, `{}`)
	h.rec.waitFor(t, runtime.TaskStarted)
	h.blockUntil(t, 1)
	h.clock.Advance(10 * time.Second)
	last := h.last(t, arn)
	if last.Type != runtime.ExecutionSucceeded || last.Details.Output != `{"Error":"States.Timeout"}` {
		t.Errorf("last event %s %+v", last.Type, last.Details)
	}
	checkGolden(t, "history/plain_task_timeout.golden", formatHistory(h.rec.history(arn)))
}

// TestStopWithoutEnd cancels the context of a waiting execution: it stops where it is,
// records nothing more, and its token is no longer accepted.
func TestStopWithoutEnd(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	arn := h.start(t, ctx, approvalMachine, `{"order":1}`)
	h.rec.waitFor(t, runtime.TaskSubmitted)
	cancel()
	h.eng.Wait()
	events := h.rec.history(arn)
	if last := events[len(events)-1]; last.Type != runtime.TaskSubmitted {
		t.Errorf("last event %s, want TaskSubmitted", last.Type)
	}
	if err := h.eng.SendTaskSuccess("token-1", json.RawMessage(`{}`)); !errors.Is(err, runtime.ErrTaskDoesNotExist) {
		t.Errorf("SendTaskSuccess after the stop: %v", err)
	}
}

func TestWaitUsesTheClock(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	arn := h.start(t, context.Background(), `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`, `{}`)
	h.blockUntil(t, 1)
	h.clock.Advance(59 * time.Minute)
	if n := len(h.rec.history(arn)); n != 2 {
		t.Fatalf("%d events before the hour is up, want 2", n)
	}
	h.clock.Advance(time.Minute)
	if last := h.last(t, arn); last.Type != runtime.ExecutionSucceeded || last.Timestamp != testStart.Add(time.Hour) {
		t.Errorf("last event %s at %s", last.Type, last.Timestamp)
	}
}

func TestStartAndRunErrors(t *testing.T) {
	t.Parallel()
	def := mustParse(t, `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}}`)
	tests := []struct {
		name       string
		in         runtime.StartInput
		failType   runtime.EventType
		wantErr    string
		wantEvents int
	}{
		{"invalid input is refused before anything is recorded", startInput(def, `{"a":`), "", "the input is not valid JSON", 0},
		{"no definition", startInput(nil, `{}`), "", "no definition", 0},
		{"a recorder failure stops the execution", startInput(def, `{}`), runtime.TaskStarted, "disk full", 3}, // up to TaskScheduled
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.rec.fail = tt.failType
			res, err := h.eng.Run(context.Background(), tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Run error %v, want %q", err, tt.wantErr)
			}
			if tt.wantEvents > 0 && res.Status != runtime.StatusRunning {
				t.Errorf("status %s, want RUNNING", res.Status)
			}
			if n := len(h.rec.history(tt.in.ExecutionARN)); n != tt.wantEvents {
				t.Errorf("%d events recorded, want %d", n, tt.wantEvents)
			}
			if tt.failType == "" {
				if err := h.eng.Start(context.Background(), tt.in); err == nil {
					t.Error("Start accepted it")
				}
			}
		})
	}
}

func TestTaskFailures(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 262144)
	tests := []struct {
		name      string
		invoker   runtime.TaskInvoker
		def       string
		wantError string
		wantCause string
	}{
		{
			name:      "no invoker configured",
			def:       `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}}`,
			wantError: "States.Runtime",
			wantCause: "An error occurred while executing the state 'T' (entered at the event id #2). stepstudio: no task invoker is configured to run arn:aws:states:::lambda:invoke",
		},
		{
			name:      "a result over 256 KiB",
			invoker:   &testInvoker{},
			def:       `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"big":"` + big + `"},"End":true}}}`,
			wantError: "States.DataLimitExceeded",
			wantCause: "The state/task 'T' returned a result with a size exceeding the maximum number of bytes service limit.",
		},
		{
			name:      "a Pass result over 256 KiB",
			def:       `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"` + big + `","End":true}}}`,
			wantError: "States.DataLimitExceeded",
			wantCause: "The state/task 'P' returned a result with a size exceeding the maximum number of bytes service limit.",
		},
		{
			name:      "States.ALL does not catch Runtime errors",
			def:       `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"x.$":"$.missing"},"Catch":[{"ErrorEquals":["States.ALL"],"Next":"C"}],"End":true},"C":{"Type":"Succeed"}}}`,
			invoker:   &testInvoker{},
			wantError: "States.Runtime",
			wantCause: "An error occurred while executing the state 'T' (entered at the event id #2). The JSONPath '$.missing' specified for the field 'x.$' could not be found in the input '{}'",
		},
		{
			name:      "an undefined variable",
			def:       `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"x.$":"$nope"},"End":true}}}`,
			wantError: "States.Runtime",
			wantCause: "An error occurred while executing the state 'P' (entered at the event id #2). The variable reference '$nope' specified for the field 'x.$' refers to the variable 'nope', which is not defined.",
		},
		{
			name:      "a variable over 256 KiB",
			def:       `{"StartAt":"P","States":{"P":{"Type":"Pass","Assign":{"x":"` + big + `"},"End":true}}}`,
			wantError: "States.DataLimitExceeded",
			wantCause: "The variable 'x' assigned in the state 'P' has a size exceeding the maximum number of bytes service limit (262144).",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			eng := runtime.NewEngine(runtime.EngineConfig{Clock: fakeclock.NewVirtual(testStart), Invoker: tt.invoker})
			res, err := eng.Run(context.Background(), startInput(mustParse(t, tt.def), `{}`))
			if err != nil {
				t.Fatal(err)
			}
			want := runtime.Result{Status: runtime.StatusFailed, Error: tt.wantError, Cause: tt.wantCause}
			if diff := cmp.Diff(want, res); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

// TestManyExecutions runs concurrent executions through one engine, each waiting for its
// own callback (run with -race).
func TestManyExecutions(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	def := mustParse(t, approvalMachine)
	const n = 20
	for i := range n {
		in := startInput(def, fmt.Sprintf(`{"order":%d}`, i))
		in.ExecutionARN = fmt.Sprintf("exec-%d", i)
		if err := h.eng.Start(context.Background(), in); err != nil {
			t.Fatal(err)
		}
	}
	decided := 0
	for decided < n {
		ev := h.rec.waitFor(t, runtime.TaskSubmitted)
		go func() { _ = h.eng.SendTaskSuccess(ev.Details.TaskToken, json.RawMessage(`{"approved":true}`)) }()
		decided++
	}
	h.eng.Wait()
	for i := range n {
		events := h.rec.history(fmt.Sprintf("exec-%d", i))
		last := events[len(events)-1]
		want := fmt.Sprintf(`{"order":%d,"decision":{"approved":true}}`, i)
		if last.Type != runtime.ExecutionSucceeded || last.Details.Output != want {
			t.Errorf("exec-%d ended %s %s, want %s", i, last.Type, last.Details.Output, want)
		}
	}
}

// On virtual time a task call takes no time, so a task with a timeout still gets its answer
// (the virtual clock fires the timeout timer as soon as it is armed).
func TestVirtualClockTaskBeatsItsTimeout(t *testing.T) {
	t.Parallel()
	def := mustParse(t, `{"StartAt":"T","States":{"T":{"Type":"Task","TimeoutSeconds":5,"HeartbeatSeconds":1,
		"Resource":"arn:aws:lambda:us-east-1:123456789012:function:echo","End":true}}}`)
	eng := runtime.NewEngine(runtime.EngineConfig{Clock: fakeclock.NewVirtual(testStart), Invoker: &testInvoker{}})
	for range 20 {
		res, err := eng.Run(context.Background(), startInput(def, `{"a":1}`))
		if err != nil || res.Status != runtime.StatusSucceeded || string(res.Output) != `{"a":1}` {
			t.Fatalf("%v %+v", err, res)
		}
	}
}
