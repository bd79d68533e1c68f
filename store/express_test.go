package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/store"
)

// TestExpressHistory: an Express execution's history is kept in memory, found by the
// execution's id whether or not the history was told the id up front (Started), and only
// its record and result reach SQLite.
func TestExpressHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	h := store.NewExpressHistory(db)
	m := createMachine(t, db, "quick")
	for _, told := range []bool{true, false} {
		e, err := db.CreateExecution(ctx, resource.Execution{ARN: m.ARN + ":express:" + map[bool]string{true: "told", false: "found"}[told],
			Name: "x", StateMachineID: m.ID, VersionID: m.VersionID, Input: []byte(`{}`), StartedAt: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		if told {
			h.Started(e.ARN, e.ID)
		}
		for _, ev := range []runtime.Event{
			{ID: 1, Type: runtime.ExecutionStarted, Timestamp: time.Now()},
			{ID: 2, PreviousEventID: 1, Type: runtime.ExecutionSucceeded, Timestamp: time.Now(), Details: runtime.EventDetails{Output: `{"ok":1}`}},
		} {
			if err := h.Record(ctx, e.ARN, ev); err != nil {
				t.Fatal(err)
			}
		}
		events, err := db.FindEvents(ctx, e.ID, 0)
		if err != nil || len(events) != 2 {
			t.Fatalf("told %v: events %v %v", told, events, err)
		}
		got, err := db.FindExecution(ctx, e.ID)
		if err != nil || got.Status != runtime.StatusSucceeded || string(got.Output) != `{"ok":1}` {
			t.Fatalf("told %v: record %+v %v", told, got, err)
		}
	}
}
