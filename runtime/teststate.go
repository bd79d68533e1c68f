package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// TestState runs one state of a definition on its own, as AWS's TestState API does with
// inspectionLevel DEBUG: the value after every step of the data flow, the next state, and how
// it ended. It uses the same code as an execution (runState and dataFlow, watched by a
// probe), so what it shows is what a run would do.

// The steps of a state's data flow, in the order they run. TestStateResult.FailedStep names
// the one a failure happened in. A JSONPath state goes through InputPath, Parameters, the
// result, ResultSelector, Assign, ResultPath and OutputPath; a JSONata state through
// Arguments, the result, Assign and Output (Assign and Output both see $states.result and
// the variables as they were on entry; the runtime evaluates Assign first). A Map reads its
// items (ItemsPath, or Items in JSONata) before its iterations run.
const (
	StepInputPath      = "InputPath"
	StepParameters     = "Parameters"
	StepItemsPath      = "ItemsPath"
	StepResult         = "Result" // the state's work: the task, the rules, the branches or iterations
	StepResultSelector = "ResultSelector"
	StepAssign         = "Assign"
	StepResultPath     = "ResultPath"
	StepOutputPath     = "OutputPath"

	StepArguments = "Arguments"
	StepItems     = "Items"
	StepOutput    = "Output"
)

// The query languages a state's fields are written in (TestStateResult.QueryLanguage).
const (
	QueryJSONPath = "JSONPath"
	QueryJSONata  = "JSONata"
)

// The statuses of a tested state, with the names AWS's TestState gives them.
const (
	TestSucceeded   = "SUCCEEDED"
	TestFailed      = "FAILED"
	TestCaughtError = "CAUGHT_ERROR" // a Catch handled the failure: Output and NextState are the catcher's
	TestRetriable   = "RETRIABLE"    // a Retry would run the state again; it was not retried
)

// ErrNoSuchState says TestState was asked for a state the definition does not have.
var ErrNoSuchState = errors.New("runtime: no such state")

// ErrBadTestOptions says a TestStateOptions value cannot be used.
var ErrBadTestOptions = errors.New("runtime: test state")

// TestStateOptions says how TestState runs the state.
type TestStateOptions struct {
	// Invoker runs a Task's resource. Without one, a Task returns MockResult, fails with
	// MockError, or, with neither, fails saying it cannot call the resource. A
	// .waitForTaskToken Task gets the mock as its callback's output (or failure).
	Invoker    TaskInvoker
	MockResult json.RawMessage
	MockError  *Error
	// Variables are the workflow variables the state can read, each value as JSON.
	Variables map[string]json.RawMessage
	// RetrierRetryCount is how many retries the retrier that matches a failure has made
	// already (AWS's stateConfiguration.retrierRetryCount): one at its MaxAttempts lets the
	// failure through to the Catch.
	RetrierRetryCount int
	// Context, a JSON object, is laid over the context object ($$) the state sees: each of
	// its objects (Execution, State, Task...) replaces the fields it has, other values
	// replace whole members.
	Context json.RawMessage
	// Start is the time of the virtual clock the state runs on ($$.Execution.StartTime,
	// $$.State.EnteredTime); the caller passes it because the runtime never reads the wall
	// clock. Waits move this clock and take no real time.
	Start time.Time
}

// TestStateResult is what a tested state did. A value is nil when its step was not reached.
type TestStateResult struct {
	State string `json:"state"`
	Type  string `json:"type"`
	// QueryLanguage is QueryJSONPath or QueryJSONata: which steps the state has.
	QueryLanguage string `json:"queryLanguage"`
	// Status is TestSucceeded, TestFailed, TestCaughtError or TestRetriable.
	Status          string          `json:"status"`
	Input           json.RawMessage `json:"input"`
	AfterInputPath  json.RawMessage `json:"afterInputPath,omitempty"`
	AfterParameters json.RawMessage `json:"afterParameters,omitempty"`
	// AfterArguments is, for a JSONata state, the effective input: what Arguments made of
	// $states.input (the input itself without Arguments).
	AfterArguments json.RawMessage `json:"afterArguments,omitempty"`
	// AfterItemsPath is, for a Map state, its items: what ItemsPath (or, in JSONata, Items)
	// selected.
	AfterItemsPath json.RawMessage `json:"afterItemsPath,omitempty"`
	// AfterItemSelector is, for a Map state, the input of each iteration: what ItemSelector
	// (or ItemBatcher) made of each item.
	AfterItemSelector   json.RawMessage `json:"afterItemSelector,omitempty"`
	Result              json.RawMessage `json:"result,omitempty"`
	AfterResultSelector json.RawMessage `json:"afterResultSelector,omitempty"`
	AfterResultPath     json.RawMessage `json:"afterResultPath,omitempty"`
	Output              json.RawMessage `json:"output,omitempty"`
	// NextState is where the execution would go ("" when the state ends it or failed).
	NextState string `json:"nextState,omitempty"`
	End       bool   `json:"end,omitempty"`
	// Variables are the variables the state assigned, each as JSON.
	Variables map[string]json.RawMessage `json:"variables,omitempty"`
	// Error and Cause are the failure (also when it was caught or would be retried);
	// FailedStep is the step it happened in ("" for a Fail state, whose purpose it is); for
	// a JSONata expression that failed, the field it is in ("Arguments", "Condition",
	// "Items", "ItemSelector", "Assign", "Output", "TimeoutSeconds"...).
	Error      string `json:"error,omitempty"`
	Cause      string `json:"cause,omitempty"`
	FailedStep string `json:"failedStep,omitempty"`
	// Waited is how long a Wait state waited on the virtual clock: it took no real time.
	Waited time.Duration `json:"waitedNanos,omitempty"`
}

