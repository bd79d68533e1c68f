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

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/fakeclock"
)

// A crash, as the runtime sees one: the history stops at some event and the process is gone.
// These tests crash an execution after every event it records, in turn, then resume it from
// the history so far in a fresh engine (the studio's restart) and check what a restart
// promises: the execution ends as it would have without the crash, nothing that finished runs
// again, every Wait keeps its deadline and every callback token handed out still works.

// errCrashed is what recording says once the process has "died".
var errCrashed = errors.New("the process died")

// crashRecorder keeps the first `after` events and refuses the rest; once it refuses, the
// run is as good as dead.
type crashRecorder struct {
	*recorder
	mu    sync.Mutex
	after int
	kept  int
}

func (c *crashRecorder) Record(ctx context.Context, arn string, ev runtime.Event) error {
	c.mu.Lock()
	if c.after > 0 && c.kept >= c.after {
		c.mu.Unlock()
		return errCrashed
	}
	c.kept++
	c.mu.Unlock()
	return c.recorder.Record(ctx, arn, ev)
}

// answerer decides every callback task it hears of with {"answer": N}, N counting from 1 in
// the order the tokens are first seen, and tokens it is given from before a restart.
type answerer struct {
	eng *runtime.Engine
	mu  sync.Mutex
	n   int
}

func (a *answerer) answer(token string) {
	a.mu.Lock()
	a.n++
	out := fmt.Sprintf(`{"answer": %q}`, token)
	a.mu.Unlock()
	// A token decided already, or of a task that no longer waits, is refused: fine.
	a.eng.SendTaskSuccess(token, json.RawMessage(out))
}

// listen answers the TaskSubmitted events rec hears until done is closed.
func (a *answerer) listen(rec *recorder, done <-chan struct{}) {
	for {
		select {
		case ev := <-rec.seen:
			if ev.Type == runtime.TaskSubmitted && ev.Details.TaskToken != "" {
				go a.answer(ev.Details.TaskToken)
			}
		case <-done:
			return
		}
	}
}

// crashRun runs def with input, crashing after `after` events (0: never), and then, when it
// crashed, resumes it from what was recorded in a fresh engine a second later. It returns
// the whole history and the event count at the crash.
func crashRun(t *testing.T, def *runtime.Definition, input string, after int) []runtime.Event {
	t.Helper()
	in := startInput(def, input)
	in.StateMachineType = "STANDARD"
	rec := &crashRecorder{recorder: newRecorder(), after: after}
	clock := fakeclock.NewVirtual(testStart)
	eng := runtime.NewEngine(runtime.EngineConfig{Clock: clock, Recorder: rec, Invoker: &testInvoker{},
		NewToken: prefixedTokens("before-")})
	a := &answerer{eng: eng}
	done := make(chan struct{})
	go a.listen(rec.recorder, done)
	if err := eng.Start(context.Background(), in); err != nil {
		close(done)
		if after > 0 && errors.Is(err, errCrashed) {
			return nil // crashed before it started: nothing was acknowledged
		}
		t.Fatal(err)
	}
	eng.Wait()
	close(done)
	history := rec.history(in.ExecutionARN)
	if after == 0 || len(history) < after || history[len(history)-1].Type.EndsExecution() {
		return history // it ended before the crash point
	}

	// The restart: a new engine resumes from the history.
	rec2 := newRecorder()
	rec2.events[in.ExecutionARN] = append([]runtime.Event(nil), history...)
	// (The dead process's virtual clock ran on; the restart comes a second after its last
	// event, sooner than any Wait here ends.)
	restart := history[len(history)-1].Timestamp.Add(time.Second)
	eng2 := runtime.NewEngine(runtime.EngineConfig{Clock: fakeclock.NewVirtual(restart),
		Recorder: rec2, Invoker: &testInvoker{}, NewToken: prefixedTokens("after-")})
	a2 := &answerer{eng: eng2}
	done2 := make(chan struct{})
	go a2.listen(rec2, done2)
	defer close(done2)
	if err := eng2.Resume(context.Background(), in, history); err != nil {
		t.Fatalf("resume after event %d: %v\n%s", after, err, formatHistory(history))
	}
	// The tokens handed out before the crash still decide their tasks.
	for _, ev := range history {
		if ev.Type == runtime.TaskSubmitted && ev.Details.TaskToken != "" {
			go a2.answer(ev.Details.TaskToken)
		}
	}
	eng2.Wait()
	return rec2.history(in.ExecutionARN)
}

