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

// gateInvoker runs Task resources for the concurrency tests. A resource ending in
// ":gate" waits until want calls have been in flight at once (or the test's deadline),
// proving they run concurrently; ":block" waits for its context; ":fail-when-blocked" fails once
// want ":block" calls wait; anything else returns its input. It counts the calls in flight.
type gateInvoker struct {
	want int

	mu        sync.Mutex
	inFlight  int
	maxFlight int
	blocked   int
	order     []string
	cancelled int
	changed   chan struct{} // closed and replaced whenever the counts change
}

func newGateInvoker(want int) *gateInvoker {
	return &gateInvoker{want: want, changed: make(chan struct{})}
}

func (g *gateInvoker) update(f func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	f()
	close(g.changed)
	g.changed = make(chan struct{})
}

// waitUntil blocks until cond (called with the lock held) holds, or ctx ends.
func (g *gateInvoker) waitUntil(ctx context.Context, cond func() bool) error {
	for {
		g.mu.Lock()
		ok, changed := cond(), g.changed
		g.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Second):
			return errors.New("gate: timed out")
		}
	}
}

// stats returns the most calls in flight at once, the order of the calls' inputs and how
// many blocked calls were cancelled. A call may still be returning when its execution has
// ended (the engine does not wait for a cancelled call), hence the lock.
func (g *gateInvoker) stats() (maxFlight int, order []string, cancelled int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.maxFlight, append([]string(nil), g.order...), g.cancelled
}

func (g *gateInvoker) Invoke(ctx context.Context, req runtime.TaskRequest) (json.RawMessage, error) {
	g.update(func() {
		g.inFlight++
		g.maxFlight = max(g.maxFlight, g.inFlight)
		g.order = append(g.order, string(req.Input))
	})
	defer g.update(func() { g.inFlight-- })
	switch {
	case strings.HasSuffix(req.Resource, ":gate"):
		if err := g.waitUntil(ctx, func() bool { return g.maxFlight >= g.want }); err != nil {
			return nil, err
		}
	case strings.HasSuffix(req.Resource, ":block"):
		g.update(func() { g.blocked++ })
		<-ctx.Done()
		g.update(func() { g.cancelled++ })
		return nil, ctx.Err()
	case strings.HasSuffix(req.Resource, ":fail-when-blocked"):
		if err := g.waitUntil(ctx, func() bool { return g.blocked >= g.want }); err != nil {
			return nil, err
		}
		return nil, &runtime.Error{Name: "Custom.Failed", Cause: "gave up"}
	}
	return req.Input, nil
}