// TestState runs the named state of def (at the top level, in a Parallel branch or in a Map
// processor) once with input and reports every step. A failure of the state is a result
// (Status TestFailed, ...), not an error; the error is for a state that does not exist
// (ErrNoSuchState), an input or variable that is not JSON, or ctx ending (a
// .waitForTaskToken task run by a real Invoker waits for its callback until then).
func TestState(ctx context.Context, def *Definition, state string, input json.RawMessage, opts TestStateOptions) (TestStateResult, error) {
	st := findState(def, state)
	if st == nil {
		return TestStateResult{}, fmt.Errorf("%w: %q", ErrNoSuchState, state)
	}
	b := st.Base()
	clock := &testClock{now: opts.Start}
	mock := &mockInvoker{result: opts.MockResult, err: opts.MockError}
	cfg := EngineConfig{Clock: clock, Invoker: opts.Invoker, NewToken: func() (string, error) { return "teststate-token", nil }}
	if cfg.Invoker == nil {
		cfg.Invoker = mock
	}
	eng := NewEngine(cfg)
	mock.eng = eng
	x, err := eng.newExecution(ctx, StartInput{
		ExecutionARN:     "arn:aws:states:us-east-1:123456789012:execution:TestState:test",
		ExecutionName:    "test",
		StateMachineARN:  "arn:aws:states:us-east-1:123456789012:stateMachine:TestState",
		StateMachineName: "TestState",
		Definition:       def,
		Input:            input,
	})
	if err != nil {
		return TestStateResult{}, fmt.Errorf("runtime: test state %q: the input is not valid JSON: %w", state, errors.Unwrap(err))
	}
	defer x.cancel(nil)
	x.deadline = time.Time{} // the machine's TimeoutSeconds is about whole executions
	// The given variables sit around the state's own scope, so what the state assigns is
	// exactly its scope's content afterwards.
	outer := newScope(nil)
	shown := map[string]string{}
	for name, v := range opts.Variables {
		shown[name] = string(v)
	}
	if err := outer.restore(shown); err != nil {
		return TestStateResult{}, fmt.Errorf("runtime: test state %q: %w", state, err)
	}
	x.vars = newScope(outer)
	p := &probe{steps: map[string]any{}, retries: opts.RetrierRetryCount, jsonata: b.jsonata, isMap: b.Type == "Map"}
	if len(opts.Context) > 0 {
		v, err := decodeJSON(opts.Context)
		o, ok := v.(*object)
		if err != nil || !ok {
			return TestStateResult{}, fmt.Errorf("%w: the context must be a JSON object", ErrBadTestOptions)
		}
		p.context = o
	}
	x.probe = p

	res := TestStateResult{State: state, Type: b.Type, QueryLanguage: QueryJSONPath, Input: encodeJSON(x.input)}
	if b.jsonata {
		res.QueryLanguage = QueryJSONata
	}
	out, next, runErr := x.runState(state, st, x.input, nil, nil)
	if b.Type == "Wait" {
		res.Waited = clock.now.Sub(opts.Start)
	}
	p.fill(&res)
	var failure *Error
	switch {
	case runErr == nil:
		res.Status, res.Output, res.NextState, res.End = TestSucceeded, encodeJSON(out), next, next == ""
		if p.caught != nil {
			res.Status, res.Error, res.Cause = TestCaughtError, p.caught.Name, p.caught.Cause
			res.FailedStep = p.failedStep()
			// The catcher's output replaces the data flow's: drop the steps it skipped.
			res.AfterResultSelector, res.AfterResultPath = nil, nil
		}
		if len(x.vars.vals) > 0 {
			res.Variables = map[string]json.RawMessage{}
			for _, name := range slices.Sorted(maps.Keys(x.vars.vals)) {
				res.Variables[name] = encodeJSON(x.vars.vals[name])
			}
		}
	case errors.As(runErr, &failure):
		res.Status, res.Error, res.Cause = TestFailed, failure.Name, failure.Cause
		if p.retriable {
			res.Status = TestRetriable
		}
		if b.Type != "Fail" {
			res.FailedStep = p.failedStep()
		}
	default:
		return TestStateResult{}, fmt.Errorf("runtime: test state %q: %w", state, runErr)
	}
	return res, nil
}

