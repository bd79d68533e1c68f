package views_test

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stepstudio/stepstudio/designer"
	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/fakeclock"
	"github.com/stepstudio/stepstudio/views"
)

// history is a recorder that keeps the events of one execution, and says when one of a type
// has been recorded.
type history struct {
	mu     sync.Mutex
	events []runtime.Event
	seen   chan runtime.EventType
}

func (h *history) Record(_ context.Context, _ string, ev runtime.Event) error {
	h.mu.Lock()
	h.events = append(h.events, ev)
	h.mu.Unlock()
	select {
	case h.seen <- ev.Type:
	default:
	}
	return nil
}

func (h *history) all() []runtime.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]runtime.Event(nil), h.events...)
}

// boomInvoker fails every task with the error Boom: the tests' tasks exist to retry and catch.
type boomInvoker struct{}

func (boomInvoker) Invoke(_ context.Context, req runtime.TaskRequest) (json.RawMessage, error) {
	if strings.HasSuffix(req.Resource, ".waitForTaskToken") {
		return json.RawMessage(`{}`), nil
	}
	return nil, &runtime.Error{Name: "Boom", Cause: "it broke"}
}

// run runs definition to its end on a virtual clock and returns its history and graph.
func run(t *testing.T, definition, input string) ([]runtime.Event, views.RunGraph) {
	t.Helper()
	def, err := runtime.Parse([]byte(definition))
	if err != nil {
		t.Fatal(err)
	}
	h := &history{seen: make(chan runtime.EventType, 1)}
	eng := runtime.NewEngine(runtime.EngineConfig{Clock: fakeclock.NewVirtual(time.Unix(1e9, 0)), Recorder: h, Invoker: boomInvoker{}})
	if _, err := eng.Run(context.Background(), runtime.StartInput{ExecutionARN: "arn:x", Definition: def, Input: json.RawMessage(input)}); err != nil {
		t.Fatal(err)
	}
	return h.all(), graphOf(t, definition)
}

func graphOf(t *testing.T, definition string) views.RunGraph {
	t.Helper()
	g, err := designer.NewGraph([]byte(definition))
	if err != nil {
		t.Fatal(err)
	}
	return views.NewRunGraph(g)
}

const retryCatch = `{"StartAt":"Call","States":{
 "Call":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f",
   "Retry":[{"ErrorEquals":["Boom"],"MaxAttempts":2,"IntervalSeconds":1}],
   "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Recover"}],"Next":"Never"},
 "Never":{"Type":"Pass","End":true},
 "Recover":{"Type":"Pass","End":true}}}`

const mapOfThree = `{"StartAt":"Each","States":{
 "Each":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"Check","States":{
   "Check":{"Type":"Choice","Choices":[{"Variable":"$","NumericGreaterThan":1,"Next":"Big"}],"Default":"Small"},
   "Big":{"Type":"Pass","End":true},
   "Small":{"Type":"Pass","End":true}}},"End":true}}}`

const parallelTwo = `{"StartAt":"Both","States":{
 "Both":{"Type":"Parallel","Branches":[
   {"StartAt":"Left","States":{"Left":{"Type":"Pass","End":true}}},
   {"StartAt":"Pause","States":{"Pause":{"Type":"Wait","Seconds":1,"Next":"Right"},
     "Right":{"Type":"Pass","End":true}}}],"Next":"Stop"},
 "Stop":{"Type":"Fail","Error":"Nope","Cause":"we stop here"}}}`

