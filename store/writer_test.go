package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/store"
)

// executions creates n running executions of one machine and returns their ARNs.
func executions(t testing.TB, db *store.DB, n int) []string {
	t.Helper()
	ctx := context.Background()
	m, err := db.CreateMachine(ctx, resource.StateMachine{Name: "w", ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:w",
		Definition: []byte(`{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`)})
	if err != nil {
		t.Fatal(err)
	}
	arns := make([]string, n)
	for i := range arns {
		arns[i] = fmt.Sprintf("%s:run-%d", m.ARN, i)
		if _, err := db.CreateExecution(ctx, resource.Execution{ARN: arns[i], Name: fmt.Sprint("run-", i),
			StateMachineID: m.ID, VersionID: m.VersionID, Input: []byte("{}"), StartedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	return arns
}

func TestWriterCommitsEveryExecutionsEventsInOrder(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	arns := executions(t, db, 8)
	w := store.NewWriter(db)
	var mu sync.Mutex
	heard := map[string][]int64{}
	w.OnCommit = func(arn string, events ...runtime.Event) {
		mu.Lock()
		defer mu.Unlock()
		for _, ev := range events {
			heard[arn] = append(heard[arn], ev.ID)
		}
	}
	const perExecution = 500
	var wg sync.WaitGroup
	for _, arn := range arns {
		wg.Go(func() {
			ctx := context.Background()
			for id := int64(1); id <= perExecution; id++ {
				ev := runtime.Event{ID: id, PreviousEventID: id - 1, Type: runtime.PassStateEntered, State: "P", Timestamp: time.Now()}
				if err := w.Record(ctx, arn, ev); err != nil {
					t.Error(err)
					return
				}
				// Now and then the execution waits for what it recorded, as before a task call.
				if id%97 == 0 {
					if err := w.Flush(ctx, arn); err != nil {
						t.Error(err)
						return
					}
					if n := storedCount(t, db, arn); n < id {
						t.Errorf("%s: %d events stored after a flush at event %d", arn, n, id)
					}
				}
			}
		})
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for _, arn := range arns {
		if n := storedCount(t, db, arn); n != perExecution {
			t.Errorf("%s: %d events stored, want %d", arn, n, perExecution)
		}
		ids := heard[arn]
		for i, id := range ids {
			if id != int64(i+1) {
				t.Fatalf("%s: OnCommit heard event %d in place %d", arn, id, i+1)
			}
		}
		if len(ids) != perExecution {
			t.Errorf("%s: OnCommit heard %d events", arn, len(ids))
		}
	}
	if err := w.Record(context.Background(), arns[0], runtime.Event{ID: perExecution + 1}); err == nil {
		t.Error("a closed writer took an event")
	}
}

func TestWriterFailsForGoodAfterACommitFails(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	w := store.NewWriter(db)
	defer w.Close()
	ctx := context.Background()
	// No such execution: the commit fails, and so does everything after it.
	if err := w.Record(ctx, "arn:nothing", runtime.Event{ID: 1, Type: runtime.ExecutionStarted}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(ctx, "arn:nothing"); err == nil {
		t.Fatal("the flush after a failed commit succeeded")
	}
	if err := w.Record(ctx, "arn:nothing", runtime.Event{ID: 2}); err == nil {
		t.Fatal("a failed writer took an event")
	}
}

func storedCount(t testing.TB, db *store.DB, arn string) int64 {
	t.Helper()
	var n int64
	ctx := context.Background()
	execs, err := db.FindRunningExecutions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range execs {
		if e.ARN == arn {
			events, err := db.FindEvents(ctx, e.ID, 0)
			if err != nil {
				t.Fatal(err)
			}
			n = int64(len(events))
		}
	}
	return n
}

// BenchmarkWriter is history events of 64 executions at once through the writer, as
// transitions of Pass states (about 300 bytes each): events/s is what the group commit
// sustains on this machine's SQLite.
func BenchmarkWriter(b *testing.B) {
	db, err := store.Open(context.Background(), b.TempDir()+"/bench.db", store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	arns := executions(b, db, 64)
	w := store.NewWriter(db)
	input := `{"orderId":"o-1","amount":250,"items":["a","b","c"],"customer":{"name":"Ann","tier":"gold"}}`
	b.ResetTimer()
	var wg sync.WaitGroup
	per := b.N/len(arns) + 1
	for _, arn := range arns {
		wg.Go(func() {
			ctx := context.Background()
			for id := int64(1); id <= int64(per); id++ {
				ev := runtime.Event{ID: id, PreviousEventID: id - 1, Type: runtime.PassStateEntered, State: "P",
					Timestamp: time.Now(), Details: runtime.EventDetails{Name: "P", Input: input}}
				if err := w.Record(ctx, arn, ev); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(per*len(arns))/b.Elapsed().Seconds(), "events/s")
}

func TestWriterJobThatFailsIsUndoneAlone(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	arns := executions(t, db, 1)
	w := store.NewWriter(db)
	defer w.Close()
	ctx := context.Background()
	if err := w.Record(ctx, arns[0], runtime.Event{ID: 1, Type: runtime.ExecutionStarted, Timestamp: time.Now()}); err != nil {
		t.Fatal(err)
	}
	// The same ARN again, through the writer (CreateExecution uses it while it runs).
	m, err := db.FindMachine(ctx, "w")
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.CreateExecution(ctx, resource.Execution{ARN: arns[0], Name: "again", StateMachineID: m.ID, VersionID: m.VersionID,
		Input: []byte("{}"), StartedAt: time.Now()})
	if !errors.Is(err, store.ErrExists) {
		t.Fatalf("a second execution with the ARN: %v, want ErrExists", err)
	}
	if err := w.Flush(ctx, arns[0]); err != nil {
		t.Fatalf("the batch beside the failed job: %v", err)
	}
	if n := storedCount(t, db, arns[0]); n != 1 {
		t.Errorf("%d events stored, want the one recorded beside the failed job", n)
	}
}

// BenchmarkWriterFlush1024 is 1,024 executions at once, each recording the 42 events of a
// 20-state chain and then waiting for them (a flush, as before an acknowledgement): the flush
// latency is how long an acknowledgement waits for its batch to commit.
func BenchmarkWriterFlush1024(b *testing.B) {
	db, err := store.Open(context.Background(), b.TempDir()+"/bench.db", store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const n = 1024
	arns := executions(b, db, n)
	w := store.NewWriter(db)
	defer w.Close()
	var mu sync.Mutex
	var waits []time.Duration
	for round := range b.N {
		var wg sync.WaitGroup
		for _, arn := range arns {
			wg.Go(func() {
				ctx := context.Background()
				for id := int64(round*42 + 1); id <= int64(round*42+42); id++ {
					ev := runtime.Event{ID: id, PreviousEventID: id - 1, Type: runtime.PassStateExited, State: "S",
						Timestamp: time.Now(), Details: runtime.EventDetails{Name: "S", Output: `{"order":7,"last":{"step":3}}`}}
					if err := w.Record(ctx, arn, ev); err != nil {
						b.Error(err)
						return
					}
				}
				t0 := time.Now()
				if err := w.Flush(ctx, arn); err != nil {
					b.Error(err)
				}
				mu.Lock()
				waits = append(waits, time.Since(t0))
				mu.Unlock()
			})
		}
		wg.Wait()
	}
	slices.Sort(waits)
	q := func(f float64) float64 {
		return float64(waits[min(len(waits)-1, int(f*float64(len(waits))))].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.5), "flush-p50-ms")
	b.ReportMetric(q(0.99), "flush-p99-ms")
	b.ReportMetric(float64(42*n*b.N)/b.Elapsed().Seconds(), "events/s")
}

// TestWriterCountsCommitWaits: each flush and job is one acknowledgement whose wait is noted.
func TestWriterCountsCommitWaits(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	arns := executions(t, db, 1)
	w := store.NewWriter(db)
	defer w.Close()
	ctx := context.Background()
	if err := w.Record(ctx, arns[0], runtime.Event{ID: 1, Type: runtime.ExecutionStarted, Timestamp: time.Now()}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := w.Flush(ctx, arns[0]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Do(ctx, func(*sql.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if n, p50, p99 := w.CommitWaits(); n != 4 || p50 <= 0 || p99 < p50 {
		t.Errorf("commit waits: %d, p50 %s, p99 %s; want 4, p50 above 0, p99 at least p50", n, p50, p99)
	}
}
