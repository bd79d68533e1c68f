// Package fakeclock provides clocks for tests of anything built on runtime.Clock.
//
// A manual clock (New) moves only when the test calls Advance, so a one-hour Wait takes
// no time and fires exactly when the test says; BlockUntil lets the test wait until the
// code under test has armed its timers, so tests never sleep. A virtual clock (NewVirtual)
// fires every timer at once and moves its time to the timer's deadline, which runs a
// whole execution in virtual time without a test driving it.
package fakeclock

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
)

// Clock is a fake runtime.Clock. Its zero value is not usable; call New or NewVirtual.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	virtual bool
	pending []*timer
	created int
	// changed is closed and replaced whenever the pending timers change, to wake BlockUntil.
	changed chan struct{}
}

var _ runtime.Clock = (*Clock)(nil)

// New returns a manual clock showing start.
func New(start time.Time) *Clock {
	return &Clock{now: start, changed: make(chan struct{})}
}

// NewVirtual returns a clock on which every timer fires as soon as it is created, after
// moving the clock forward by its duration. It suits code that only ever waits for one
// timer at a time (an execution without callbacks); it never blocks.
func NewVirtual(start time.Time) *Clock {
	c := New(start)
	c.virtual = true
	return c
}

// Virtual reports whether the clock fires its timers at once (NewVirtual); the runtime then
// runs task calls without racing them against their timeouts.
func (c *Clock) Virtual() bool { return c.virtual }

// Now returns the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer returns a timer that fires once the clock has moved d forward.
func (c *Clock) NewTimer(d time.Duration) runtime.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &timer{clock: c, ch: make(chan time.Time, 1), when: c.now.Add(d)}
	c.created++
	c.notify()
	if c.virtual {
		if d > 0 {
			c.now = t.when
		}
		t.fire(c.now)
		return t
	}
	if d <= 0 {
		t.fire(c.now)
		return t
	}
	c.pending = append(c.pending, t)
	return t
}

// Advance moves the clock forward by d and fires, in deadline order, every timer due by then.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	slices.SortStableFunc(c.pending, func(a, b *timer) int { return a.when.Compare(b.when) })
	kept := c.pending[:0]
	for _, t := range c.pending {
		if t.when.After(c.now) {
			kept = append(kept, t)
			continue
		}
		t.fire(t.when)
	}
	c.pending = kept
	c.notify()
}

// AdvanceToNext moves the clock to the earliest pending timer and fires it (and any other
// timer due then). It reports whether there was a timer.
func (c *Clock) AdvanceToNext() bool {
	c.mu.Lock()
	if len(c.pending) == 0 {
		c.mu.Unlock()
		return false
	}
	next := c.pending[0].when
	for _, t := range c.pending[1:] {
		if t.when.Before(next) {
			next = t.when
		}
	}
	d := next.Sub(c.now)
	c.mu.Unlock()
	c.Advance(d)
	return true
}

// Pending returns how many timers wait to fire.
func (c *Clock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pending)
}

// Created returns how many timers have been created since the clock was made.
func (c *Clock) Created() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.created
}

// BlockUntil waits until at least n timers are pending, or ctx ends.
func (c *Clock) BlockUntil(ctx context.Context, n int) error {
	return c.blockUntil(ctx, func() bool { return len(c.pending) >= n })
}

// BlockUntilCreated waits until at least n timers have been created since the clock was
// made, or ctx ends. It tells a replaced timer (one stopped and a new one armed, as after
// a heartbeat) from the old one still pending.
func (c *Clock) BlockUntilCreated(ctx context.Context, n int) error {
	return c.blockUntil(ctx, func() bool { return c.created >= n })
}

// blockUntil waits until done, called with c.mu held, is true.
func (c *Clock) blockUntil(ctx context.Context, done func() bool) error {
	for {
		c.mu.Lock()
		if done() {
			c.mu.Unlock()
			return nil
		}
		changed := c.changed
		c.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// notify wakes BlockUntil; the caller holds c.mu.
func (c *Clock) notify() {
	close(c.changed)
	c.changed = make(chan struct{})
}

type timer struct {
	clock *Clock
	ch    chan time.Time
	when  time.Time
	done  bool // fired or stopped; guarded by clock.mu
}

func (t *timer) C() <-chan time.Time { return t.ch }

// fire delivers the tick; the caller holds the clock's lock.
func (t *timer) fire(at time.Time) {
	t.done = true
	t.ch <- at
}

// Stop prevents the timer from firing and reports whether it did.
func (t *timer) Stop() bool {
	c := t.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.done {
		return false
	}
	t.done = true
	c.pending = slices.DeleteFunc(c.pending, func(p *timer) bool { return p == t })
	c.notify()
	return true
}