// findState finds a state by name in def or the machines nested in it (names are unique
// across the whole document).
func findState(def *Definition, name string) State {
	if def == nil {
		return nil
	}
	if st, ok := def.States[name]; ok {
		return st
	}
	for _, n := range def.Order {
		switch s := def.States[n].(type) {
		case *ParallelState:
			for _, br := range s.Branches {
				if st := findState(br, name); st != nil {
					return st
				}
			}
		case *MapState:
			if st := findState(s.ItemProcessor, name); st != nil {
				return st
			}
		}
	}
	return nil
}

// probe records what the tested state does, step by step. Map iterations report their
// inputs concurrently, hence the lock.
type probe struct {
	mu        sync.Mutex
	steps     map[string]any
	items     []any
	retriable bool
	caught    *Error
	// retries is how many times the matching retrier has retried already (TestState's
	// stateConfiguration.retrierRetryCount); context is laid over $$ (its context).
	retries int
	context *object
	// jsonata and isMap say which steps the state has; field is the JSONata field whose
	// expression failed ("Output", "Assign/total"), as the failure's location gives it.
	jsonata, isMap bool
	field          string
}

// observe records the value after a step of the tested state; a no-op in normal runs.
func (x *execution) observe(step string, v any) {
	if x.probe == nil {
		return
	}
	x.probe.mu.Lock()
	defer x.probe.mu.Unlock()
	x.probe.steps[step] = v
}

// item records the input of a Map iteration.
func (p *probe) item(i, n int, v any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.items == nil {
		p.items = make([]any, n)
	}
	p.items[i] = v
}

// The order of the steps, to tell which one a failure stopped; a Map has its items' step
// (ItemsPath, or Items in JSONata) after the effective input.
var (
	stepOrder        = []string{StepInputPath, StepParameters, StepResult, StepResultSelector, StepAssign, StepResultPath, StepOutputPath}
	jsonataStepOrder = []string{StepArguments, StepResult, StepAssign, StepOutput}
)

// evaluationFailed notes the field of the tested state whose expression failed.
func (p *probe) evaluationFailed(location string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.field == "" {
		p.field = location
	}
}

// failedStep is the JSONata field whose expression failed, else the first step that did
// not complete.
func (p *probe) failedStep() string {
	if p.field != "" {
		field, _, _ := strings.Cut(p.field, "/")
		return field
	}
	order, items := stepOrder, StepItemsPath
	if p.jsonata {
		order, items = jsonataStepOrder, StepItems
	}
	if p.isMap {
		at := slices.Index(order, StepResult)
		order = slices.Insert(slices.Clone(order), at, items)
	}
	for _, s := range order {
		if _, ok := p.steps[s]; !ok {
			return s
		}
	}
	// Every step ran: what failed came after them (the output's size, the variables' limits).
	return order[len(order)-1]
}

// fill copies the recorded values into the result.
func (p *probe) fill(r *TestStateResult) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for step, dst := range map[string]*json.RawMessage{
		StepInputPath: &r.AfterInputPath, StepParameters: &r.AfterParameters, StepArguments: &r.AfterArguments,
		StepItemsPath: &r.AfterItemsPath, StepItems: &r.AfterItemsPath, StepResult: &r.Result, StepResultSelector: &r.AfterResultSelector, StepResultPath: &r.AfterResultPath,
	} {
		if v, ok := p.steps[step]; ok {
			*dst = encodeJSON(v)
		}
	}
	if p.items != nil {
		r.AfterItemSelector = encodeJSON(p.items)
	}
}

// mockInvoker stands in for the resources of the tested Task.
type mockInvoker struct {
	eng    *Engine
	result json.RawMessage
	err    *Error
}

// Invoke returns the mock; for a .waitForTaskToken task it decides the callback with it,
// which the task waits for right after this call.
func (m *mockInvoker) Invoke(_ context.Context, req TaskRequest) (json.RawMessage, error) {
	switch {
	case m.err != nil:
		return nil, m.err
	case m.result == nil:
		return nil, runtimeError("TestState does not call %s: give a mock result (or a mock error) for the task", req.Resource)
	case req.TaskToken != "":
		if err := m.eng.SendTaskSuccess(req.TaskToken, m.result); err != nil {
			return nil, runtimeError("the mock result is not a valid callback output: %v", err)
		}
		return nil, nil
	}
	return m.result, nil
}

// testClock is a virtual clock: every timer fires at once and moves the time forward by
// its duration, so a one-hour Wait is tested instantly and shows the time it would take.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) NewTimer(d time.Duration) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.now = c.now.Add(d)
	}
	ch := make(firedTimer, 1)
	ch <- c.now
	return ch
}

// Virtual has the engine call tasks without racing them against their timeouts.
func (c *testClock) Virtual() bool { return true }

// firedTimer is a timer that has already fired.
type firedTimer chan time.Time

func (t firedTimer) C() <-chan time.Time { return t }
func (t firedTimer) Stop() bool          { return false }
