package fakeclock_test

import (
	"context"
	"testing"
	"time"

	"github.com/stepstudio/stepstudio/runtime/fakeclock"
)

var start = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// fired reports whether the channel has a tick, without waiting.
func fired(c <-chan time.Time) (time.Time, bool) {
	select {
	case t := <-c:
		return t, true
	default:
		return time.Time{}, false
	}
}

func TestAdvanceFiresDueTimersInOrder(t *testing.T) {
	t.Parallel()
	c := fakeclock.New(start)
	late := c.NewTimer(10 * time.Second)
	early := c.NewTimer(5 * time.Second)
	stopped := c.NewTimer(time.Second)
	if !stopped.Stop() || stopped.Stop() {
		t.Error("Stop should report true once, then false")
	}
	c.Advance(4 * time.Second)
	if _, ok := fired(early.C()); ok {
		t.Fatal("fired before its time")
	}
	c.Advance(time.Second)
	if at, ok := fired(early.C()); !ok || !at.Equal(start.Add(5*time.Second)) {
		t.Fatalf("early timer: %v %v", at, ok)
	}
	if _, ok := fired(late.C()); ok {
		t.Fatal("late timer fired early")
	}
	if _, ok := fired(stopped.C()); ok {
		t.Fatal("a stopped timer fired")
	}
	if c.Pending() != 1 {
		t.Errorf("pending %d, want 1", c.Pending())
	}
	if !c.AdvanceToNext() || !c.Now().Equal(start.Add(10*time.Second)) {
		t.Errorf("AdvanceToNext moved to %v", c.Now())
	}
	if _, ok := fired(late.C()); !ok {
		t.Error("late timer did not fire")
	}
	if late.Stop() {
		t.Error("Stop of a fired timer reported true")
	}
	if c.AdvanceToNext() {
		t.Error("AdvanceToNext with no timers reported true")
	}
}

func TestZeroDurationFiresAtOnce(t *testing.T) {
	t.Parallel()
	c := fakeclock.New(start)
	if _, ok := fired(c.NewTimer(0).C()); !ok {
		t.Error("a zero timer did not fire")
	}
	if c.Pending() != 0 {
		t.Error("a zero timer is pending")
	}
}

func TestBlockUntil(t *testing.T) {
	t.Parallel()
	c := fakeclock.New(start)
	done := make(chan int, 1)
	go func() {
		if err := c.BlockUntil(context.Background(), 2); err != nil {
			t.Error(err)
		}
		done <- c.Pending()
	}()
	c.NewTimer(time.Second)
	c.NewTimer(time.Second)
	if n := <-done; n != 2 {
		t.Fatalf("BlockUntil(2) returned with %d timers pending", n)
	}
	if err := c.BlockUntilCreated(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.BlockUntil(ctx, 5); err == nil {
		t.Error("BlockUntil ignored its context")
	}
}

func TestVirtualClockJumps(t *testing.T) {
	t.Parallel()
	c := fakeclock.NewVirtual(start)
	tm := c.NewTimer(time.Hour)
	at, ok := fired(tm.C())
	if !ok || !at.Equal(start.Add(time.Hour)) || !c.Now().Equal(start.Add(time.Hour)) {
		t.Errorf("virtual timer fired %v %v, clock at %v", at, ok, c.Now())
	}
	c.NewTimer(-time.Minute)
	if !c.Now().Equal(start.Add(time.Hour)) {
		t.Error("a negative timer moved the clock back")
	}
}
