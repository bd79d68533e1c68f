package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
)

// chainHistory is the history of a two-state chain, as the runtime records it: each state's
// input is the output of the state before it.
func chainHistory() []runtime.Event {
	at := time.UnixMilli(1_700_000_000_000).UTC()
	docs := []string{`{"n":0}`, `{"n":1,"s":"\"quoted\" ü"}`, `{"n":2}`}
	events := []runtime.Event{
		{Type: runtime.ExecutionStarted, Details: runtime.EventDetails{Input: docs[0], RoleArn: "arn:role"}},
		{Type: runtime.PassStateEntered, State: "A", Details: runtime.EventDetails{Name: "A", Input: docs[0]}},
		{Type: runtime.PassStateExited, State: "A", Details: runtime.EventDetails{Name: "A", Output: docs[1]}},
		{Type: runtime.PassStateEntered, State: "B", Details: runtime.EventDetails{Name: "B", Input: docs[1]}},
		{Type: runtime.PassStateExited, State: "B", Details: runtime.EventDetails{Name: "B", Output: docs[2]}},
		{Type: runtime.ExecutionSucceeded, Details: runtime.EventDetails{Output: docs[2]}},
	}
	for i := range events {
		events[i].ID, events[i].PreviousEventID, events[i].Timestamp = int64(i+1), int64(i), at
	}
	return events
}

func openCompactTest(t *testing.T, path string) (*DB, runtime.ExecutionInfo) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	m, err := db.CreateMachine(ctx, runtime.StateMachine{Name: "m", ARN: "arn:m", Definition: []byte(`{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`)})
	if err != nil {
		t.Fatal(err)
	}
	e, err := db.CreateExecution(ctx, runtime.ExecutionInfo{ARN: "arn:e", Name: "e", StateMachineID: m.ID,
		VersionID: m.VersionID, Input: json.RawMessage(`{"n":0}`), StartedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return db, e
}

// TestHistoryStoredCompactly: through the writer, an input that is the output before it is
// stored once, and every way of reading gives the events back as they were recorded,
// including a reference read without the event it refers to.
func TestHistoryStoredCompactly(t *testing.T) {
	ctx := context.Background()
	db, e := openCompactTest(t, filepath.Join(t.TempDir(), "compact.db"))
	w := NewWriter(db)
	defer w.Close()
	want := chainHistory()
	for _, ev := range want {
		if err := w.Record(ctx, e.ARN, ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(ctx, e.ARN); err != nil {
		t.Fatal(err)
	}

	var input sql.NullString
	var from sql.NullInt64
	if err := db.sql.QueryRow(`SELECT input, input_from FROM events WHERE execution_id = ? AND id = 4`, e.ID).Scan(&input, &from); err != nil {
		t.Fatal(err)
	}
	if input.Valid || from.Int64 != 3 {
		t.Errorf("B's input stored as %v, from %v; want no text, from event 3", input, from)
	}

	got, err := db.FindEvents(ctx, e.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("history read back:\n%+v\nwant\n%+v", got, want)
	}
	one, err := db.FindEventsByID(ctx, e.ID, []int64{4})
	if err != nil || len(one) != 1 || !reflect.DeepEqual(one[0], want[3]) {
		t.Errorf("event 4 alone: %+v (%v), want %+v", one, err, want[3])
	}
	after, err := db.FindEvents(ctx, e.ID, 3)
	if err != nil || !reflect.DeepEqual(after, want[3:]) {
		t.Errorf("events after 3: %+v (%v), want %+v", after, err, want[3:])
	}
}

// TestCompactMigrationKeepsHistory: a history stored before migration 0012 (input and output
// inside details) reads the same after it.
func TestCompactMigrationKeepsHistory(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, e := openCompactTest(t, path)
	want := chainHistory()
	for _, q := range []string{
		`DROP TABLE events`,
		`CREATE TABLE events (
			execution_id INTEGER NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
			id INTEGER NOT NULL, previous_id INTEGER NOT NULL, type TEXT NOT NULL, state TEXT NOT NULL,
			timestamp INTEGER NOT NULL, details TEXT NOT NULL, PRIMARY KEY (execution_id, id)) WITHOUT ROWID`,
		`DELETE FROM schema_migrations WHERE version >= 12`,
	} {
		if _, err := db.sql.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	for _, ev := range want {
		details, err := jsonMarshal(ev.Details)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.sql.Exec(`INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)`,
			e.ID, ev.ID, ev.PreviousEventID, ev.Type, ev.State, millis(ev.Timestamp), details); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := db.FindEvents(ctx, e.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("history after the migration:\n%+v\nwant\n%+v", got, want)
	}
}

func jsonMarshal(d runtime.EventDetails) (string, error) {
	b, err := json.Marshal(d)
	return string(b), err
}
