package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// seedFinished stores executions finished FAILED (ids 1 to n, stopped_at
// equal to their id) with history events of about 300 bytes each and one callback task,
// then a RUNNING execution (id n+1) waiting on the newest task.
func seedFinished(tb testing.TB, n, history int) *DB {
	tb.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(tb.TempDir(), "test.db"), Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	for _, q := range []string{
		`INSERT INTO state_machines (id, name, arn, created_at, updated_at) VALUES (1, 'm', 'arn:m', 0, 0)`,
		`INSERT INTO state_machine_versions (id, machine_id, version, definition, created_at) VALUES (1, 1, 1, '{}', 0)`,
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1 + 1)
		INSERT INTO executions (id, arn, name, machine_id, version_id, status, input, started_at, stopped_at)
		SELECT i, 'arn:' || i, i, 1, 1, iif(i > ?1, 'RUNNING', 'FAILED'), '{}', 0, iif(i > ?1, NULL, i) FROM n`,
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1 + 1)
		INSERT INTO callback_tasks (token, execution_id, state, resource, parameters, status, created_at)
		SELECT 'tok-' || i, i, 'Approve', 'sqs', '{}', iif(i > ?1, 'WAITING', 'CANCELLED'), 0 FROM n`,
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1),
			h(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM h WHERE j < ?2)
		INSERT INTO events (execution_id, id, previous_id, type, state, timestamp, details)
		SELECT i, j, j - 1, 'PassStateEntered', 'Step', 0, hex(randomblob(140)) FROM n, h`,
	} {
		if _, err := db.sql.ExecContext(ctx, q, n, history); err != nil {
			tb.Fatal(err)
		}
	}
	return db
}

// TestBatchStopsAtItsEvents: long histories make smaller batches, so that one transaction
// never deletes far more than batchEvents events.
func TestBatchStopsAtItsEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const history = 30_000 // two histories pass batchEvents
	db := seedFinished(t, 3, history)
	n, events, err := db.deleteBatch(ctx, 10, 0)
	if err != nil || n != 2 || events != 2*history {
		t.Fatalf("first batch: %d executions, %d events (%v), want 2 and %d", n, events, err, 2*history)
	}
	n, events, err = db.DeleteExecutions(ctx, Retention{Keep: 1})
	if err != nil || n != 0 || events != 0 {
		t.Fatalf("keep 1 after it: %d executions, %d events (%v), want none", n, events, err)
	}
	n, events, err = db.DeleteExecutions(ctx, Retention{Before: fromMillis(10)})
	if err != nil || n != 1 || events != history {
		t.Fatalf("the rest: %d executions, %d events (%v), want 1 and %d", n, events, err, history)
	}
}

// BenchmarkDeleteExecutions prunes 10,000 finished executions of 20 events (and a callback
// task) each, batch by batch, and reports the longest batch: how long the prune holds the
// write lock at a time.
func BenchmarkDeleteExecutions(b *testing.B) {
	ctx := context.Background()
	const executions, history = 10_000, 20
	for b.Loop() {
		b.StopTimer()
		db := seedFinished(b, executions, history)
		b.StartTimer()
		var deleted, events int64
		var longest time.Duration
		for {
			start := time.Now()
			n, m, err := db.deleteBatch(ctx, executions+1, 0)
			if err != nil {
				b.Fatal(err)
			}
			longest = max(longest, time.Since(start))
			if n == 0 {
				break
			}
			deleted, events = deleted+n, events+m
		}
		if deleted != executions || events != executions*history {
			b.Fatalf("deleted %d executions, %d events", deleted, events)
		}
		b.ReportMetric(float64(longest.Microseconds())/1000, "ms/longest-batch")
	}
}
