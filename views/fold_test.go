package views_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
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
				got := f.Node(n.scope, n.node)
				if ran := got.Count > 0; ran != (got.Visit > 0) {
					t.Errorf("node %s in scope %q ran %d times and names visit %d", n.node, n.scope, got.Count, got.Visit)
				}
				if got.Visit = 0; got != n.want {
					t.Errorf("node %s in scope %q = %+v, want %+v", n.node, n.scope, got, n.want)
				}
			}
			edges := f.Edges("")
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
		call.Error != "Boom" || call.OutputEvent == 0 || !call.Ended {
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

// TestFoldCaughtVisit checks that a Fail state reached through a Catch (directly or after
// other states) names the visit whose error the Catch handled, and that no other failure
// does.
func TestFoldCaughtVisit(t *testing.T) {
	t.Parallel()
	const call = `"Call":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","Catch":[{"ErrorEquals":["States.ALL"],"Next":%q}],"End":true}`
	tests := []struct {
		name, definition string
		want             string // the state of the caught visit, "" for none
	}{
		{name: "catch_to_fail", want: "Call", definition: `{"StartAt":"Call","States":{` + fmt.Sprintf(call, "Stop") +
			`,"Stop":{"Type":"Fail","Error":"OrderFailed","Cause":"see the task"}}}`},
		{name: "catch_to_pass_then_fail", want: "Call", definition: `{"StartAt":"Call","States":{` + fmt.Sprintf(call, "Note") +
			`,"Note":{"Type":"Pass","Next":"Stop"},"Stop":{"Type":"Fail","Error":"OrderFailed"}}}`},
		{name: "fail_without_catch", definition: parallelTwo},
		{name: "uncaught_task_failure", definition: `{"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true}}}`},
		{name: "caught_and_succeeded", definition: retryCatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			events, g := run(t, tt.definition, `{}`)
			got := views.FoldEvents(g, events).CaughtVisit()
			if tt.want == "" {
				if got != nil {
					t.Fatalf("CaughtVisit = %+v, want none", got)
				}
				return
			}
			if got == nil || got.State != tt.want || got.Error != "Boom" || got.Cause != "it broke" || got.Status != views.StateCaught {
				t.Fatalf("CaughtVisit = %+v, want %s's caught Boom", got, tt.want)
			}
		})
	}
}

// TestFoldEventScope checks that each event is placed in the branch it happened in, and the
// execution's own events in none.
func TestFoldEventScope(t *testing.T) {
	t.Parallel()
	events, g := run(t, parallelTwo, `{}`)
	f := views.FoldEvents(g, events)
	got := map[string]string{}
	for _, ev := range events {
		if ev.State != "" && strings.HasSuffix(string(ev.Type), "StateEntered") || ev.Type == runtime.ExecutionStarted {
			got[string(ev.Type)+" "+ev.State] = f.EventScope(ev.ID)
		}
	}
	want := map[string]string{
		"ExecutionStarted ": "", "ParallelStateEntered Both": "", "FailStateEntered Stop": "",
		"PassStateEntered Left": "/Both~0", "WaitStateEntered Pause": "/Both~1", "PassStateEntered Right": "/Both~1",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("event scopes (-want +got):\n%s", diff)
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
	events := h.all()
	if id := f.Visits[0].ResultEvent; id < 1 || int(id) > len(events) || events[id-1].Details.Output != `{"ok":true}` {
		t.Errorf("result event %d, want the TaskSucceeded with the callback's output", id)
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
			want := pictureOf(views.FoldEvents(g, events)).json(t)
			for cut := range len(events) {
				f := views.FoldEvents(g, events[:cut])
				page := pictureOf(f)
				for _, ev := range events[max(cut-2, 0):] {
					page.apply(f.Apply(ev))
				}
				if got := page.json(t); got != want {
					t.Fatalf("cut after %d events:\n got %s\nwant %s", cut, got, want)
				}
				if got := pictureOf(f).json(t); got != want {
					t.Fatalf("fold in two halves, cut after %d events:\n got %s\nwant %s", cut, got, want)
				}
				if f.Last() != events[len(events)-1].ID {
					t.Fatalf("last event folded %d, want %d", f.Last(), events[len(events)-1].ID)
				}
			}
		})
	}
}

