package web

import (
	"testing"
	"time"

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
		if evs := <-a.C; len(evs) != 1 || evs[0].ID != i {
			t.Fatalf("event %d: got %+v", i, evs)
		}
	}
	// Events committed together come together, in order.
	h.Publish("exec-a", runtime.Event{ID: 4}, runtime.Event{ID: 5})
	if evs := <-a.C; len(evs) != 2 || evs[0].ID != 4 || evs[1].ID != 5 {
		t.Fatalf("a batch: got %+v", evs)
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

func TestHubTellsListsOfStartsAndEndsOnly(t *testing.T) {
	t.Parallel()
	h := NewHub()
	list := h.SubscribeChanges()
	defer list.Close()
	end := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	h.Publish("exec-a", runtime.Event{ID: 1, Type: runtime.ExecutionStarted, Timestamp: end.Add(-time.Minute)})
	h.Publish("exec-a", runtime.Event{ID: 2, Type: runtime.PassStateEntered, State: "P"})
	h.Publish("exec-a", runtime.Event{ID: 3, Type: runtime.ExecutionFailed, Timestamp: end})
	want := []ExecutionChange{
		{ARN: "exec-a", Status: runtime.StatusRunning},
		{ARN: "exec-a", Status: runtime.StatusFailed, StoppedAt: end},
	}
	for i, w := range want {
		if got := <-list.C; got != w {
			t.Errorf("change %d: got %+v, want %+v", i, got, w)
		}
	}
	select {
	case c := <-list.C:
		t.Errorf("a state's event reached the list: %+v", c)
	default:
	}
}

// A list page that never reads must cost the runtime nothing: publishing goes on without
// waiting for it, and it is dropped once its buffer is full.
func TestHubDropsStalledListSubscriberWithoutBlocking(t *testing.T) {
	t.Parallel()
	h := NewHub()
	stalled := h.SubscribeChanges()
	reader := h.SubscribeChanges()
	defer reader.Close()
	// The reader drains after each buffer's worth, so only the stalled one falls behind.
	const batches = 4
	done := make(chan string)
	go func() {
		for range batches {
			for range subscriberBuffer {
				h.Publish("exec", runtime.Event{ID: 1, Type: runtime.ExecutionStarted})
			}
			for range subscriberBuffer {
				if _, ok := <-reader.C; !ok {
					done <- "the reading subscriber was dropped"
					return
				}
			}
		}
		done <- ""
	}()
	select {
	case problem := <-done:
		if problem != "" {
			t.Fatal(problem)
		}
	case <-time.After(10 * time.Second): // not a speed limit: only a publisher stuck on the stalled page ends here
		t.Fatal("Publish blocked on a subscriber that does not read")
	}
	if !stalled.Dropped() {
		t.Fatal("the stalled list subscriber was not dropped")
	}
	count := 0
	for range stalled.C {
		count++
	}
	if count != subscriberBuffer {
		t.Errorf("the stalled subscriber got %d changes before the drop, want %d", count, subscriberBuffer)
	}
	stalled.Close()
}

// BenchmarkHubPublishWithStalledListSubscriber measures what a run pays per start or end
// while a list page has stopped reading.
func BenchmarkHubPublishWithStalledListSubscriber(b *testing.B) {
	h := NewHub()
	stalled := h.SubscribeChanges()
	defer stalled.Close()
	ev := runtime.Event{ID: 1, Type: runtime.ExecutionSucceeded}
	for b.Loop() {
		h.Publish("exec", ev)
	}
}

func TestHubTellsInboxOfCallbackTasksAndExecutionEnds(t *testing.T) {
	t.Parallel()
	h := NewHub()
	inbox := h.SubscribeInbox()
	defer inbox.Close()
	wait := runtime.EventDetails{Resource: "sendMessage.waitForTaskToken", ResourceType: "sqs"}
	h.Publish("exec", runtime.Event{ID: 1, Type: runtime.TaskScheduled, State: "Approve", Details: wait})
	h.Publish("exec", runtime.Event{ID: 2, Type: runtime.TaskSubmitted, State: "Approve",
		Details: runtime.EventDetails{Resource: wait.Resource, TaskToken: "tok"}})
	h.Publish("exec", runtime.Event{ID: 3, Type: runtime.TaskSucceeded, State: "Approve", Details: wait})
	h.Publish("exec", runtime.Event{ID: 4, Type: runtime.TaskFailed, State: "Plain",
		Details: runtime.EventDetails{Resource: "invoke", ResourceType: "lambda"}})
	h.Publish("exec", runtime.Event{ID: 5, Type: runtime.ExecutionAborted})
	h.InboxChanged()
	want := []InboxChange{
		{ExecutionARN: "exec", State: "Approve", Type: runtime.TaskSubmitted},
		{ExecutionARN: "exec", State: "Approve", Type: runtime.TaskSucceeded},
		{ExecutionARN: "exec", Type: runtime.ExecutionAborted},
		{},
	}
	for i, w := range want {
		if got := <-inbox.C; got != w {
			t.Errorf("change %d: got %+v, want %+v", i, got, w)
		}
	}
	select {
	case c := <-inbox.C:
		t.Errorf("an event that touches no callback task reached the inbox: %+v", c)
	default:
	}
}

// An inbox page that never reads must cost the runtime and the claim handlers nothing:
// publishing goes on without waiting for it, and it is dropped once its buffer is full.
func TestHubDropsStalledInboxSubscriberWithoutBlocking(t *testing.T) {
	t.Parallel()
	h := NewHub()
	stalled := h.SubscribeInbox()
	reader := h.SubscribeInbox()
	defer reader.Close()
	submitted := runtime.Event{ID: 1, Type: runtime.TaskSubmitted, State: "Approve",
		Details: runtime.EventDetails{TaskToken: "tok"}}
	const batches = 4
	done := make(chan string)
	go func() {
		for b := range batches {
			for range subscriberBuffer {
				if b%2 == 0 {
					h.Publish("exec", submitted)
				} else {
					h.InboxChanged()
				}
			}
			for range subscriberBuffer {
				if _, ok := <-reader.C; !ok {
					done <- "the reading subscriber was dropped"
					return
				}
			}
		}
		done <- ""
	}()
	select {
	case problem := <-done:
		if problem != "" {
			t.Fatal(problem)
		}
	case <-time.After(10 * time.Second): // not a speed limit: only a publisher stuck on the stalled page ends here
		t.Fatal("publishing blocked on an inbox subscriber that does not read")
	}
	if !stalled.Dropped() {
		t.Fatal("the stalled inbox subscriber was not dropped")
	}
	count := 0
	for range stalled.C {
		count++
	}
	if count != subscriberBuffer {
		t.Errorf("the stalled subscriber got %d changes before the drop, want %d", count, subscriberBuffer)
	}
	stalled.Close()
}

// BenchmarkHubInboxChangedWithStalledSubscriber measures what a claim or a callback task pays
// while an inbox page has stopped reading.
func BenchmarkHubInboxChangedWithStalledSubscriber(b *testing.B) {
	h := NewHub()
	stalled := h.SubscribeInbox()
	defer stalled.Close()
	for b.Loop() {
		h.InboxChanged()
	}
}
