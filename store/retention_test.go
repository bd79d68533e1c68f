package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/store"
)

// now is the retention tests' present.
var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// run describes an execution to store: its history's length and, when finished, how long
// ago it finished.
type run struct {
	name     string
	events   int           // at least 2 (started, and ended or one step)
	finished time.Duration // how long before now it finished; 0 for RUNNING
	task     bool          // a .waitForTaskToken task, claimed (an audit row), cancelled when it ends
}

// storeRun stores r as a new execution of m, its events one second apart, ending at
// now-r.finished.
func storeRun(t *testing.T, db *store.DB, m resource.StateMachine, r run) resource.Execution {
	t.Helper()
	ctx := context.Background()
	e := createExecution(t, db, m, r.name)
	end := now.Add(-r.finished)
	at := func(id int) time.Time { return end.Add(time.Duration(id-r.events) * time.Second) }
	record := func(ev runtime.Event) {
		ev.Timestamp = at(int(ev.ID))
		if err := db.Record(ctx, e.ARN, ev); err != nil {
			t.Fatal(err)
		}
	}
	record(runtime.Event{ID: 1, Type: runtime.ExecutionStarted})
	id := int64(2)
	if r.task {
		record(runtime.Event{ID: 2, Type: runtime.TaskScheduled, State: "Approve", Details: runtime.EventDetails{Parameters: `{}`}})
		record(runtime.Event{ID: 3, Type: runtime.TaskSubmitted, State: "Approve", Details: runtime.EventDetails{TaskToken: "tok-" + r.name}})
		id = 4
		tasks, err := db.FindCallbackTasks(ctx, resource.CallbackWaiting)
		if err != nil || len(tasks) == 0 {
			t.Fatalf("no task for %s: %v", r.name, err)
		}
		if err := db.ClaimCallbackTask(ctx, tasks[len(tasks)-1].ID, "ann", at(3)); err != nil {
			t.Fatal(err)
		}
	}
	last := int64(r.events)
	if r.finished != 0 {
		last--
	}
	for ; id <= last; id++ {
		record(runtime.Event{ID: id, Type: runtime.PassStateEntered, State: "Step"})
	}
	if r.finished != 0 {
		record(runtime.Event{ID: id, Type: runtime.ExecutionFailed, Details: runtime.EventDetails{Error: "E"}})
	}
	return e
}

const day = 24 * time.Hour

// retentionRuns are stored in this order (so with ids in this order). Finished most
// recently first: long-running (started early, finished a day ago), recent, old, oldest.
// The newest execution runs and holds the newest task, so neither guard (see
// TestRetentionNeverFreesTheHighestIDs) keeps a finished one here.
var retentionRuns = []run{
	{name: "oldest", events: 5, finished: 40 * day, task: true},
	{name: "long-running", events: 4, finished: 1 * day},
	{name: "running", events: 2},
	{name: "old", events: 6, finished: 35 * day},
	{name: "recent", events: 7, finished: 10 * day},
	{name: "waiting", events: 3, task: true},
}

