package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
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

func openCompactTest(t *testing.T, path string) (*DB, resource.Execution) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	m, err := db.CreateMachine(ctx, resource.StateMachine{Name: "m", ARN: "arn:m", Definition: []byte(`{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`)})
	if err != nil {
		t.Fatal(err)
	}
	e, err := db.CreateExecution(ctx, resource.Execution{ARN: "arn:e", Name: "e", StateMachineID: m.ID,
		VersionID: m.VersionID, Input: json.RawMessage(`{"n":0}`), StartedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return db, e
}

// TestHistoryStoredCompactly: through the writer, an input that is the output before it is
// stored once, and every way of reading gives the events back as they were recorded,
// including an event read without the one its document is a delta of.
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

	var doc sql.NullString
	var base sql.NullInt64
	if err := db.sql.QueryRow(`SELECT doc, base FROM events WHERE execution_id = ? AND id = 4`, e.ID).Scan(&doc, &base); err != nil {
		t.Fatal(err)
	}
	if doc.String != "" || base.Int64 != 3 {
		t.Errorf("B's input stored as %q of event %v; want nothing of its own, all of event 3's", doc.String, base)
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
		`DELETE FROM schema_migrations WHERE version = 12`,
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

// TestLongDeltaChains: a long chain of documents, each a small change of the one before
// (multi-byte characters changed at their last byte among them), reads back exactly, whole,
// from any event on, and one event at a time.
func TestLongDeltaChains(t *testing.T) {
	ctx := context.Background()
	db, e := openCompactTest(t, filepath.Join(t.TempDir(), "chain.db"))
	w := NewWriter(db)
	defer w.Close()
	var want []runtime.Event
	at := time.UnixMilli(1_700_000_000_000).UTC()
	doc := `{"text":"` + strings.Repeat("é", 300) + `","n":0}`
	add := func(typ runtime.EventType, d runtime.EventDetails) {
		want = append(want, runtime.Event{ID: int64(len(want) + 1), PreviousEventID: int64(len(want)),
			Timestamp: at, Type: typ, State: d.Name, Details: d})
	}
	add(runtime.ExecutionStarted, runtime.EventDetails{Input: doc})
	for i := range 100 {
		name := fmt.Sprintf("S%d", i)
		add(runtime.PassStateEntered, runtime.EventDetails{Name: name, Input: doc})
		// é is C3 A9 and ê C3 AA: a change in the middle byte of a character.
		doc = strings.Replace(doc, "é", "ê", 1)
		add(runtime.PassStateExited, runtime.EventDetails{Name: name, Output: doc})
	}
	add(runtime.ExecutionSucceeded, runtime.EventDetails{Output: doc})
	for _, ev := range want {
		if err := w.Record(ctx, e.ARN, ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(ctx, e.ARN); err != nil {
		t.Fatal(err)
	}
	var stored, whole int
	if err := db.sql.QueryRow(`SELECT sum(length(CAST(doc AS BLOB))), count(*) FILTER (WHERE base IS NULL AND doc IS NOT NULL)
		FROM events WHERE execution_id = ?`, e.ID).Scan(&stored, &whole); err != nil {
		t.Fatal(err)
	}
	if all := 202 * len(doc); stored > all/4 || whole < 202/(maxDeltaDepth+1) {
		t.Errorf("documents stored in %d bytes (%d whole); want under a quarter of %d, one whole every %d", stored, whole, all, maxDeltaDepth+1)
	}
	got, err := db.FindEvents(ctx, e.ID, 0)
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("the whole history read back differs (%v)", err)
	}
	for _, after := range []int64{1, 37, 150, 201} {
		got, err := db.FindEvents(ctx, e.ID, after)
		if err != nil || !reflect.DeepEqual(got, want[after:]) {
			t.Errorf("the history after event %d read back differs (%v)", after, err)
		}
	}
	for id := int64(1); id <= int64(len(want)); id += 7 {
		got, err := db.FindEventsByID(ctx, e.ID, []int64{id})
		if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], want[id-1]) {
			t.Errorf("event %d alone read back differs (%v)", id, err)
		}
	}
}
