package web

import (
	"context"
	"sync"

	"github.com/stepstudio/stepstudio/runtime"
)

// subscriberBuffer is how many events a subscriber may fall behind before it is dropped.
// A browser that lags this far reconnects and catches up from the stored history.
const subscriberBuffer = 256

// Hub fans history events out to the subscribers of each execution. Publish never blocks:
// a subscriber whose buffer is full is dropped (its channel closed), so a slow browser can
// never slow an execution down.
type Hub struct {
	mu   sync.Mutex
	subs map[string]map[*Subscription]struct{}
}

// NewHub returns an empty hub.
func NewHub() *Hub {
	return &Hub{subs: map[string]map[*Subscription]struct{}{}}
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

// Publish sends ev to every subscriber of the execution, dropping those that are full.
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
}

// Record publishes ev; it lets the hub sit behind the store as a runtime.Recorder, so
// subscribers only ever hear of events that are already stored.
func (h *Hub) Record(_ context.Context, executionARN string, ev runtime.Event) error {
	h.Publish(executionARN, ev)
	return nil
}