func TestRetention(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		r       store.Retention
		deleted []string
	}{
		{"no limits delete nothing", store.Retention{}, nil},
		{"finished over 30 days ago", store.Retention{Before: now.Add(-30 * day)}, []string{"oldest", "old"}},
		{"keep 1 keeps the one finished last, not the one started last", store.Retention{Keep: 1},
			[]string{"oldest", "old", "recent"}},
		{"keep 3", store.Retention{Keep: 3}, []string{"oldest"}},
		{"keep more than have finished", store.Retention{Keep: 10}, nil},
		{"both: the age deletes more", store.Retention{Keep: 3, Before: now.Add(-5 * day)},
			[]string{"oldest", "old", "recent"}},
		{"both: the count deletes more", store.Retention{Keep: 2, Before: now.Add(-38 * day)},
			[]string{"oldest", "old"}},
		{"running ones are never deleted, however old", store.Retention{Before: now.Add(day)},
			[]string{"oldest", "long-running", "old", "recent"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := openDB(t)
			m := createMachine(t, db, "Retained")
			byName := map[string]resource.Execution{}
			var wantEvents int64
			for _, r := range retentionRuns {
				byName[r.name] = storeRun(t, db, m, r)
				if slices.Contains(tt.deleted, r.name) {
					wantEvents += int64(r.events)
				}
			}
			tasksBefore, _ := db.FindCallbackTasks(ctx, "")
			auditBefore, _ := db.FindAuditEvents(ctx, resource.AuditFilter{})
			want := fmt.Sprint(len(tt.deleted), " executions, ", wantEvents, " events")

			// The dry run counts what the deletion then deletes, and deletes nothing.
			n, events, err := db.CountExpiredExecutions(ctx, tt.r)
			if got := fmt.Sprint(n, " executions, ", events, " events"); err != nil || got != want {
				t.Fatalf("count: %s (%v), want %s", got, err, want)
			}
			if left := remaining(t, db, m); len(left) != len(retentionRuns) {
				t.Fatalf("the count deleted executions: %v left", left)
			}
			n, events, err = db.DeleteExecutions(ctx, tt.r)
			if got := fmt.Sprint(n, " executions, ", events, " events"); err != nil || got != want {
				t.Fatalf("delete: %s (%v), want %s", got, err, want)
			}

			var wantLeft []string
			for _, r := range retentionRuns {
				if !slices.Contains(tt.deleted, r.name) {
					wantLeft = append(wantLeft, r.name)
				}
			}
			if diff := cmp.Diff(wantLeft, remaining(t, db, m)); diff != "" {
				t.Errorf("executions left (-want +got):\n%s", diff)
			}
			for _, name := range tt.deleted {
				e := byName[name]
				if _, err := db.FindExecution(ctx, e.ID); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("%s: find after delete: %v", name, err)
				}
				if evs, err := db.FindEvents(ctx, e.ID, 0); err != nil || len(evs) != 0 {
					t.Errorf("%s: %d events left (%v)", name, len(evs), err)
				}
				if toks, err := db.FindExecutionTokens(ctx, e.ID); err != nil || len(toks) != 0 {
					t.Errorf("%s: callback tasks left: %v (%v)", name, toks, err)
				}
			}
			for _, name := range wantLeft {
				if evs, _ := db.FindEvents(ctx, byName[name].ID, 0); len(evs) == 0 {
					t.Errorf("%s kept without its events", name)
				}
			}
			// Tasks go with their execution; the audit log keeps every row.
			tasksAfter, _ := db.FindCallbackTasks(ctx, "")
			for _, task := range tasksBefore {
				gone := !slices.ContainsFunc(tasksAfter, func(a resource.CallbackTask) bool { return a.ID == task.ID })
				if gone != slices.Contains(tt.deleted, task.ExecutionName) {
					t.Errorf("task of %s: gone %v", task.ExecutionName, gone)
				}
			}
			if auditAfter, _ := db.FindAuditEvents(ctx, resource.AuditFilter{}); !cmp.Equal(auditBefore, auditAfter) {
				t.Errorf("audit rows changed:\n%s", cmp.Diff(auditBefore, auditAfter))
			}
		})
	}
}

// remaining returns the names of m's executions, oldest first.
func remaining(t *testing.T, db *store.DB, m resource.StateMachine) []string {
	t.Helper()
	list, err := db.FindExecutions(context.Background(), m.ID, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range slices.Backward(list) {
		names = append(names, e.Name)
	}
	return names
}

// TestRetentionNeverFreesTheHighestIDs: SQLite gives a new row the highest id plus one, so
// deleting the execution with the highest id, or the one holding the task with the highest
// id, would hand those ids out again, and the audit rows that name them would then name a
// new execution or task.
func TestRetentionNeverFreesTheHighestIDs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	m := createMachine(t, db, "Guarded")
	runs := []run{
		{name: "a", events: 3, finished: 9 * day},
		{name: "holds the newest task", events: 4, finished: 8 * day, task: true},
		{name: "b", events: 3, finished: 7 * day},
		{name: "newest", events: 3, finished: 6 * day},
	}
	var last resource.Execution
	for _, r := range runs {
		last = storeRun(t, db, m, r)
	}
	n, _, err := db.DeleteExecutions(ctx, store.Retention{Before: now})
	if err != nil || n != 2 {
		t.Fatalf("deleted %d (%v), want 2", n, err)
	}
	if diff := cmp.Diff([]string{"holds the newest task", "newest"}, remaining(t, db, m)); diff != "" {
		t.Fatalf("left (-want +got):\n%s", diff)
	}
	if next := createExecution(t, db, m, "next"); next.ID <= last.ID {
		t.Errorf("the next execution got id %d, not above %d", next.ID, last.ID)
	}
}

// TestRetentionDeletesInBatches deletes more executions than one transaction takes.
func TestRetentionDeletesInBatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	m := createMachine(t, db, "Many")
	const runs = 1234 // batches of 500, 500, 234
	for i := range runs {
		storeRun(t, db, m, run{name: fmt.Sprint("run-", i), events: 2, finished: time.Duration(runs-i) * time.Minute})
	}
	storeRun(t, db, m, run{name: "running", events: 2})
	n, events, err := db.DeleteExecutions(ctx, store.Retention{Keep: 34})
	if err != nil || n != runs-34 || events != 2*(runs-34) {
		t.Fatalf("deleted %d executions, %d events (%v), want %d and %d", n, events, err, runs-34, 2*(runs-34))
	}
	left := remaining(t, db, m)
	if len(left) != 35 || left[0] != "run-1200" || left[34] != "running" {
		t.Fatalf("left %d: %v", len(left), left)
	}
}
