package web

import (
	"strings"
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
// changes of every execution's status (started, ended), with the same bounded buffers, and
// one for the inbox: the moments the set of waiting callback tasks, or a task's claim, changes.
type Hub struct {
	mu      sync.Mutex // guards every topic and subscription
	execs   map[string]*topic[[]runtime.Event]
	changes *topic[ExecutionChange]
	inbox   *topic[InboxChange]
}

// NewHub returns an empty hub.
func NewHub() *Hub {
	h := &Hub{execs: map[string]*topic[[]runtime.Event]{}}
	h.changes = &topic[ExecutionChange]{hub: h}
	h.inbox = &topic[InboxChange]{hub: h}
	return h
}

// Sub receives the messages of one topic on C, in order, until it is closed or dropped.
type Sub[T any] struct {
	// C delivers the messages; it is closed when the subscription ends.
	C       <-chan T
	c       chan T
	topic   *topic[T]
	dropped bool
}

// The hub's three kinds of subscription.
type (
	// Subscription receives the history events of one execution, as many at a time as were
	// committed together.
	Subscription = Sub[[]runtime.Event]
	// ChangeSubscription receives the status changes of every execution.
	ChangeSubscription = Sub[ExecutionChange]
	// InboxSubscription receives what changes the waiting tasks.
	InboxSubscription = Sub[InboxChange]
)

// Dropped reports whether the hub dropped the subscription for falling behind.
func (s *Sub[T]) Dropped() bool {
	s.topic.hub.mu.Lock()
	defer s.topic.hub.mu.Unlock()
	return s.dropped
}

// Close ends the subscription; it is safe to call more than once.
func (s *Sub[T]) Close() {
	s.topic.hub.mu.Lock()
	defer s.topic.hub.mu.Unlock()
	s.topic.removeLocked(s)
}

// topic is one stream of messages and its subscribers; the hub's mutex guards it.
type topic[T any] struct {
	hub  *Hub
	subs map[*Sub[T]]struct{}
	// empty is called, lock held, when the last subscriber leaves (an execution's topic is
	// then forgotten).
	empty func()
}

// subscribeLocked adds a subscriber with a buffer of subscriberBuffer messages.
func (t *topic[T]) subscribeLocked() *Sub[T] {
	c := make(chan T, subscriberBuffer)
	s := &Sub[T]{C: c, c: c, topic: t}
	if t.subs == nil {
		t.subs = map[*Sub[T]]struct{}{}
	}
	t.subs[s] = struct{}{}
	return s
}

func (t *topic[T]) removeLocked(s *Sub[T]) {
	if _, ok := t.subs[s]; !ok {
		return
	}
	delete(t.subs, s)
	close(s.c)
	if len(t.subs) == 0 && t.empty != nil {
		t.empty()
	}
}

// publishLocked sends v to every subscriber, dropping those that are full: never blocking is
// what keeps a stalled browser from slowing an execution; a dropped page catches up from the
// store when it reconnects.
func (t *topic[T]) publishLocked(v T) {
	for s := range t.subs {
		select {
		case s.c <- v:
		default:
			s.dropped = true
			t.removeLocked(s)
		}
	}
}

// Subscribe starts receiving the events of the execution with the given ARN.
func (h *Hub) Subscribe(executionARN string) *Subscription {
	h.mu.Lock()
	defer h.mu.Unlock()
	t := h.execs[executionARN]
	if t == nil {
		t = &topic[[]runtime.Event]{hub: h}
		t.empty = func() { delete(h.execs, executionARN) }
		h.execs[executionARN] = t
	}
	return t.subscribeLocked()
}

// Publish sends events of the execution, in order, to its subscribers in one message
// (a subscriber's buffer counts messages: a burst committed at once costs one), dropping
// those that are full; when an event starts or ends the execution, or changes its waiting
// tasks, it also tells the subscribers of the executions lists and of the inbox.
func (h *Hub) Publish(executionARN string, events ...runtime.Event) {
	if len(events) == 0 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if t := h.execs[executionARN]; t != nil {
		t.publishLocked(events)
	}
	for _, ev := range events {
		if change, ok := changeOf(executionARN, ev); ok {
			h.changes.publishLocked(change)
		}
		if change, ok := inboxChangeOf(executionARN, ev); ok {
			h.inbox.publishLocked(change)
		}
	}
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

// SubscribeChanges starts receiving the status changes of every execution.
func (h *Hub) SubscribeChanges() *ChangeSubscription {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.changes.subscribeLocked()
}

// InboxChange is what the inbox's listeners hear: something happened that may change the
// waiting tasks. Listeners read the tasks again rather than patch them from the change, so a
// change that turns out to touch no waiting task (a plain Task's end) costs one query.
type InboxChange struct {
	// ExecutionARN and State name the task's execution and state; both are empty for a
	// claim, release or heartbeat (InboxChanged).
	ExecutionARN string
	State        string
	Type         runtime.EventType
}

// inboxChangeOf says whether ev may add or remove a waiting callback task: a callback task is
// submitted or ends, or an execution ends (its waiting tasks are cancelled with it).
func inboxChangeOf(executionARN string, ev runtime.Event) (InboxChange, bool) {
	c := InboxChange{ExecutionARN: executionARN, State: ev.State, Type: ev.Type}
	switch ev.Type {
	case runtime.TaskSubmitted:
		return c, ev.Details.TaskToken != ""
	case runtime.TaskSucceeded, runtime.TaskFailed, runtime.TaskTimedOut:
		return c, strings.HasSuffix(ev.Details.Resource, ".waitForTaskToken")
	case runtime.ExecutionSucceeded, runtime.ExecutionFailed, runtime.ExecutionTimedOut, runtime.ExecutionAborted:
		return c, true
	}
	return c, false
}

// SubscribeInbox starts receiving the inbox's changes.
func (h *Hub) SubscribeInbox() *InboxSubscription {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.inbox.subscribeLocked()
}

// InboxChanged tells the inbox's listeners that the waiting tasks changed in a way the
// history does not show (a claim, a release, a heartbeat). Call it after the change is
// stored, so that listeners read it. Publishing never blocks.
func (h *Hub) InboxChanged() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.inbox.publishLocked(InboxChange{})
}
