package runtime_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/fakeclock"
)

// parking keeps what the engine lets go, as the studio's store would.
type parking struct {
	mu     sync.Mutex
	wakeAt map[string]time.Time
}

func (p *parking) Park(_ context.Context, arn string, wakeAt time.Time) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.wakeAt[arn] = wakeAt
	return nil
}

func (p *parking) at(arn string) (time.Time, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	t, ok := p.wakeAt[arn]
	return t, ok
}

func TestASleepingExecutionIsLetGoAndWokenOnTime(t *testing.T) {
	t.Parallel()
	const def = `{"StartAt":"Before","States":{"Before":{"Type":"Pass","Result":{"n":1},"Next":"Nap"},
		"Nap":{"Type":"Wait","Seconds":3600,"Next":"After"},"After":{"Type":"Pass","Parameters":{"m.$":"$.n"},"End":true}}}`
	clock := fakeclock.New(testStart)
	rec := newRecorder()
	p := &parking{wakeAt: map[string]time.Time{}}
	eng := runtime.NewEngine(runtime.EngineConfig{Clock: clock, Recorder: rec, Parker: p, ParkAfter: time.Minute})
	in := startInput(mustParse(t, def), `{}`)
	if err := eng.Start(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	eng.Wait() // the run ends at the Wait: nothing of it is left running
	wake, ok := p.at(in.ExecutionARN)
	if !ok || !wake.Equal(testStart.Add(time.Hour)) {
		t.Fatalf("parked %v until %v, want until an hour after the start", ok, wake)
	}
	history := rec.history(in.ExecutionARN)
	if last := history[len(history)-1]; last.Type != runtime.WaitStateEntered {
		t.Fatalf("the history ends with %s, want the Wait's entry:\n%s", last.Type, formatHistory(history))
	}

	// Woken when due, as the studio's waker does: the run goes on from its history.
	clock.Advance(time.Hour)
	if err := eng.Resume(context.Background(), in, history); err != nil {
		t.Fatal(err)
	}
	eng.Wait()
	events := rec.history(in.ExecutionARN)
	checkNumbering(t, events)
	last := events[len(events)-1]
	if last.Type != runtime.ExecutionSucceeded || last.Details.Output != `{"m":1}` {
		t.Fatalf("ended with %s %s", last.Type, last.Details.Output)
	}
	if exited := only(t, events, runtime.WaitStateExited); !exited.Timestamp.Equal(testStart.Add(time.Hour)) {
		t.Errorf("the Wait ended at %v, want an hour after it began", exited.Timestamp)
	}
}

func TestRunsThatMustStayInMemoryAreNotLetGo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, definition string
		keep             bool
	}{
		{"a Wait inside a Map: its siblings run on", `{"StartAt":"Each","States":{"Each":{"Type":"Map","ItemsPath":"$.items","End":true,
			"ItemProcessor":{"StartAt":"Nap","States":{"Nap":{"Type":"Wait","Seconds":3600,"End":true}}}}}}`, false},
		{"a short Wait", `{"StartAt":"Nap","States":{"Nap":{"Type":"Wait","Seconds":5,"End":true}}}`, false},
		{"a run kept in memory", `{"StartAt":"Nap","States":{"Nap":{"Type":"Wait","Seconds":3600,"End":true}}}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := newRecorder()
			p := &parking{wakeAt: map[string]time.Time{}}
			eng := runtime.NewEngine(runtime.EngineConfig{Clock: fakeclock.NewVirtual(testStart), Recorder: rec, Parker: p, ParkAfter: time.Minute})
			in := startInput(mustParse(t, tt.definition), `{"items":[1,2]}`)
			in.KeepInMemory = tt.keep
			if err := eng.Start(context.Background(), in); err != nil {
				t.Fatal(err)
			}
			eng.Wait()
			if _, ok := p.at(in.ExecutionARN); ok {
				t.Errorf("the run was let go")
			}
			if last := rec.history(in.ExecutionARN); last[len(last)-1].Type != runtime.ExecutionSucceeded {
				t.Errorf("ended with %s", last[len(last)-1].Type)
			}
		})
	}
}