// prefixedTokens makes predictable task tokens that say which engine made them.
func prefixedTokens(prefix string) func() (string, error) {
	var mu sync.Mutex
	n := 0
	return func() (string, error) {
		mu.Lock()
		defer mu.Unlock()
		n++
		return fmt.Sprintf("%s%d", prefix, n), nil
	}
}

func TestResumeAfterACrashAtEveryEvent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, definition, input string
		// check adds what the case promises beyond the common checks.
		check func(t *testing.T, events []runtime.Event)
	}{
		{
			name: "a Wait between two Passes keeps its deadline",
			definition: `{"StartAt":"Before","States":{"Before":{"Type":"Pass","Next":"Pause"},
				"Pause":{"Type":"Wait","Seconds":3,"Next":"After"},"After":{"Type":"Pass","End":true}}}`,
			input: `{"n": 1}`,
			check: func(t *testing.T, events []runtime.Event) {
				entered, exited := only(t, events, runtime.WaitStateEntered), only(t, events, runtime.WaitStateExited)
				if d := exited.Timestamp.Sub(entered.Timestamp); d != 3*time.Second {
					t.Errorf("the Wait lasted %v, want 3s from its entry", d)
				}
			},
		},
		{
			name: "a Map of 30 Waits, 5 at a time, runs each iteration once",
			definition: `{"StartAt":"Each","States":{"Each":{"Type":"Map","MaxConcurrency":5,"ItemsPath":"$.items",
				"ItemProcessor":{"StartAt":"Pause","States":{"Pause":{"Type":"Wait","Seconds":1,"Next":"Done"},
				"Done":{"Type":"Pass","Parameters":{"item.$":"$"},"End":true}}},"End":true}}}`,
			input: `{"items": [` + strings.TrimSuffix(strings.Repeat("7,", 30), ",") + `]}`,
			check: func(t *testing.T, events []runtime.Event) {
				for typ, want := range map[runtime.EventType]int{runtime.MapIterationStarted: 30, runtime.MapIterationSucceeded: 30,
					runtime.WaitStateEntered: 30, runtime.WaitStateExited: 30, runtime.PassStateExited: 30} {
					if got := countType(events, typ); got != want {
						t.Errorf("%s %d times, want %d", typ, got, want)
					}
				}
				iterationsOnce(t, events)
			},
		},
		{
			name: "a Parallel of three branches of Waits runs each branch once",
			definition: `{"StartAt":"All","States":{"All":{"Type":"Parallel","End":true,"Branches":[
				{"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":1,"Next":"A2"},"A2":{"Type":"Pass","Result":"a","End":true}}},
				{"StartAt":"B","States":{"B":{"Type":"Wait","Seconds":2,"Next":"B2"},"B2":{"Type":"Pass","Result":"b","End":true}}},
				{"StartAt":"C","States":{"C":{"Type":"Wait","Seconds":3,"End":true}}}]}}}`,
			input: `{}`,
			check: func(t *testing.T, events []runtime.Event) {
				for _, state := range []string{"A", "A2", "B", "B2", "C"} {
					if n := countState(events, state, "StateEntered"); n != 1 {
						t.Errorf("%s entered %d times, want once", state, n)
					}
				}
			},
		},
		{
			name: "a Map of three callback tasks: tokens from before the crash still decide them",
			definition: `{"StartAt":"Each","States":{"Each":{"Type":"Map","ItemsPath":"$.items","End":true,
				"ItemProcessor":{"StartAt":"Ask","States":{"Ask":{"Type":"Task","End":true,
				"Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"item.$":"$","token.$":"$$.Task.Token"},
				"ResultSelector":{"ok":true},
				"Retry":[{"ErrorEquals":["States.TaskFailed"],"MaxAttempts":1,"IntervalSeconds":1}]}}}}}}`,
			input: `{"items": [1, 2, 3]}`,
			check: func(t *testing.T, events []runtime.Event) {
				// A call in flight at the crash fails (States.TaskFailed) and its Retry calls again.
				if s, f := countType(events, runtime.TaskScheduled), countType(events, runtime.TaskFailed); s != 3+f {
					t.Errorf("%d tasks scheduled with %d failures, want 3 and one per failure", s, f)
				}
				iterationsOnce(t, events)
			},
		},
		{
			name: "a task retried twice then caught is called three times in all",
			definition: `{"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:fail",
				"Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":2,"IntervalSeconds":1}],
				"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"Caught"}],"End":true},
				"Caught":{"Type":"Pass","Parameters":{"caught":true},"End":true}}}`,
			input: `{}`,
			check: func(t *testing.T, events []runtime.Event) {
				// A Lambda function's own ARN: AWS's LambdaFunction* events.
				if n := countType(events, runtime.LambdaFunctionScheduled); n != 3 {
					t.Errorf("the function was scheduled %d times, want 3 (a call and two retries)", n)
				}
			},
		},
		{
			name: "a Map of Parallels with variables",
			definition: `{"StartAt":"Set","States":{"Set":{"Type":"Pass","Assign":{"base":10},"Next":"Each"},
				"Each":{"Type":"Map","MaxConcurrency":2,"ItemsPath":"$.items","End":true,"ItemProcessor":{"StartAt":"Mark","States":{
				"Mark":{"Type":"Pass","Assign":{"mine.$":"$"},"Next":"Both"},
				"Both":{"Type":"Parallel","End":true,"Branches":[
					{"StartAt":"L","States":{"L":{"Type":"Wait","Seconds":1,"Next":"L2"},"L2":{"Type":"Pass","Parameters":{"v.$":"$mine","b.$":"$base"},"End":true}}},
					{"StartAt":"R","States":{"R":{"Type":"Pass","Parameters":{"r.$":"$mine"},"End":true}}}]}}}}}}`,
			input: `{"items": [1, 2, 3]}`,
			check: func(t *testing.T, events []runtime.Event) {
				if n := countType(events, runtime.ParallelStateEntered); n != 3 {
					t.Errorf("the Parallel was entered %d times, want once per item", n)
				}
				iterationsOnce(t, events)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			def := mustParse(t, tt.definition)
			reference := crashRun(t, def, tt.input, 0)
			want := reference[len(reference)-1]
			if want.Type != runtime.ExecutionSucceeded {
				t.Fatalf("the run without a crash ended with %s:\n%s", want.Type, formatHistory(reference))
			}
			tt.check(t, reference)
			for after := 1; after < len(reference); after++ {
				events := crashRun(t, def, tt.input, after)
				if events == nil {
					continue
				}
				ok := t.Run(fmt.Sprintf("crash after event %d", after), func(t *testing.T) {
					checkNumbering(t, events)
					last := events[len(events)-1]
					if last.Type != runtime.ExecutionSucceeded || last.Details.Output != want.Details.Output {
						t.Fatalf("ended with %s %s, want %s %s", last.Type, last.Details.Output, want.Type, want.Details.Output)
					}
					tt.check(t, events)
				})
				if !ok {
					t.Logf("the history after the crash after event %d:\n%s", after, formatHistory(events))
					return
				}
			}
		})
	}
}

