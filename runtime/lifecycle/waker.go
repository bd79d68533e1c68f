package lifecycle

import (
	"container/heap"
	"context"
	"sync"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
)

// waker wakes the sleeping executions when they are due. It holds one timer, for the
// earliest, however many sleep: 10,000 executions in a Wait cost a map entry and a heap
// entry each, not a goroutine. The due times are also in the store (executions.wake_at), so
// a restart finds them again.
type waker struct {
	mu  sync.Mutex
	due map[int64]time.Time // execution id -> when to wake it: the truth
	// queue orders the due times; an entry whose time due no longer holds (the execution
	// was woken early, or sleeps again) is skipped when it comes up.
	queue   dueQueue
	changed chan struct{} // a due time was added (buffered: one pending signal is enough)
}

func (w *waker) add(id int64, at time.Time) {
	w.mu.Lock()
	w.due[id] = at
	heap.Push(&w.queue, dueEntry{id: id, at: at})
	w.mu.Unlock()
	select {
	case w.changed <- struct{}{}:
	default:
	}
}

func (w *waker) remove(id int64) {
	w.mu.Lock()
	delete(w.due, id)
	w.mu.Unlock()
}

// next is the earliest due time, ok false when nothing sleeps.
func (w *waker) next() (time.Time, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.dropStale()
	if len(w.queue) == 0 {
		return time.Time{}, false
	}
	return w.queue[0].at, true
}

// takeDue removes and returns the executions due by now, earliest first.
func (w *waker) takeDue(now time.Time) []int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	var ids []int64
	for w.dropStale(); len(w.queue) > 0 && !w.queue[0].at.After(now); w.dropStale() {
		e := heap.Pop(&w.queue).(dueEntry)
		delete(w.due, e.id)
		ids = append(ids, e.id)
	}
	return ids
}

// dropStale pops the entries at the head whose time is no longer their execution's.
func (w *waker) dropStale() {
	for len(w.queue) > 0 {
		if at, ok := w.due[w.queue[0].id]; ok && at.Equal(w.queue[0].at) {
			return
		}
		heap.Pop(&w.queue)
	}
}

type dueEntry struct {
	id int64
	at time.Time
}

// dueQueue is a min-heap of due times (container/heap).
type dueQueue []dueEntry

func (q dueQueue) Len() int           { return len(q) }
func (q dueQueue) Less(i, j int) bool { return q[i].at.Before(q[j].at) }
func (q dueQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *dueQueue) Push(x any)        { *q = append(*q, x.(dueEntry)) }
func (q *dueQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// run wakes the executions with wake as they come due, until ctx ends.
func (w *waker) run(ctx context.Context, clock runtime.Clock, wake func(id int64)) {
	for {
		for _, id := range w.takeDue(clock.Now()) {
			wake(id)
		}
		var timer runtime.Timer
		var fired <-chan time.Time
		if at, ok := w.next(); ok {
			timer = clock.NewTimer(at.Sub(clock.Now()))
			fired = timer.C()
		}
		select {
		case <-fired:
		case <-w.changed:
		case <-ctx.Done():
			if timer != nil {
				timer.Stop()
			}
			return
		}
		if timer != nil {
			timer.Stop()
		}
	}
}
