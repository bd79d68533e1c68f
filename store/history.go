package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/stepstudio/stepstudio/runtime"
)

// How history is stored (migration 0012). Most of a history's bytes are the documents its
// events carry: a state's input on StateEntered, its output on StateExited, the execution's
// on ExecutionStarted and ExecutionSucceeded. An event's document is its input or its output
// (events with both keep them in details, as the table did before); it is kept as a delta
// of the document of an earlier event of the same execution (its base) when the two share
// most of their text: the length of what they share at the start (prefix) and at the end
// (suffix), and the text between (doc). A state's input is the output before it (all
// shared) and a state's output is mostly its input, so a chain of states over a 1 KB document
// stores a few dozen bytes a state instead of 2 KB. Every maxDeltaDepth deltas a document is
// kept whole again, so rebuilding one reads a bounded number of rows.

// insertEventSQL stores an event with its document whole; insertDeltaSQL one with its document
// as a delta (a statement of their own, because each value bound costs the writer time).
const (
	insertEventSQL = `
	INSERT INTO events (execution_id, id, previous_id, type, state, timestamp, details, doc, doc_is_output)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	insertDeltaSQL = `
	INSERT INTO events (execution_id, id, previous_id, type, state, timestamp, details, doc, doc_is_output,
		base, prefix, suffix)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// maxDeltaDepth bounds a chain of deltas: the rows read to rebuild one document.
const maxDeltaDepth = 16

// storedEvent is an event as the events table keeps it.
type storedEvent struct {
	ev      runtime.Event
	details string
	// doc is the event's document (its input or its output: isOutput says which), whole.
	doc      string
	isOutput bool
	// delta, when base is set, is how doc is stored: as a delta of event base's document.
	delta delta
	// noTasks says the execution is known to have no callback task (see Writer.taskless).
	noTasks bool
}

// delta is a document kept as the event base's document with its text between prefix and
// len-suffix replaced by middle.
type delta struct {
	base           int64 // 0: the document is kept whole
	prefix, suffix int
	middle         string
}

// encodeEvent makes an event's stored form, its document kept whole. The writer's callers
// encode their own events, so the JSON encoding is spread over the executions' goroutines
// instead of its one.
func encodeEvent(ev runtime.Event) (storedEvent, error) {
	d := ev.Details
	se := storedEvent{ev: ev}
	switch {
	case d.Input != "" && d.Output != "":
	case d.Input != "":
		se.doc, d.Input = d.Input, ""
	case d.Output != "":
		se.doc, se.isOutput, d.Output = d.Output, true, ""
	}
	details, err := json.Marshal(d)
	se.details = string(details)
	return se, err
}

// appendEventArgs appends the values of an event's row: insertEventSQL's, or insertDeltaSQL's
// when its document is a delta.
func appendEventArgs(args []any, execID int64, se storedEvent) []any {
	ev := se.ev
	args = append(args, execID, ev.ID, ev.PreviousEventID, string(ev.Type), ev.State, millis(ev.Timestamp), se.details)
	if d := se.delta; d.base != 0 {
		return append(args, d.middle, se.isOutput, d.base, d.prefix, d.suffix)
	}
	return append(args, nullable(se.doc), se.isOutput)
}

// nullable is s, or NULL when s is empty.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// makeDelta is doc as a delta of base's document, text, when that keeps less than half of
// doc; ok is false otherwise. The shared parts end on whole UTF-8 characters, so the middle
// is text of its own.
func makeDelta(base int64, text, doc string) (d delta, ok bool) {
	n := min(len(text), len(doc))
	p := 0
	for p < n && text[p] == doc[p] {
		p++
	}
	for p > 0 && p < len(doc) && !utf8.RuneStart(doc[p]) {
		p--
	}
	s := 0
	for s < n-p && text[len(text)-1-s] == doc[len(doc)-1-s] {
		s++
	}
	for s > 0 && !utf8.RuneStart(doc[len(doc)-s]) {
		s--
	}
	if p+s < len(doc)/2 {
		return delta{}, false
	}
	return delta{base: base, prefix: p, suffix: s, middle: doc[p : len(doc)-s]}, true
}

// apply rebuilds the document from its base's text.
func (d delta) apply(text string) (string, error) {
	if d.prefix+d.suffix > len(text) || d.prefix < 0 || d.suffix < 0 {
		return "", fmt.Errorf("a delta of event %d keeps %d+%d bytes of its %d", d.base, d.prefix, d.suffix, len(text))
	}
	return text[:d.prefix] + d.middle + text[len(text)-d.suffix:], nil
}

// lastDocs is, by execution ARN, the latest document the writer stored: the base of the
// execution's next one.
type lastDocs struct {
	byARN map[string]lastDoc
	bytes int // of the documents held, which are bounded (they are the executions' data)
}

type lastDoc struct {
	id    int64
	text  string
	depth int // deltas from a document kept whole
}

// maxHeldDocs bounds the bytes lastDocs holds on to; past it, it starts again empty (a
// document is then kept whole, never wrong).
const maxHeldDocs = 64 << 20

// compact sets how se's document is stored, and notes it as its execution's latest.
func (l *lastDocs) compact(arn string, se *storedEvent) {
	last, held := l.byARN[arn]
	if held {
		l.bytes -= len(last.text)
		delete(l.byARN, arn)
	}
	if se.doc == "" || se.ev.Type.EndsExecution() {
		return // an execution's end forgets it
	}
	next := lastDoc{id: se.ev.ID, text: se.doc}
	if held && last.depth < maxDeltaDepth {
		if d, ok := makeDelta(last.id, last.text, se.doc); ok {
			se.delta, next.depth = d, last.depth+1
		}
	}
	if l.bytes+len(next.text) > maxHeldDocs {
		l.reset()
	}
	l.byARN[arn] = next
	l.bytes += len(next.text)
}

func (l *lastDocs) reset() {
	l.byARN, l.bytes = map[string]lastDoc{}, 0
}

// eventColumns are the columns historyReader.scan reads.
const eventColumns = `id, previous_id, type, state, timestamp, details, doc, doc_is_output, base, prefix, suffix`

// historyReader rebuilds an execution's events from their stored form. It keeps the latest
// documents it rebuilt, the bases of the events after them, and reads a base it does not
// have from the table.
type historyReader struct {
	q      querier
	execID int64
	docs   map[int64]string
}

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// maxKeptDocs bounds the documents a historyReader keeps (a read in id order needs the last
// few: an event's base is the latest document its execution had when it was written).
const maxKeptDocs = 64

func newHistoryReader(q querier, execID int64) *historyReader {
	return &historyReader{q: q, execID: execID, docs: map[int64]string{}}
}

// scan reads an event of eventColumns.
func (h *historyReader) scan(ctx context.Context, r scanner) (runtime.Event, error) {
	var ev runtime.Event
	var ts int64
	var details string
	var doc sql.NullString
	var isOutput bool
	var d delta
	var base sql.NullInt64
	if err := r.Scan(&ev.ID, &ev.PreviousEventID, &ev.Type, &ev.State, &ts, &details, &doc, &isOutput,
		&base, &d.prefix, &d.suffix); err != nil {
		return ev, fmt.Errorf("store: find events of %d: %w", h.execID, err)
	}
	ev.Timestamp = fromMillis(ts)
	if err := json.Unmarshal([]byte(details), &ev.Details); err != nil {
		return ev, fmt.Errorf("store: event %d of %d: %w", ev.ID, h.execID, err)
	}
	text := doc.String
	if base.Valid {
		d.base, d.middle = base.Int64, doc.String
		var err error
		if text, err = h.rebuild(ctx, ev.ID, d, 0); err != nil {
			return ev, err
		}
	}
	if text != "" {
		h.keep(ev.ID, text)
	}
	if isOutput {
		ev.Details.Output = text
	} else if text != "" {
		ev.Details.Input = text
	}
	return ev, nil
}

// rebuild is the document of event id, stored as d.
func (h *historyReader) rebuild(ctx context.Context, id int64, d delta, depth int) (string, error) {
	text, err := h.doc(ctx, d.base, depth+1)
	if err != nil {
		return "", err
	}
	doc, err := d.apply(text)
	if err != nil {
		return "", fmt.Errorf("store: event %d of %d: %w", id, h.execID, err)
	}
	return doc, nil
}

// doc is the document of event id, from those kept or from the table.
func (h *historyReader) doc(ctx context.Context, id int64, depth int) (string, error) {
	if text, ok := h.docs[id]; ok {
		return text, nil
	}
	if depth > maxDeltaDepth+1 {
		return "", fmt.Errorf("store: event %d of %d: a chain of deltas longer than %d", id, h.execID, maxDeltaDepth)
	}
	var doc sql.NullString
	var d delta
	var base sql.NullInt64
	if err := h.q.QueryRowContext(ctx, `SELECT doc, base, prefix, suffix FROM events WHERE execution_id = ? AND id = ?`,
		h.execID, id).Scan(&doc, &base, &d.prefix, &d.suffix); err != nil {
		return "", fmt.Errorf("store: the document of event %d of %d: %w", id, h.execID, err)
	}
	text := doc.String
	if base.Valid {
		d.base, d.middle = base.Int64, doc.String
		var err error
		if text, err = h.rebuild(ctx, id, d, depth); err != nil {
			return "", err
		}
	}
	h.keep(id, text)
	return text, nil
}

func (h *historyReader) keep(id int64, text string) {
	if len(h.docs) >= maxKeptDocs {
		clear(h.docs)
	}
	h.docs[id] = text
}