// only is the one event of type typ, failing unless there is exactly one.
func only(t *testing.T, events []runtime.Event, typ runtime.EventType) runtime.Event {
	t.Helper()
	var found []runtime.Event
	for _, ev := range events {
		if ev.Type == typ {
			found = append(found, ev)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d %s events, want one", len(found), typ)
	}
	return found[0]
}

// countState counts the events of state whose type ends with suffix.
func countState(events []runtime.Event, state, suffix string) int {
	n := 0
	for _, ev := range events {
		if ev.State == state && strings.HasSuffix(string(ev.Type), suffix) {
			n++
		}
	}
	return n
}

// iterationsOnce fails when a Map's iteration of one index started or succeeded twice in one
// visit of the Map.
func iterationsOnce(t *testing.T, events []runtime.Event) {
	t.Helper()
	seen := map[string]int{}
	visit := map[string]int{}
	for _, ev := range events {
		switch ev.Type {
		case runtime.MapStateEntered:
			visit[ev.State]++
		case runtime.MapIterationStarted, runtime.MapIterationSucceeded:
			key := fmt.Sprintf("%s visit %d %s #%d", ev.State, visit[ev.State], ev.Type, *ev.Details.Index)
			if seen[key]++; seen[key] > 1 {
				t.Errorf("%s twice", key)
			}
		}
	}
}
