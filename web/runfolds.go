package web

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/stepstudio/stepstudio/designer"
	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/views"
)

// The execution page, its live socket, its tables and the task page all show an execution's
// history folded (views.Fold). Folding a whole history per request cost seconds for long
// histories and kept folding after the browser had gone; instead each execution looked at is
// folded once, kept here, and brought up to date with only the events recorded since.

// foldBudget is how many folded events the cache keeps in all: about 100 bytes each, so some
// tens of MB, enough for ten executions at the 25,000-event limit. Past it, the executions
// looked at least recently are forgotten (and folded again if someone looks again).
const foldBudget = 250_000

// recentMessages is how many of the latest events' messages a folded run keeps for the live
// pages: more than a websocket subscriber may fall behind (subscriberBuffer) before it is
// dropped, so a page that connects or reconnects a moment late is sent the events it
// missed; a page further behind is sent the whole picture again instead.
const recentMessages = 2 * subscriberBuffer

// runFolds is the cache of folded runs, by execution id.
type runFolds struct {
	mu     sync.Mutex
	runs   map[int64]*foldedRun
	clock  uint64 // counts uses, to find the run used least recently
	folded int64  // events folded by the runs in the cache
}

// foldedRun is one execution's history, folded up to some event. Its mutex guards
// everything below it; the definition and graph are set once, when it is first used.
type foldedRun struct {
	id int64
	// used and size are the cache's (guarded by runFolds.mu).
	used uint64
	size int64

	mu         sync.Mutex
	loaded     bool
	definition []byte
	fold       *views.Fold
	// tokens are the task tokens seen in the history, masked wherever it is shown.
	tokens []string
	// index lists every event folded, in order, for the event view's pages and filter.
	index []indexedEvent
	// recent are the messages of the latest events, oldest first.
	recent []eventMessage
	// end is how the execution ended, as its last ending event says (nil while it runs).
	end *executionEnd
}

// indexedEvent is what the event view filters on.
type indexedEvent struct {
	id    int64
	typ   runtime.EventType
	state string
}

// withRun calls fn with the execution's folded run, locked and up to date with the stored
// history. A request that goes away stops the catch-up where it is (what was folded stays).
func (s *Server) withRun(ctx context.Context, e resource.Execution, fn func(*foldedRun) error) error {
	r := s.folds.get(e.ID)
	r.mu.Lock()
	err := s.catchUp(ctx, r, e)
	if err == nil {
		err = fn(r)
	}
	folded := int64(len(r.index))
	r.mu.Unlock()
	s.folds.used(r, folded)
	return err
}

// get returns the run of an execution, a new empty one the first time.
func (c *runFolds) get(id int64) *foldedRun {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.runs == nil {
		c.runs = map[int64]*foldedRun{}
	}
	r := c.runs[id]
	if r == nil {
		r = &foldedRun{id: id}
		c.runs[id] = r
	}
	c.clock++
	r.used = c.clock
	return r
}

// used notes the size of a run just used, and forgets the runs used least recently while
// the cache holds more than its budget. A forgotten run still serves whoever holds it.
func (c *runFolds) used(r *foldedRun, size int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.runs[r.id] != r {
		return // forgotten meanwhile
	}
	c.folded += size - r.size
	r.size = size
	for c.folded > foldBudget && len(c.runs) > 1 {
		var oldest *foldedRun
		for _, o := range c.runs {
			if o != r && (oldest == nil || o.used < oldest.used) {
				oldest = o
			}
		}
		delete(c.runs, oldest.id)
		c.folded -= oldest.size
	}
}

// catchUp loads the run's definition the first time, then folds the events stored since the
// last one it folded. r.mu is held.
func (s *Server) catchUp(ctx context.Context, r *foldedRun, e resource.Execution) error {
	if !r.loaded {
		m, err := s.cfg.Store.FindMachineVersion(ctx, e.VersionID)
		if err != nil {
			return err
		}
		g, err := designer.NewGraph(m.Definition)
		if err != nil {
			return fmt.Errorf("web: graph of version %d: %w", e.VersionID, err)
		}
		r.definition, r.fold, r.loaded = m.Definition, views.NewFold(views.NewRunGraph(g)), true
	}
	// The stored history leaves task tokens out of its events; the tokens are kept with the
	// tasks, from their TaskSubmitted on.
	submitted := false
	err := s.cfg.Store.EachEvent(ctx, e.ID, r.fold.Last(), func(ev runtime.Event) error {
		submitted = submitted || ev.Type == runtime.TaskSubmitted
		r.apply(ev)
		return nil
	})
	if err != nil || !submitted {
		return err
	}
	tokens, err := s.cfg.Store.FindExecutionTokens(ctx, e.ID)
	for _, tok := range tokens {
		if !slices.Contains(r.tokens, tok) {
			r.tokens = append(r.tokens, tok)
		}
	}
	return err
}