// runWith runs def on a virtual clock with inv and returns the result and the history.
func runWith(t *testing.T, inv runtime.TaskInvoker, def, input string) (runtime.Result, []runtime.Event) {
	t.Helper()
	rec := newRecorder()
	eng := runtime.NewEngine(runtime.EngineConfig{Clock: fakeclock.NewVirtual(testStart), Invoker: inv, Recorder: rec})
	in := startInput(mustParse(t, def), input)
	res, err := eng.Run(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return res, rec.history(in.ExecutionARN)
}

// checkNumbering fails unless the events are numbered 1..n and each points back at an
// earlier event.
func checkNumbering(t *testing.T, events []runtime.Event) {
	t.Helper()
	for i, ev := range events {
		if ev.ID != int64(i+1) || ev.PreviousEventID >= ev.ID {
			t.Fatalf("event %d: id %d previous %d:\n%s", i+1, ev.ID, ev.PreviousEventID, formatHistory(events))
		}
	}
}

func TestParallelRunsBranchesConcurrentlyAndOutputsInBranchOrder(t *testing.T) {
	t.Parallel()
	var branches []string
	for i := range 3 {
		branches = append(branches, fmt.Sprintf(`{"StartAt":"B%d","States":{"B%d":{"Type":"Task",
			"Resource":"arn:aws:states:::lambda:invoke:gate","Parameters":{"branch":%d},"Next":"After%d"},
			"After%d":{"Type":"Pass","End":true}}}`, i, i, i, i, i))
	}
	def := `{"StartAt":"Fork","States":{"Fork":{"Type":"Parallel","End":true,"Branches":[` + strings.Join(branches, ",") + `]}}}`
	inv := newGateInvoker(3)
	res, events := runWith(t, inv, def, `{}`)
	if res.Status != runtime.StatusSucceeded || string(res.Output) != `[{"branch":0},{"branch":1},{"branch":2}]` {
		t.Fatalf("result %+v", res)
	}
	if maxFlight, _, _ := inv.stats(); maxFlight != 3 {
		t.Errorf("%d branches ran at once, want 3", maxFlight)
	}
	checkNumbering(t, events)
	// Each branch chains its own events, from ParallelStateStarted.
	var started int64
	prevOf := map[string]int64{}
	for _, ev := range events {
		switch {
		case ev.Type == runtime.ParallelStateStarted:
			started = ev.ID
		case ev.Type == runtime.TaskStateEntered:
			if ev.PreviousEventID != started {
				t.Errorf("%s of %s points at %d, want ParallelStateStarted %d", ev.Type, ev.State, ev.PreviousEventID, started)
			}
			prevOf[ev.State] = ev.ID
		case ev.Type == runtime.TaskScheduled:
			if ev.PreviousEventID != prevOf[ev.State] {
				t.Errorf("TaskScheduled of %s points at %d, want its TaskStateEntered %d", ev.State, ev.PreviousEventID, prevOf[ev.State])
			}
		}
	}
	n := len(events)
	if events[n-3].Type != runtime.ParallelStateSucceeded || events[n-2].Type != runtime.ParallelStateExited ||
		events[n-2].PreviousEventID != events[n-3].PreviousEventID || events[n-3].PreviousEventID != events[n-4].ID {
		t.Errorf("the Parallel state does not end as AWS records it:\n%s", formatHistory(events))
	}
}

func TestParallelBranchFailureStopsTheOthers(t *testing.T) {
	t.Parallel()
	const def = `{"StartAt":"Fork","States":{
		"Fork":{"Type":"Parallel","Next":"Unreached","Branches":[
			{"StartAt":"Wait","States":{"Wait":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke:block","End":true}}},
			{"StartAt":"Fail","States":{"Fail":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke:fail-when-blocked","End":true}}}],
			"Catch":[{"ErrorEquals":["Custom.Failed"],"Next":"Caught"}]},
		"Unreached":{"Type":"Succeed"},
		"Caught":{"Type":"Pass","End":true}}}`
	inv := newGateInvoker(1)
	res, events := runWith(t, inv, def, `{}`)
	if res.Status != runtime.StatusSucceeded || string(res.Output) != `{"Error":"Custom.Failed","Cause":"gave up"}` {
		t.Fatalf("result %+v", res)
	}
	if err := inv.waitUntil(context.Background(), func() bool { return inv.cancelled == 1 }); err != nil {
		t.Errorf("the blocked branch was not cancelled: %v", err)
	}
	checkNumbering(t, events)
	var failed runtime.Event
	for _, ev := range events {
		if ev.Type == runtime.ParallelStateFailed {
			failed = ev
		}
	}
	if failed.Details.Error != "Custom.Failed" {
		t.Errorf("ParallelStateFailed %+v", failed)
	}
}

func TestMapWithMaxConcurrencyOneRunsItemsInOrder(t *testing.T) {
	t.Parallel()
	const def = `{"StartAt":"Each","States":{"Each":{"Type":"Map","MaxConcurrency":1,"End":true,
		"ItemProcessor":{"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true}}}}}}`
	items := make([]string, 30)
	for i := range items {
		items[i] = fmt.Sprint(i)
	}
	input := "[" + strings.Join(items, ",") + "]"
	inv := newGateInvoker(0)
	res, events := runWith(t, inv, def, input)
	if res.Status != runtime.StatusSucceeded || string(res.Output) != input {
		t.Fatalf("result %+v", res)
	}
	maxFlight, order, _ := inv.stats()
	if diff := cmp.Diff(items, order); diff != "" {
		t.Errorf("call order (-want +got):\n%s", diff)
	}
	if maxFlight != 1 {
		t.Errorf("%d iterations ran at once, want 1", maxFlight)
	}
	checkNumbering(t, events)
}

func TestMapRunsAtMostMaxConcurrencyIterations(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name        string
		concurrency string
		items       int
		want        int
	}{
		{"MaxConcurrency 3", `"MaxConcurrency":3`, 50, 3},
		// 10,000 items with no bound of their own run on mapWorkerLimit goroutines, not one each.
		{"no bound of its own", `"MaxConcurrency":0`, 10000, 40},
		{"MaxConcurrencyPath", `"MaxConcurrencyPath":"$.limit"`, 20, 5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			def := `{"StartAt":"Each","States":{"Each":{"Type":"Map",` + tt.concurrency + `,"ItemsPath":"$.items","End":true,
				"ItemProcessor":{"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke:gate","End":true}}}}}}`
			items := make([]string, tt.items)
			for i := range items {
				items[i] = fmt.Sprint(i)
			}
			input := `{"limit":5,"items":[` + strings.Join(items, ",") + `]}`
			// Every call waits until the bound is reached, so reaching it is proven, and
			// exceeding it would show.
			inv := newGateInvoker(tt.want)
			eng := runtime.NewEngine(runtime.EngineConfig{Clock: fakeclock.NewVirtual(testStart), Invoker: inv})
			res, err := eng.Run(context.Background(), startInput(mustParse(t, def), input))
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != runtime.StatusSucceeded || string(res.Output) != "["+strings.Join(items, ",")+"]" {
				t.Fatalf("status %s error %s cause %s", res.Status, res.Error, res.Cause)
			}
			if maxFlight, _, _ := inv.stats(); maxFlight != tt.want {
				t.Errorf("%d iterations ran at once, want %d", maxFlight, tt.want)
			}
		})
	}
}