// picture is all the pages can show of a fold: the nodes and edges of every scope (the page
// gets the whole execution's in its snapshot, a picked scope's as a ScopeView), the scopes,
// and the visits (the table's rows).
type picture struct {
	Nodes  map[string]map[string]views.NodeState
	Edges  map[string][]string
	Scopes []views.ScopeInfo
	Visits []views.Visit
}

func pictureOf(f *views.Fold) *picture {
	snap := f.Snapshot()
	p := &picture{Nodes: map[string]map[string]views.NodeState{"": snap.Nodes}, Edges: map[string][]string{"": snap.Edges}, Scopes: snap.Scopes}
	for _, s := range f.Scopes {
		view, ok := f.Scope(s.Key)
		if !ok {
			panic("no scope " + s.Key)
		}
		p.Nodes[s.Key], p.Edges[s.Key] = view.Nodes, view.Edges
	}
	for _, v := range f.Visits {
		p.Visits = append(p.Visits, *v)
	}
	return p
}

// apply does what the page script does with a websocket message.
func (p *picture) apply(d views.Delta) {
	for _, n := range d.Nodes {
		if p.Nodes[n.Scope] == nil {
			p.Nodes[n.Scope] = map[string]views.NodeState{}
		}
		p.Nodes[n.Scope][n.Node] = n.NodeState
	}
	for _, e := range d.Edges {
		p.Edges[e.Scope] = append(p.Edges[e.Scope], e.Edge)
	}
	if d.Scope != nil {
		p.Scopes = append(p.Scopes, *d.Scope)
	}
	for _, v := range d.Visits {
		i := slices.IndexFunc(p.Visits, func(old views.Visit) bool { return old.ID == v.ID })
		if i >= 0 {
			p.Visits[i] = *v
		} else {
			p.Visits = append(p.Visits, *v)
		}
	}
}

// json is a picture as comparable text: edge lists sorted, empty scopes left out.
func (p *picture) json(t *testing.T) string {
	t.Helper()
	for key, edges := range p.Edges {
		sort.Strings(edges)
		if len(edges) == 0 {
			delete(p.Edges, key)
		}
	}
	for key, nodes := range p.Nodes {
		if len(nodes) == 0 {
			delete(p.Nodes, key)
		}
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestFoldActivity: an activity task waits (for a worker, then for its answer) and its result
// is its ActivitySucceeded's output; a failed one fails the visit.
func TestFoldActivity(t *testing.T) {
	t.Parallel()
	const definition = `{"StartAt":"Work","States":{
	 "Work":{"Type":"Task","Resource":"arn:aws:states:us-east-1:123456789012:activity:work","End":true}}}`
	for _, fail := range []bool{false, true} {
		def, err := runtime.Parse([]byte(definition))
		if err != nil {
			t.Fatal(err)
		}
		h := &history{seen: make(chan runtime.EventType, 64)}
		eng := runtime.NewEngine(runtime.EngineConfig{Clock: fakeclock.NewVirtual(time.Unix(1e9, 0)), Recorder: h,
			NewToken: func() (string, error) { return "tok", nil }})
		if err := eng.Start(context.Background(), runtime.StartInput{ExecutionARN: "arn:x", Definition: def}); err != nil {
			t.Fatal(err)
		}
		for typ := range h.seen {
			if typ == runtime.ActivityScheduled {
				break
			}
		}
		g := graphOf(t, definition)
		if got := views.FoldEvents(g, h.all()).Node("", "state-Work"); got.Status != views.StateWaiting {
			t.Errorf("waiting for a worker: %+v, want waiting", got)
		}
		if fail {
			err = eng.SendTaskFailure("tok", "Broken", "the worker failed")
		} else {
			err = eng.SendTaskSuccess("tok", json.RawMessage(`{"done":true}`))
		}
		if err != nil {
			t.Fatal(err)
		}
		eng.Wait()
		f := views.FoldEvents(g, h.all())
		want := views.StateSucceeded
		if fail {
			want = views.StateFailed
		}
		if got := f.Node("", "state-Work"); got.Status != want {
			t.Errorf("fail=%v: %+v, want %s", fail, got, want)
		}
		if !fail && f.Visits[0].ResultEvent == 0 {
			t.Errorf("no result event for the activity's answer")
		}
	}
}