// feed folds an event the hub published, reading the store first when events came before it
// that this run has not folded (it was not watched live then). r.mu is held.
func (s *Server) feed(ctx context.Context, r *foldedRun, e resource.Execution, ev runtime.Event) error {
	switch last := r.fold.Last(); {
	case ev.ID <= last:
		return nil // another page's socket folded it already
	case ev.ID == last+1:
		r.apply(ev)
		return nil
	}
	return s.catchUp(ctx, r, e)
}

// apply folds one event and keeps its message for the live pages.
func (r *foldedRun) apply(ev runtime.Event) {
	if ev.ID <= r.fold.Last() {
		return
	}
	// A TaskScheduled carries the token its Parameters may show: mask it from then on.
	if tok := ev.Details.TaskToken; tok != "" && !slices.Contains(r.tokens, tok) {
		r.tokens = append(r.tokens, tok)
	}
	// The fold keeps only an error and a cause of the payloads (the rest is read from the
	// store when shown): those are all that need masking here.
	if ev.Details.Error != "" || ev.Details.Cause != "" {
		ev.Details.Error = views.MaskTokens(ev.Details.Error, r.tokens...)
		ev.Details.Cause = views.MaskTokens(ev.Details.Cause, r.tokens...)
	}
	delta := r.fold.Apply(ev)
	r.index = append(r.index, indexedEvent{id: ev.ID, typ: ev.Type, state: ev.State})
	m := newEventMessage(ev, delta, r.fold)
	switch {
	case m.Execution != nil:
		r.end = m.Execution
	case ev.Type == runtime.ExecutionRedriven:
		r.end = nil
	}
	if len(r.recent) == 2*recentMessages {
		r.recent = append(r.recent[:0], r.recent[recentMessages:]...)
	}
	r.recent = append(r.recent, m)
}

// since returns the messages of the events after `after`, or, when they are no longer all
// kept, nil and false: the page must then start again from a snapshot. r.mu is held.
func (r *foldedRun) since(after int64) ([]eventMessage, bool) {
	last := r.fold.Last()
	if after >= last {
		return nil, true
	}
	if len(r.recent) == 0 || r.recent[0].ID > after+1 {
		return nil, false
	}
	i, _ := slices.BinarySearchFunc(r.recent, after+1, func(m eventMessage, id int64) int { return int(m.ID - id) })
	return slices.Clone(r.recent[i:]), true
}

// visitPage is a page of the visits of scope key, copied so it can be drawn unlocked.
// r.mu is held.
func (r *foldedRun) visitPage(key string, page int) views.VisitPage {
	all := r.fold.VisitsIn(key)
	p, from, to := views.NewPager(page, len(all))
	rows := make([]*views.Visit, 0, to-from)
	for _, v := range all[from:to] {
		c := *v
		rows = append(rows, &c)
	}
	return views.VisitPage{Scope: key, Rows: rows, Pager: p}
}

// eventPage finds the ids of a page of the events whose type or state contain filter,
// ignoring case, and the iteration or branch of each. r.mu is held.
func (r *foldedRun) eventPage(filter string, page int) (views.Pager, []int64, map[int64]string) {
	needle := strings.ToLower(strings.TrimSpace(filter))
	kept := r.index
	if needle != "" {
		kept = nil
		for _, ev := range r.index {
			if strings.Contains(strings.ToLower(string(ev.typ)+" "+ev.state), needle) {
				kept = append(kept, ev)
			}
		}
	}
	p, from, to := views.NewPager(page, len(kept))
	ids := make([]int64, 0, to-from)
	scopes := map[int64]string{}
	for _, ev := range kept[from:to] {
		ids = append(ids, ev.id)
		if key := r.fold.EventScope(ev.id); key != "" {
			scopes[ev.id] = key
		}
	}
	return p, ids, scopes
}

// visit returns a copy of the visit entered by event id, or nil. r.mu is held.
func (r *foldedRun) visit(id int64) *views.Visit {
	v := r.fold.Visit(id)
	if v == nil {
		return nil
	}
	c := *v
	return &c
}

// failedVisit is a copy of the visit whose failure ended the execution, or nil. r.mu is held.
func (r *foldedRun) failedVisit() *views.Visit {
	if v := r.fold.FailedVisit(); v != nil {
		return r.visit(v.ID)
	}
	return nil
}

// caughtVisit is a copy of the visit whose caught error led to the Fail state that ended
// the execution, or nil. r.mu is held.
func (r *foldedRun) caughtVisit() *views.Visit {
	if v := r.fold.CaughtVisit(); v != nil {
		return r.visit(v.ID)
	}
	return nil
}

// copyTokens returns the tokens seen so far, to mask what is drawn after r.mu is released.
func (r *foldedRun) copyTokens() []string { return slices.Clone(r.tokens) }