func TestMapIterationFailureAbortsTheOthers(t *testing.T) {
	t.Parallel()
	const def = `{"StartAt":"Each","States":{"Each":{"Type":"Map","End":true,
		"ItemProcessor":{"StartAt":"Route","States":{
			"Route":{"Type":"Choice","Choices":[{"Variable":"$","NumericEquals":0,"Next":"Fail"}],"Default":"Block"},
			"Fail":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke:fail-when-blocked","End":true},
			"Block":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke:block","End":true}}}}}}`
	inv := newGateInvoker(2)
	res, events := runWith(t, inv, def, `[0,1,2]`)
	if res.Status != runtime.StatusFailed || res.Error != "Custom.Failed" {
		t.Fatalf("result %+v", res)
	}
	checkNumbering(t, events)
	got := map[runtime.EventType][]int{}
	for _, ev := range events {
		if ev.Details.Index != nil {
			got[ev.Type] = append(got[ev.Type], *ev.Details.Index)
		}
	}
	if len(got[runtime.MapIterationFailed]) != 1 || got[runtime.MapIterationFailed][0] != 0 || len(got[runtime.MapIterationAborted]) != 2 {
		t.Errorf("iteration ends %v:\n%s", got, formatHistory(events))
	}
	if last := events[len(events)-2]; last.Type != runtime.MapStateFailed {
		t.Errorf("second to last event %s, want MapStateFailed", last.Type)
	}
}

