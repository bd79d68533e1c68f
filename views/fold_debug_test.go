package views_test

import (
	"testing"

	"github.com/stepstudio/stepstudio/designer"
	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/views"
)

// TestFoldPauses: a debug run's pauses open and close as their events come, each in its
// Map iteration or Parallel branch; a pause again at the same state of the same frame (after
// a restart) replaces the one before.
func TestFoldPauses(t *testing.T) {
	t.Parallel()
	const def = `{"StartAt":"Each","States":{"Each":{"Type":"Map","ItemsPath":"$.items","Next":"Both",
	  "ItemProcessor":{"StartAt":"Item","States":{"Item":{"Type":"Pass","End":true}}}},
	  "Both":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"L","States":{"L":{"Type":"Pass","End":true}}}]}}}`
	g, err := designer.NewGraph([]byte(def))
	if err != nil {
		t.Fatal(err)
	}
	f := views.NewFold(views.NewRunGraph(g))
	zero, one := 0, 1
	paused := func(id, prev int64, state, reason string) runtime.Event {
		return runtime.Event{ID: id, PreviousEventID: prev, Type: runtime.StudioDebugPaused, State: state,
			Details: runtime.EventDetails{Name: state, Input: `{"n":1}`, Debug: &runtime.DebugDetails{Reason: reason, Variables: map[string]string{"x": "1"}}}}
	}
	for _, ev := range []runtime.Event{
		{ID: 1, Type: runtime.ExecutionStarted},
		paused(2, 0, "Each", runtime.PausedAtBreakpoint),
		{ID: 3, Type: runtime.StudioDebugResumed, State: "Each", Details: runtime.EventDetails{Debug: &runtime.DebugDetails{Action: "stepInto", Paused: 2}}},
		{ID: 4, PreviousEventID: 0, Type: runtime.MapStateEntered, State: "Each", Details: runtime.EventDetails{Name: "Each"}},
		{ID: 5, PreviousEventID: 4, Type: runtime.MapStateStarted, State: "Each"},
		{ID: 6, PreviousEventID: 5, Type: runtime.MapIterationStarted, State: "Each", Details: runtime.EventDetails{Name: "Each", Index: &zero}},
		{ID: 7, PreviousEventID: 5, Type: runtime.MapIterationStarted, State: "Each", Details: runtime.EventDetails{Name: "Each", Index: &one}},
		paused(8, 6, "Item", runtime.PausedAfterStep),
		paused(9, 7, "Item", runtime.PausedAfterStep),
	} {
		f.Apply(ev)
	}
	got := f.Pauses()
	if len(got) != 2 || got[0].ID != 8 || got[0].Label == "" || got[0].Scope == got[1].Scope || got[0].Node != designer.NodeID("Item") {
		t.Fatalf("pauses %+v, want Item in iterations 0 and 1", got)
	}
	if got[0].Input != `{"n":1}` || got[0].Variables["x"] != "1" || got[0].Reason != runtime.PausedAfterStep || got[0].Container {
		t.Fatalf("the pause %+v", got[0])
	}
	// The same frame paused again (a restart): still two.
	f.Apply(paused(10, 6, "Item", runtime.PausedAfterRestart))
	if got := f.Pauses(); len(got) != 2 || got[1].ID != 10 {
		t.Fatalf("after a second pause in iteration 0: %+v", got)
	}
	f.Apply(runtime.Event{ID: 11, Type: runtime.StudioDebugResumed, State: "Item", Details: runtime.EventDetails{Debug: &runtime.DebugDetails{Action: "continue", Paused: 9}}})
	if got := f.Pauses(); len(got) != 1 || got[0].ID != 10 {
		t.Fatalf("after resuming iteration 1: %+v", got)
	}
	if snap := f.Snapshot(); len(snap.Pauses) != 1 {
		t.Fatalf("the snapshot's pauses: %+v", snap.Pauses)
	}
}
