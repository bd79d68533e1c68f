package lifecycle_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/fakeclock"
	"github.com/stepstudio/stepstudio/runtime/lifecycle"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/store"
)

var testStart = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// studio is the lifecycle as the studio wires it: a real SQLite file, its history writer,
// a manual clock.
type studio struct {
	db     *store.DB
	writer *store.Writer
	l      *lifecycle.Executions
	stop   context.CancelFunc
	waking chan struct{}
}

func open(t *testing.T, path string, clock runtime.Clock) *studio {
	t.Helper()
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &studio{db: db, writer: store.NewWriter(db), stop: cancel, waking: make(chan struct{})}
	s.l = lifecycle.New(lifecycle.Config{Store: db, Clock: clock, Recorder: s.writer, ParkAfter: time.Minute,
		MaxHistoryEvents: runtime.DefaultMaxHistoryEvents, RunContext: ctx})
	if err := s.l.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(s.waking)
		s.l.WakeSleepers(ctx)
	}()
	return s
}

// close stops the studio as serve does: the runs where they are, then the writer.
func (s *studio) close() {
	s.stop()
	<-s.waking
	s.l.Wait()
	s.writer.Close()
	s.db.Close()
}

const napDefinition = `{"StartAt":"Before","States":{"Before":{"Type":"Pass","Result":{"n":1},"Next":"Nap"},
	"Nap":{"Type":"Wait","Seconds":3600,"Next":"After"},"After":{"Type":"Pass","Parameters":{"m.$":"$.n"},"End":true}}}`

// TestTenThousandSleepingExecutionsHoldNoGoroutine starts 10,000 executions that each wait
// an hour, checks that sleeping they hold no goroutine, restarts the studio and checks that
// they wake when the hour is over and end as they should, each Wait lasting its hour.
func TestTenThousandSleepingExecutionsHoldNoGoroutine(t *testing.T) {
	n := 10_000
	if testing.Short() {
		n = 500
	}
	path := filepath.Join(t.TempDir(), "studio.db")
	clock := fakeclock.New(testStart)
	s := open(t, path, clock)
	ctx := context.Background()
	m, err := s.db.CreateMachine(ctx, resource.StateMachine{Name: "Nap", ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:Nap",
		Definition: []byte(napDefinition)})
	if err != nil {
		t.Fatal(err)
	}
	before := goruntime.NumGoroutine()
	started := time.Now()
	var wg sync.WaitGroup
	next := make(chan int)
	for range 32 {
		wg.Go(func() {
			for i := range next {
				name := fmt.Sprint("nap-", i)
				if _, err := s.l.Start(ctx, m, "arn:aws:states:us-east-1:123456789012:execution:Nap:"+name, name, []byte(`{}`)); err != nil {
					t.Error(err)
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	s.l.Wait() // every run has ended at its Wait
	running, err := s.db.FindRunningExecutions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sleeping := 0
	for _, e := range running {
		if e.WakeAt.Equal(e.StartedAt.Add(time.Hour).Truncate(time.Millisecond)) {
			sleeping++
		}
	}
	goruntime.GC()
	var mem goruntime.MemStats
	goruntime.ReadMemStats(&mem)
	t.Logf("%d executions started in %v; asleep: %d running executions, %d goroutines (%d before), heap %.1f MB, %s",
		n, time.Since(started).Round(time.Millisecond), len(running), goruntime.NumGoroutine(), before, float64(mem.HeapAlloc)/1e6, peakRSS())
	if len(running) != n || sleeping != n {
		t.Fatalf("%d running, %d of them asleep until an hour after their start; want %d", len(running), sleeping, n)
	}
	if g := goruntime.NumGoroutine(); g > before+20 {
		t.Errorf("%d goroutines while %d executions sleep (%d before): sleeping should cost none", g, n, before)
	}
	s.close()

	// The restart, an hour later: every one wakes and ends.
	clock.Advance(time.Hour)
	s = open(t, path, clock)
	defer s.close()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		running, err := s.db.FindRunningExecutions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(running) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d executions still running two minutes after they were due", len(running))
		}
		time.Sleep(20 * time.Millisecond) // polling the store for work done on other goroutines
	}
	for _, id := range []int64{1, int64(n / 2), int64(n)} {
		e, err := s.db.FindExecution(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		events, err := s.db.FindEvents(ctx, id, 0)
		if err != nil {
			t.Fatal(err)
		}
		var entered, exited time.Time
		for _, ev := range events {
			switch ev.Type {
			case runtime.WaitStateEntered:
				entered = ev.Timestamp
			case runtime.WaitStateExited:
				exited = ev.Timestamp
			}
		}
		if e.Status != runtime.StatusSucceeded || string(e.Output) != `{"m":1}` || exited.Sub(entered) != time.Hour {
			t.Errorf("execution %d: %s %s, its Wait lasted %v, want SUCCEEDED {\"m\":1} after an hour", id, e.Status, e.Output, exited.Sub(entered))
		}
	}
}

// peakRSS is this process's peak resident set, as Linux reports it.
func peakRSS() string {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "peak RSS unknown"
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return "peak RSS " + strings.TrimSpace(v)
		}
	}
	return "peak RSS unknown"
}