func TestMapAndParallelFieldErrors(t *testing.T) {
	t.Parallel()
	const items = `"ItemProcessor":{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`
	tests := []struct {
		name, def, input, wantError, wantCause string
	}{
		{
			name:      "MaxConcurrencyPath not an integer",
			def:       `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrencyPath":"$.c","ItemsPath":"$.i","End":true,` + items + `}}}`,
			input:     `{"c":1.5,"i":[]}`,
			wantError: "States.Runtime",
			wantCause: `An error occurred while executing the state 'M' (entered at the event id #2). The MaxConcurrencyPath field refers to value "1.5" which is not a valid integer: $.c`,
		},
		{
			name:      "MaxConcurrencyPath negative",
			def:       `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrencyPath":"$.c","ItemsPath":"$.i","End":true,` + items + `}}}`,
			input:     `{"c":-1,"i":[]}`,
			wantError: "States.Runtime",
			wantCause: `An error occurred while executing the state 'M' (entered at the event id #2). MaxConcurrency cannot be negative.`,
		},
		{
			name:      "ItemsPath missing",
			def:       `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.nope","End":true,` + items + `}}}`,
			input:     `{}`,
			wantError: "States.Runtime",
			wantCause: `An error occurred while executing the state 'M' (entered at the event id #2). Invalid path '$.nope' : No results for path: $['nope']`,
		},
		{
			name:      "ItemSelector path missing",
			def:       `{"StartAt":"M","States":{"M":{"Type":"Map","ItemSelector":{"x.$":"$.nope"},"End":true,` + items + `}}}`,
			input:     `[1]`,
			wantError: "States.Runtime",
			wantCause: `An error occurred while executing the state 'M' (entered at the event id #2). The JSONPath '$.nope' specified for the field 'x.$' could not be found in the input '[1]'`,
		},
		{
			name:      "a Runtime error in an iteration names the inner state",
			def:       `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"Catch":[{"ErrorEquals":["States.ALL"],"Next":"C"}],"ItemProcessor":{"StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$.nope","End":true}}}},"C":{"Type":"Succeed"}}}`,
			input:     `[{}]`,
			wantError: "States.Runtime",
			wantCause: `An error occurred while executing the state 'A' (entered at the event id #5). Invalid path '$.nope' : No results for path: $['nope']`,
		},
		{
			name:      "a branch's error fails the Parallel state with its own name",
			def:       `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E","Cause":"c"}}}]}}}`,
			input:     `{}`,
			wantError: "E",
			wantCause: "c",
		},
		{
			name:      "States.TaskFailed does not catch a branch's error",
			def:       `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Catch":[{"ErrorEquals":["States.TaskFailed"],"Next":"C"}],"Branches":[{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E"}}}]},"C":{"Type":"Succeed"}}}`,
			input:     `{}`,
			wantError: "E",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, _ := runWith(t, nil, tt.def, tt.input)
			want := runtime.Result{Status: runtime.StatusFailed, Error: tt.wantError, Cause: tt.wantCause}
			if diff := cmp.Diff(want, res); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestVariablesLiveInTheExecution(t *testing.T) {
	t.Parallel()
	// Two executions of one parsed definition, at once: each sees only its own variables.
	def := mustParse(t, `{"StartAt":"Set","States":{
		"Set":{"Type":"Pass","Assign":{"mine.$":"$.n"},"Next":"Each"},
		"Each":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"Read","States":{
			"Read":{"Type":"Pass","Parameters":{"mine.$":"$mine","item.$":"$"},"End":true}}},"End":true}}}`)
	eng := runtime.NewEngine(runtime.EngineConfig{Clock: fakeclock.NewVirtual(testStart)})
	var wg sync.WaitGroup
	for n := range 8 {
		wg.Go(func() {
			in := startInput(def, fmt.Sprintf(`{"n":%d,"items":[1,2,3]}`, n))
			in.ExecutionARN = fmt.Sprint("exec-", n)
			res, err := eng.Run(context.Background(), in)
			want := fmt.Sprintf(`[{"mine":%d,"item":1},{"mine":%d,"item":2},{"mine":%d,"item":3}]`, n, n, n)
			if err != nil || string(res.Output) != want {
				t.Errorf("execution %d: %s %v, want %s", n, res.Output, err, want)
			}
		})
	}
	wg.Wait()
}

func TestResumeInsideAMapGoesOnWhereItWasWithItsVariables(t *testing.T) {
	t.Parallel()
	const def = `{"StartAt":"Set","States":{
		"Set":{"Type":"Pass","Assign":{"k":5},"Next":"Each"},
		"Each":{"Type":"Map","MaxConcurrency":1,"ItemsPath":"$.items","ResultPath":"$.answers","Next":"Read","ItemProcessor":{"StartAt":"Ask","States":{
			"Ask":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"item.$":"$","k.$":"$k"},"ResultPath":"$","End":true}}}},
		"Read":{"Type":"Pass","Parameters":{"k.$":"$k","answers.$":"$.answers"},"End":true}}}`
	h := newHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	in := startInput(mustParse(t, def), `{"items":[1,2]}`)
	if err := h.eng.Start(ctx, in); err != nil {
		t.Fatal(err)
	}
	first := h.rec.waitFor(t, runtime.TaskSubmitted)
	h, history := restart(t, h, cancel, in.ExecutionARN)
	resume(t, h, def, history)
	// The first iteration's task waits again with the token handed out before the restart.
	if err := h.eng.SendTaskSuccess(first.Details.TaskToken, json.RawMessage(`"yes"`)); err != nil {
		t.Fatalf("the token from before the restart: %v", err)
	}
	ev := h.rec.waitFor(t, runtime.TaskSubmitted)
	if err := h.eng.SendTaskSuccess(ev.Details.TaskToken, json.RawMessage(`"yes"`)); err != nil {
		t.Fatal(err)
	}
	last := h.last(t, in.ExecutionARN)
	if last.Type != runtime.ExecutionSucceeded || last.Details.Output != `{"k":5,"answers":["yes","yes"]}` {
		t.Fatalf("ended with %s %s", last.Type, last.Details.Output)
	}
	events := h.rec.history(in.ExecutionARN)
	checkNumbering(t, events)
	for typ, want := range map[runtime.EventType]int{runtime.MapStateEntered: 1, runtime.MapStateStarted: 1,
		runtime.MapIterationStarted: 2, runtime.TaskScheduled: 2, runtime.MapIterationSucceeded: 2} {
		if got := countType(events, typ); got != want {
			t.Errorf("%s %d times, want %d:\n%s", typ, got, want, formatHistory(events))
		}
	}
}

func TestResumeAfterACaughtParallelTakesTheCatcher(t *testing.T) {
	t.Parallel()
	const def = `{"StartAt":"Fork","States":{
		"Fork":{"Type":"Parallel","Next":"Normal","Branches":[{"StartAt":"Boom","States":{"Boom":{"Type":"Fail","Error":"Custom.X"}}}],
			"Catch":[{"ErrorEquals":["Other"],"Next":"Normal"},{"ErrorEquals":["Custom.X"],"Assign":{"err.$":"$.Error"},"Next":"Handled"}]},
		"Normal":{"Type":"Pass","Result":"normal","End":true},
		"Handled":{"Type":"Pass","Parameters":{"err.$":"$err"},"End":true}}}`
	at := testStart
	history := []runtime.Event{
		{ID: 1, Type: runtime.ExecutionStarted, Timestamp: at, Details: runtime.EventDetails{Input: `{}`}},
		{ID: 2, Type: runtime.ParallelStateEntered, State: "Fork", Timestamp: at, Details: runtime.EventDetails{Name: "Fork", Input: `{}`}},
		{ID: 3, PreviousEventID: 2, Type: runtime.ParallelStateStarted, State: "Fork", Timestamp: at},
		{ID: 4, PreviousEventID: 3, Type: runtime.FailStateEntered, State: "Boom", Timestamp: at, Details: runtime.EventDetails{Name: "Boom", Input: `{}`}},
		{ID: 5, PreviousEventID: 4, Type: runtime.ParallelStateFailed, State: "Fork", Timestamp: at, Details: runtime.EventDetails{Error: "Custom.X"}},
		{ID: 6, PreviousEventID: 5, Type: runtime.ParallelStateExited, State: "Fork", Timestamp: at,
			Details: runtime.EventDetails{Name: "Fork", Output: `{"Error":"Custom.X"}`, AssignedVariables: map[string]string{"err": `"Custom.X"`}}},
	}
	h := newHarness(t)
	arn := startInput(nil, "").ExecutionARN
	h.rec.events[arn] = history
	resume(t, h, def, history)
	last := h.last(t, arn)
	if last.Type != runtime.ExecutionSucceeded || last.Details.Output != `{"err":"Custom.X"}` {
		t.Fatalf("ended with %s %s:\n%s", last.Type, last.Details.Output, formatHistory(h.rec.history(arn)))
	}
	checkNumbering(t, h.rec.history(arn))
}

// BenchmarkMapIteration runs an inline Map of 1000 items (ItemSelector and a Pass state
// each, no bound of its own) with no recorder, and reports the cost of one iteration.
func BenchmarkMapIteration(b *testing.B) {
	def, err := runtime.Parse([]byte(`{"StartAt":"Each","States":{"Each":{"Type":"Map","ItemsPath":"$.items","End":true,
		"ItemSelector":{"i.$":"$$.Map.Item.Index","v.$":"$$.Map.Item.Value"},
		"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"double.$":"$.v"},"End":true}}}}}}`))
	if err != nil {
		b.Fatal(err)
	}
	items := make([]string, 1000)
	for i := range items {
		items[i] = fmt.Sprint(i)
	}
	input := json.RawMessage(`{"items":[` + strings.Join(items, ",") + `]}`)
	eng := runtime.NewEngine(runtime.EngineConfig{Clock: fakeclock.NewVirtual(testStart)})
	for b.Loop() {
		res, err := eng.Run(context.Background(), startInput(def, string(input)))
		if err != nil || res.Status != runtime.StatusSucceeded {
			b.Fatal(res, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(items)), "ns/iteration")
}

func TestMapItemBatcherByBytes(t *testing.T) {
	t.Parallel()
	// {"Items":[]} is 12 bytes, each item "aaaa" 6 more, and a comma between items 1.
	for _, tt := range []struct {
		limit string
		want  string
	}{
		{`"MaxInputBytesPerBatch":25`, `[{"Items":["aaaa","bbbb"]},{"Items":["cccc"]}]`},
		{`"MaxInputBytesPerBatch":24`, `[{"Items":["aaaa"]},{"Items":["bbbb"]},{"Items":["cccc"]}]`},
		{`"MaxInputBytesPerBatchPath":"$.bytes","MaxItemsPerBatch":1`, `[{"Items":["aaaa"]},{"Items":["bbbb"]},{"Items":["cccc"]}]`},
		// An item too big for any batch still gets a batch of its own.
		{`"MaxInputBytesPerBatch":10`, `[{"Items":["aaaa"]},{"Items":["bbbb"]},{"Items":["cccc"]}]`},
	} {
		t.Run(tt.limit, func(t *testing.T) {
			t.Parallel()
			def := `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","End":true,"ItemBatcher":{` + tt.limit + `},
				"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}`
			res, _ := runWith(t, nil, def, `{"bytes":1000,"items":["aaaa","bbbb","cccc"]}`)
			if res.Status != runtime.StatusSucceeded || string(res.Output) != tt.want {
				t.Errorf("result %s %s %s, want %s", res.Status, res.Output, res.Cause, tt.want)
			}
		})
	}
}
