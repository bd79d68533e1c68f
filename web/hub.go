package web

import (
	"context"
	"sync"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
)

// subscriberBuffer is how many events a subscriber may fall behind before it is dropped.
// A browser that lags this far reconnects and catches up from the stored history.
const subscriberBuffer = 256

// Hub fans history events out to the subscribers of each execution. Publish never blocks:
// a subscriber whose buffer is full is dropped (its channel closed), so a slow browser can
// never slow an execution down.
//
// Besides the topic of each execution, the hub has one topic for the executions lists: the
// changes of every execution's status (started, ended), with the same bounded buffers.
type Hub struct {
	mu      sync.Mutex
	subs    map[string]map[*Subscription]struct{}
	changes map[*ChangeSubscription]struct{}
}

// NewHub returns an empty hub.
func NewHub() *Hub {
	return &Hub{subs: map[string]map[*Subscription]struct{}{}, changes: map[*ChangeSubscription]struct{}{}}
}

// Subscription receives the events of one execution on C until it is closed or dropped.
type Subscription struct {
	// C delivers events in order; it is closed when the subscription ends.
	C       <-chan runtime.Event
	c       chan runtime.Event
	hub     *Hub
	arn     string
	dropped bool
}

// Subscribe starts receiving the events of the execution with the given ARN.
func (h *Hub) Subscribe(executionARN string) *Subscription {
	c := make(chan runtime.Event, subscriberBuffer)
	s := &Subscription{C: c, c: c, hub: h, arn: executionARN}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs[executionARN] == nil {
		h.subs[executionARN] = map[*Subscription]struct{}{}
	}
	h.subs[executionARN][s] = struct{}{}
	return s
}

// Dropped reports whether the hub dropped the subscription for falling behind.
func (s *Subscription) Dropped() bool {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return s.dropped
}

// Close ends the subscription; it is safe to call more than once.
func (s *Subscription) Close() {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	s.hub.removeLocked(s)
}

func (h *Hub) removeLocked(s *Subscription) {
	set, ok := h.subs[s.arn]
	if !ok {
		return
	}
	if _, ok := set[s]; !ok {
		return
	}
	delete(set, s)
	if len(set) == 0 {
		delete(h.subs, s.arn)
	}
	close(s.c)
}

// Publish sends ev to every subscriber of the execution, dropping those that are full; when
// ev starts or ends the execution, it also tells the subscribers of the executions lists.
func (h *Hub) Publish(executionARN string, ev runtime.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs[executionARN] {
		select {
		case s.c <- ev:
		default:
			s.dropped = true
			h.removeLocked(s)
		}
	}
	if change, ok := changeOf(executionARN, ev); ok {
		h.publishChangeLocked(change)
	}
}

// Record publishes ev; it lets the hub sit behind the store as a runtime.Recorder, so
// subscribers only ever hear of events that are already stored.
func (h *Hub) Record(_ context.Context, executionARN string, ev runtime.Event) error {
	h.Publish(executionARN, ev)
	return nil
}

// ExecutionChange is what the executions lists hear: an execution started (or was redriven)
// and is RUNNING, or ended with Status at StoppedAt.
type ExecutionChange struct {
	ARN       string
	Status    runtime.Status
	StoppedAt time.Time
}

// changeOf says how ev changes its execution's status; ok is false for the events inside a run.
func changeOf(executionARN string, ev runtime.Event) (ExecutionChange, bool) {
	c := ExecutionChange{ARN: executionARN}
	switch ev.Type {
	case runtime.ExecutionStarted, runtime.ExecutionRedriven:
		c.Status = runtime.StatusRunning
	case runtime.ExecutionSucceeded:
		c.Status = runtime.StatusSucceeded
	case runtime.ExecutionFailed:
		c.Status = runtime.StatusFailed
	case runtime.ExecutionTimedOut:
		c.Status = runtime.StatusTimedOut
	case runtime.ExecutionAborted:
		c.Status = runtime.StatusAborted
	default:
		return c, false
	}
	if c.Status != runtime.StatusRunning {
		c.StoppedAt = ev.Timestamp
	}
	return c, true
}

// ChangeSubscription receives the status changes of every execution on C until it is closed
// or dropped.
type ChangeSubscription struct {
	// C delivers changes in order; it is closed when the subscription ends.
	C       <-chan ExecutionChange
	c       chan ExecutionChange
	hub     *Hub
	dropped bool
}

// SubscribeChanges starts receiving the status changes of every execution.
func (h *Hub) SubscribeChanges() *ChangeSubscription {
	c := make(chan ExecutionChange, subscriberBuffer)
	s := &ChangeSubscription{C: c, c: c, hub: h}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.changes[s] = struct{}{}
	return s
}

// Dropped reports whether the hub dropped the subscription for falling behind.
func (s *ChangeSubscription) Dropped() bool {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return s.dropped
}

// Close ends the subscription; it is safe to call more than once.
func (s *ChangeSubscription) Close() {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	s.hub.removeChangeLocked(s)
}

func (h *Hub) removeChangeLocked(s *ChangeSubscription) {
	if _, ok := h.changes[s]; !ok {
		return
	}
	delete(h.changes, s)
	close(s.c)
}

// publishChangeLocked sends c to every list subscriber, dropping those that are full: a list
// page that lags this far reloads its rows from the store.
func (h *Hub) publishChangeLocked(c ExecutionChange) {
	for s := range h.changes {
		select {
		case s.c <- c:
		default:
			s.dropped = true
			h.removeChangeLocked(s)
		}
	}
}

// InboxChanged tells the inbox's listeners that the waiting tasks changed in a way the
// history does not show (a claim, a release, a heartbeat). Publishing never blocks.
//
// TODO(inbox): the live inbox topic replaces this no-op; it is here so that the claim and
// heartbeat handlers can call it while the topic is written.
func (h *Hub) InboxChanged() {}
