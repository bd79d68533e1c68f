package web

import (
	"testing"

	"github.com/stepstudio/stepstudio/runtime"
)

func TestHubDeliversInOrder(t *testing.T) {
	t.Parallel()
	h := NewHub()
	a := h.Subscribe("exec-a")
	b := h.Subscribe("exec-b")
	defer a.Close()
	defer b.Close()
	for i := int64(1); i <= 3; i++ {
		h.Publish("exec-a", runtime.Event{ID: i})
	}
	for i := int64(1); i <= 3; i++ {
		if ev := <-a.C; ev.ID != i {
			t.Fatalf("event %d: got id %d", i, ev.ID)
		}
	}
	select {
	case ev := <-b.C:
		t.Fatalf("subscriber of another execution got %+v", ev)
	default:
	}
}

func TestHubDropsSlowSubscriberWithoutBlocking(t *testing.T) {
	t.Parallel()
	h := NewHub()
	slow := h.Subscribe("exec")
	fast := h.Subscribe("exec")
	defer fast.Close()
	// The slow subscriber never reads; publishing well past its buffer must not block. The
	// fast one drains after each batch, so it never falls a full buffer behind.
	id := int64(0)
	for batch := 0; batch < 4; batch++ {
		for i := 0; i < subscriberBuffer; i++ {
			id++
			h.Publish("exec", runtime.Event{ID: id})
		}
		for i := 0; i < subscriberBuffer; i++ {
			if _, ok := <-fast.C; !ok {
				t.Fatal("the reading subscriber was dropped")
			}
		}
	}
	if !slow.Dropped() {
		t.Fatal("the slow subscriber was not dropped")
	}
	// Its channel holds what fitted, then is closed.
	count := 0
	for range slow.C {
		count++
	}
	if count != subscriberBuffer {
		t.Errorf("slow subscriber got %d events before the drop, want %d", count, subscriberBuffer)
	}
	slow.Close() // closing a dropped subscription is harmless
}
