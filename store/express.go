package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/stepstudio/stepstudio/runtime"
)

// ExpressHistory keeps the histories of Express executions in memory, as AWS keeps none of
// them (it sends them to CloudWatch Logs, if asked): only an Express execution's record and
// its result go to SQLite, when it ends. While the studio runs, the latest histories are
// here, so an Express execution's page still lights up live; the reads of DB (FindEvents,
// EachEvent, FindEventsByID) find them. It implements runtime.Recorder for Express
// executions.
type ExpressHistory struct {
	db *DB
	// OnRecord, when set, hears of every event (the hub).
	OnRecord func(executionARN string, events ...runtime.Event)

	mu    sync.Mutex
	byARN map[string]*expressRun
	byID  map[int64]*expressRun
	order []*expressRun // oldest first, for forgetting
	total int
}

// expressKept bounds what ExpressHistory keeps: the histories of the latest executions, up to
// this many events in all; an older execution's history is forgotten first.
const expressKept = 200_000

type expressRun struct {
	id     int64
	arn    string
	events []runtime.Event
}

// NewExpressHistory keeps Express histories for db; db's reads find them.
func NewExpressHistory(db *DB) *ExpressHistory {
	h := &ExpressHistory{db: db, byARN: map[string]*expressRun{}, byID: map[int64]*expressRun{}}
	db.express.Store(h)
	return h
}

// Started tells the history the id of an Express execution just stored, so that recording
// its first event does not look the id up in SQLite (a tenth of an Express start's work).
func (h *ExpressHistory) Started(executionARN string, id int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.byARN[executionARN] == nil {
		r := &expressRun{id: id, arn: executionARN}
		h.byARN[executionARN], h.byID[id] = r, r
		h.order = append(h.order, r)
	}
}

// Record keeps an event of an Express execution; the event that ends it also stores its
// result in the execution's record (in SQLite, through the history writer if one runs).
func (h *ExpressHistory) Record(ctx context.Context, executionARN string, ev runtime.Event) error {
	h.mu.Lock()
	r := h.byARN[executionARN]
	h.mu.Unlock()
	if r == nil {
		e, err := h.db.FindExecutionByARN(ctx, executionARN)
		if err != nil {
			return fmt.Errorf("store: record %s of %s: %w", ev.Type, executionARN, err)
		}
		r = &expressRun{id: e.ID, arn: executionARN}
		h.mu.Lock()
		if old := h.byARN[executionARN]; old != nil {
			r = old
		} else {
			h.byARN[executionARN], h.byID[e.ID] = r, r
			h.order = append(h.order, r)
		}
		h.mu.Unlock()
	}
	h.mu.Lock()
	r.events = append(r.events, ev)
	h.total++
	h.forget()
	h.mu.Unlock()
	if ev.Type.EndsExecution() {
		// The record's status and result: the rest of the history is not stored.
		if err := h.db.write(ctx, func(tx *sql.Tx) error { return applyEvent(ctx, tx, r.id, ev, false) }); err != nil {
			return fmt.Errorf("store: record %s of %s: %w", ev.Type, executionARN, err)
		}
	}
	if h.OnRecord != nil {
		h.OnRecord(executionARN, ev)
	}
	return nil
}

// forget drops the oldest histories while more than expressKept events are kept. h.mu is held.
func (h *ExpressHistory) forget() {
	for h.total > expressKept && len(h.order) > 1 {
		old := h.order[0]
		h.order = h.order[1:]
		delete(h.byARN, old.arn)
		delete(h.byID, old.id)
		h.total -= len(old.events)
	}
}

// events returns a copy of an Express execution's history after the event afterID, and
// whether this history keeps it (false: it is in SQLite, or it is forgotten).
func (h *ExpressHistory) events(executionID, afterID int64) ([]runtime.Event, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.byID[executionID]
	if r == nil {
		return nil, false
	}
	var out []runtime.Event
	for _, ev := range r.events {
		if ev.ID > afterID {
			out = append(out, ev)
		}
	}
	return out, true
}