func TestFoldStatuses(t *testing.T) {
	t.Parallel()
	type node struct {
		scope, node string
		want        views.NodeState
	}
	tests := []struct {
		name       string
		definition string
		input      string
		nodes      []node
		edges      []string
		scopes     []string
	}{
		{
			name:       "retried then caught",
			definition: retryCatch, input: `{}`,
			nodes: []node{
				{"", "state-Call", views.NodeState{Status: views.StateCaught, Count: 3}},
				{"", "state-Recover", views.NodeState{Status: views.StateSucceeded, Count: 1}},
				{"", "state-Never", views.NodeState{Status: views.StateNotRun}},
			},
			edges: []string{"edge-Call-catch-0", "edge-Recover-end-0", "edge-start"},
		},
		{
			name:       "map of three iterations",
			definition: mapOfThree, input: `{"items":[1,2,3]}`,
			nodes: []node{
				{"", "state-Each", views.NodeState{Status: views.StateSucceeded, Count: 1}},
				{"", "state-Check", views.NodeState{Status: views.StateSucceeded, Count: 3}},
				{"", "state-Big", views.NodeState{Status: views.StateSucceeded, Count: 2}},
				{"", "state-Small", views.NodeState{Status: views.StateSucceeded, Count: 1}},
				{"/Each#0", "state-Small", views.NodeState{Status: views.StateSucceeded, Count: 1}},
				{"/Each#0", "state-Big", views.NodeState{Status: views.StateNotRun}},
				{"/Each#2", "state-Big", views.NodeState{Status: views.StateSucceeded, Count: 1}},
			},
			edges: []string{"edge-Big-join-0", "edge-Check-choice-0", "edge-Check-default-0", "edge-Each-branch-0",
				"edge-Each-end-0", "edge-Small-join-0", "edge-start"},
			scopes: []string{"/Each#0 Each #0", "/Each#1 Each #1", "/Each#2 Each #2"},
		},
		{
			name:       "parallel branches then a Fail",
			definition: parallelTwo, input: `{}`,
			nodes: []node{
				{"", "state-Both", views.NodeState{Status: views.StateSucceeded, Count: 1}},
				{"", "state-Stop", views.NodeState{Status: views.StateFailed, Count: 1}},
				{"/Both~0", "state-Left", views.NodeState{Status: views.StateSucceeded, Count: 1}},
				{"/Both~1", "state-Right", views.NodeState{Status: views.StateSucceeded, Count: 1}},
				{"/Both~1", "state-Left", views.NodeState{Status: views.StateNotRun}},
			},
			edges: []string{"edge-Both-branch-0", "edge-Both-branch-1", "edge-Both-next-0", "edge-Left-join-0",
				"edge-Pause-next-0", "edge-Right-join-0", "edge-start"},
			scopes: []string{"/Both~0 Both branch 1", "/Both~1 Both branch 2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			events, g := run(t, tt.definition, tt.input)
			f := views.FoldEvents(g, events)
			for _, n := range tt.nodes {
				if got := f.Node(n.scope, n.node); got != n.want {
					t.Errorf("node %s in scope %q = %+v, want %+v", n.node, n.scope, got, n.want)
				}
			}
			edges := f.Edges()[""]
			sort.Strings(edges)
			if diff := cmp.Diff(tt.edges, edges); diff != "" {
				t.Errorf("edges followed (-want +got):\n%s", diff)
			}
			var scopes []string
			for _, s := range f.Scopes {
				scopes = append(scopes, s.Key+" "+s.Label)
			}
			sort.Strings(scopes) // branches start concurrently
			if diff := cmp.Diff(tt.scopes, scopes); diff != "" {
				t.Errorf("scopes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFoldVisits(t *testing.T) {
	t.Parallel()
	events, g := run(t, retryCatch, `{"a":1}`)
	f := views.FoldEvents(g, events)
	if len(f.Visits) != 2 {
		t.Fatalf("visits = %d, want 2 (Call, Recover)", len(f.Visits))
	}
	call := f.Visits[0]
	if call.State != "Call" || call.Type != "Task" || call.Status != views.StateCaught || call.Retries != 2 ||
		call.Error != "Boom" || call.Input != `{"a":1}` || !call.Ended {
		t.Errorf("Call visit = %+v", call)
	}
	// The retries wait 1 s and 2 s on the virtual clock.
	if call.Duration != 3000 {
		t.Errorf("Call duration = %d ms, want 3000", call.Duration)
	}
	if rec := f.Visits[1]; rec.StartedAfter != 3000 {
		t.Errorf("Recover started after %d ms, want 3000", rec.StartedAfter)
	}
	if f.FailedVisit() != nil {
		t.Errorf("FailedVisit = %+v, want none: the failure was caught", f.FailedVisit())
	}
}

func TestFoldFailedExecution(t *testing.T) {
	t.Parallel()
	events, g := run(t, parallelTwo, `{}`)
	f := views.FoldEvents(g, events)
	failed := f.FailedVisit()
	if failed == nil || failed.State != "Stop" {
		t.Fatalf("FailedVisit = %+v, want the Fail state", failed)
	}
	for _, v := range f.Visits {
		if !v.Ended {
			t.Errorf("visit of %s still open after the execution failed", v.State)
		}
	}
}

// TestFoldWaiting checks the statuses of a run that waits for its callback, and that a fold
// of its history up to any event, then given the rest event by event, ends where one fold of
// the whole history does (what a page opened mid-run shows, after its catch-up).
func TestFoldWaiting(t *testing.T) {
	t.Parallel()
	const definition = `{"StartAt":"Ask","States":{
	 "Ask":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"token.$":"$$.Task.Token"},"End":true}}}`
	def, err := runtime.Parse([]byte(definition))
	if err != nil {
		t.Fatal(err)
	}
	h := &history{seen: make(chan runtime.EventType, 64)}
	var token string
	eng := runtime.NewEngine(runtime.EngineConfig{Clock: fakeclock.NewVirtual(time.Unix(1e9, 0)), Recorder: h, Invoker: boomInvoker{},
		NewToken: func() (string, error) { token = "tok"; return token, nil }})
	if err := eng.Start(context.Background(), runtime.StartInput{ExecutionARN: "arn:x", Definition: def}); err != nil {
		t.Fatal(err)
	}
	for typ := range h.seen {
		if typ == runtime.TaskSubmitted {
			break
		}
	}
	g := graphOf(t, definition)
	if got := views.FoldEvents(g, h.all()).Node("", "state-Ask"); got.Status != views.StateWaiting {
		t.Errorf("while waiting: %+v, want waiting", got)
	}
	if err := eng.SendTaskSuccess(token, json.RawMessage(`{"ok":true}`)); err != nil {
		t.Fatal(err)
	}
	eng.Wait()
	f := views.FoldEvents(g, h.all())
	if got := f.Node("", "state-Ask"); got.Status != views.StateSucceeded {
		t.Errorf("after the callback: %+v, want succeeded", got)
	}
	if got := f.Visits[0].Result; got != `{"ok":true}` {
		t.Errorf("result = %s, want the callback's output", got)
	}
}

// TestFoldCatchUp checks the websocket's promise: a page rendered from the first events and
// then given the deltas of the rest (some of them twice, as a reconnect may send) shows
// what a page rendered from the whole history shows.
func TestFoldCatchUp(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct{ definition, input string }{
		"retry catch": {retryCatch, `{}`},
		"map":         {mapOfThree, `{"items":[1,2,3,4,5]}`},
		"parallel":    {parallelTwo, `{}`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			events, g := run(t, c.definition, c.input)
			want := snapshotJSON(t, views.FoldEvents(g, events).Snapshot())
			for cut := range len(events) {
				f := views.FoldEvents(g, events[:cut])
				page := f.Snapshot()
				for _, ev := range events[max(cut-2, 0):] {
					applyDelta(&page, f.Apply(ev))
				}
				if got := snapshotJSON(t, page); got != want {
					t.Fatalf("cut after %d events:\n got %s\nwant %s", cut, got, want)
				}
				if got := snapshotJSON(t, f.Snapshot()); got != want {
					t.Fatalf("fold in two halves, cut after %d events:\n got %s\nwant %s", cut, got, want)
				}
			}
		})
	}
}

// applyDelta does what the page script does with a websocket message.
func applyDelta(s *views.Snapshot, d views.Delta) {
	for _, n := range d.Nodes {
		if s.Nodes[n.Scope] == nil {
			s.Nodes[n.Scope] = map[string]views.NodeState{}
		}
		s.Nodes[n.Scope][n.Node] = n.NodeState
	}
	for _, e := range d.Edges {
		s.Edges[e.Scope] = append(s.Edges[e.Scope], e.Edge)
	}
	if d.Scope != nil {
		s.Scopes = append(s.Scopes, *d.Scope)
	}
	for _, v := range d.Visits {
		replaced := false
		for i, old := range s.Visits {
			if old.ID == v.ID {
				s.Visits[i], replaced = v, true
			}
		}
		if !replaced {
			s.Visits = append(s.Visits, v)
		}
	}
}

// snapshotJSON is a snapshot as comparable text: edge lists sorted, visits copied as they are now.
func snapshotJSON(t *testing.T, s views.Snapshot) string {
	t.Helper()
	for _, edges := range s.Edges {
		sort.Strings(edges)
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
