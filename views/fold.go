package views

import (
	"cmp"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
)

// The statuses a state shows on the graph of an execution, and the table's visits.
const (
	StateNotRun    = "notrun"
	StateRunning   = "running"
	StateWaiting   = "waiting"
	StateSucceeded = "succeeded"
	StateFailed    = "failed"
	StateCaught    = "caught"  // it failed and a Catch took the execution elsewhere
	StateAborted   = "aborted" // it was still running when its execution, iteration or branch stopped
)

// statusRank orders the statuses for a state seen in several places at once (the iterations
// of a Map): what still needs attention wins over what is over.
var statusRank = map[string]int{StateWaiting: 6, StateRunning: 5, StateFailed: 4, StateCaught: 3, StateAborted: 2, StateSucceeded: 1}

// Fold turns an execution's history into what its page shows: the status of every state
// and how often it ran, the edges the execution followed and one Visit per time a state was
// entered, each seen from every scope that holds it. A scope is the whole execution ("") or
// one Map iteration or Parallel branch ("/Map#3", "/Par~1", nested as "/Map#3/Inner#0"); an
// event belongs to the scope found by following its PreviousEventID chain up to the
// MapIterationStarted or ParallelStateStarted that opened it.
//
// The server renders the page from a fold of the stored history and the websocket sends the
// Delta of each later event, so a page that watched live and one opened later agree.
//
// Folding is linear in the history: an event touches only the visits still open and the
// aggregates of its own node, never the whole list, so a 25,000-event history folds in a
// few milliseconds. The fold keeps no payloads (inputs, outputs): a visit names the events
// that hold them, to be read from the store when someone looks.
type Fold struct {
	g      RunGraph
	start  time.Time
	root   *scope
	last   int64 // the id of the last event folded
	events map[int64]foldEvent
	// open are the visits not yet ended, the only ones an end can still touch.
	open map[*Visit]struct{}
	// Scopes are the Map iterations and Parallel branches seen so far, in order of start.
	Scopes []ScopeInfo
	scopes map[string]bool
	// Visits are the visits of states, in order of entry.
	Visits []*Visit
	nodes  map[string]map[string]*nodeAgg // scope key -> node id -> aggregate
	edges  map[string]map[string]bool     // scope key -> edge ids followed
	delta  *Delta
	// failedState is the state ExecutionFailed names.
	failedState string
	// pauses are a debug run's frames paused now, by their StudioDebugPaused (fold_debug.go).
	pauses map[int64]*Pause
}

// foldEvent is what the fold keeps of an event to place the events that point at it.
type foldEvent struct {
	typ    runtime.EventType
	state  string
	scope  *scope
	opened *scope // the iteration a MapIterationStarted opened
	visit  *Visit
}

// scope is one run of a Map iteration or Parallel branch (or the execution). Runs of the
// same iteration number (a Map retried or entered again in a loop) share a key.
type scope struct {
	key       string
	parent    *scope
	container string // the Map or Parallel state; "" for the execution
	open      map[string]*Visit
	branches  map[int]*scope // of a ParallelStateStarted's run, by branch
}

// ScopeInfo describes a scope for the page's iteration and branch picker.
type ScopeInfo struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	// Node is the Map or Parallel state's node; Members what is drawn inside the branch.
	Node string `json:"node"`
	// Members are sent with the ScopeView: repeated for each of a Map's iterations, they would
	// weigh more than the rest of the page.
	Members Members `json:"-"`
}

// Visit is one time a state was entered.
type Visit struct {
	ID    int64  `json:"id"` // the id of its StateEntered event
	State string `json:"state"`
	Node  string `json:"node"`
	Type  string `json:"type"`
	Scope string `json:"scope"`
	// Status is running, waiting, succeeded, failed, caught or aborted.
	Status string `json:"status"`
	// StartedAfter is the time from the execution's start to the entry, Duration from the
	// entry to the exit (or to now, while it runs), both in milliseconds.
	StartedAfter int64  `json:"startedAfter"`
	Duration     int64  `json:"duration"`
	Ended        bool   `json:"ended"`
	Retries      int    `json:"retries"`
	Error        string `json:"error,omitempty"`
	Cause        string `json:"cause,omitempty"`
	// The visit's input is in the event ID; OutputEvent is its StateExited (0 before) and
	// ResultEvent its last TaskSucceeded, whose output is the task's result (0 for none).
	OutputEvent int64 `json:"-"`
	ResultEvent int64 `json:"-"`
	// SubmittedEvent is the last TaskSubmitted of a .waitForTaskToken task (0 for none):
	// the store keeps the task's token with it.
	SubmittedEvent int64 `json:"-"`
	// CaughtFrom is the visit whose error a Catch handled on the way here (0 for none): the
	// state the catcher led to, or one after it, so a Fail state reached through a Catch
	// names the error that started it.
	CaughtFrom int64     `json:"-"`
	enteredAt  time.Time `json:"-"`
	attempts   int
	failed     bool
	scope      *scope
}

// EnteredAt is when the visit entered its state.
func (v *Visit) EnteredAt() time.Time { return v.enteredAt }

// NodeState is a node's status and how many times it ran (entries plus retries) in a scope,
// and the last visit entered there (0 for none): the one a click on the node shows.
type NodeState struct {
	Status string `json:"status"`
	Count  int    `json:"count"`
	Visit  int64  `json:"visit,omitempty"`
}

type nodeAgg struct {
	latest map[string]*Visit // by the scope key of the visit: the last entry there counts
	// statuses counts the latest visits by status, so the node's status is found without
	// going through every iteration's visit.
	statuses map[string]int
	count    int
	visit    int64 // the last visit entered
}

// Delta is what one event changed: the websocket sends it, the page applies it.
type Delta struct {
	Nodes []NodeChange `json:"nodes,omitempty"`
	Edges []EdgeChange `json:"edges,omitempty"`
	Scope *ScopeInfo   `json:"scope,omitempty"`
	// Visits are the visits the event changed (an execution's end may stop several).
	Visits []*Visit `json:"visits,omitempty"`
}

// NodeChange is a node's new state in one scope.
type NodeChange struct {
	Scope string `json:"scope"`
	Node  string `json:"node"`
	NodeState
}

// EdgeChange is an edge followed, seen from one scope.
type EdgeChange struct {
	Scope string `json:"scope"`
	Edge  string `json:"edge"`
}

// NewFold starts an empty fold over the given graph.
func NewFold(g RunGraph) *Fold {
	root := &scope{open: map[string]*Visit{}}
	return &Fold{g: g, root: root, events: map[int64]foldEvent{}, open: map[*Visit]struct{}{}, scopes: map[string]bool{},
		nodes: map[string]map[string]*nodeAgg{}, edges: map[string]map[string]bool{}}
}

// Last is the id of the last event folded (0 before any): the page continues after it.
func (f *Fold) Last() int64 { return f.last }

// FoldEvents folds a whole history.
func FoldEvents(g RunGraph, events []runtime.Event) *Fold {
	f := NewFold(g)
	for _, ev := range events {
		f.Apply(ev)
	}
	return f
}

// Apply folds one more event, in id order, and returns what it changed.
func (f *Fold) Apply(ev runtime.Event) Delta {
	if _, seen := f.events[ev.ID]; seen {
		return Delta{} // a catch-up may overlap what was already folded
	}
	var d Delta
	f.delta = &d
	f.last = max(f.last, ev.ID)
	touched := map[*Visit]bool{}
	s := f.scopeOf(ev)
	fe := foldEvent{typ: ev.Type, state: ev.State, scope: s}
	v := s.open[ev.State]
	t := string(ev.Type)
	switch {
	case ev.Type == runtime.ExecutionStarted:
		f.start = ev.Timestamp
	case strings.HasSuffix(t, "StateEntered"):
		v = f.enter(ev, s)
	case ev.Type == runtime.MapIterationStarted && ev.Details.Index != nil:
		fe.opened = f.openScope(s, ev.State, "#", *ev.Details.Index)
	case ev.Type.IsStudioEvent():
		f.foldDebug(ev, s)
		v = nil // a pause changes no visit: a paused error's state stays failed until handled
	case v == nil:
		// An event of a state with no open visit here changes no state.
	case ev.Type == runtime.TaskScheduled, ev.Type == runtime.LambdaFunctionScheduled,
		ev.Type == runtime.MapStateStarted, ev.Type == runtime.ParallelStateStarted:
		f.attempt(v)
	case ev.Type == runtime.ActivityScheduled:
		// An activity task waits for a worker, then for the worker's answer.
		f.attempt(v)
		f.setStatus(v, StateWaiting)
	case ev.Type == runtime.TaskSubmitted && (ev.Details.TaskToken != "" || strings.HasSuffix(ev.Details.Resource, ".waitForTaskToken")):
		v.SubmittedEvent = ev.ID
		f.setStatus(v, StateWaiting)
	case ev.Type == runtime.TaskSucceeded, ev.Type == runtime.ActivitySucceeded, ev.Type == runtime.LambdaFunctionSucceeded:
		v.ResultEvent = ev.ID
		f.setStatus(v, StateRunning)
	case ev.Type == runtime.TaskFailed, ev.Type == runtime.TaskTimedOut,
		ev.Type == runtime.ActivityFailed, ev.Type == runtime.ActivityTimedOut, ev.Type == runtime.ActivityScheduleFailed,
		ev.Type == runtime.LambdaFunctionFailed, ev.Type == runtime.LambdaFunctionTimedOut,
		ev.Type == runtime.MapStateFailed, ev.Type == runtime.ParallelStateFailed:
		f.fail(v, ev.Details)
		f.stopInside(s, v.State, StateAborted, touched)
	case strings.HasSuffix(t, "StateExited"):
		f.exit(v, ev)
	case strings.HasSuffix(t, "StateAborted"):
		f.stopVisit(v, StateAborted, touched)
		f.stopInside(s, v.State, StateAborted, touched)
	}
	if v != nil {
		fe.visit = v
		v.Duration = ev.Timestamp.Sub(v.enteredAt).Milliseconds()
		touched[v] = true
	}
	f.stopScopes(ev, s, touched)
	f.events[ev.ID] = fe
	for tv := range touched {
		d.Visits = append(d.Visits, tv)
	}
	slices.SortFunc(d.Visits, func(a, b *Visit) int { return cmp.Compare(a.ID, b.ID) })
	f.delta = nil
	return d
}

// scopeOf finds the scope of an event from the event it follows. The events of a Map or
// Parallel state itself (its iterations' ends, its own end) follow the last event of an
// iteration or branch, so for them the chain is climbed out of that state's scopes.
func (f *Fold) scopeOf(ev runtime.Event) *scope {
	prev, ok := f.events[ev.PreviousEventID]
	var s *scope
	switch {
	case !ok:
		s = f.root
	case prev.typ == runtime.MapIterationStarted && prev.opened != nil:
		s = prev.opened
	case prev.typ == runtime.ParallelStateStarted && (strings.HasSuffix(string(ev.Type), "StateEntered") || ev.Type == runtime.StudioDebugPaused):
		s = f.branchScope(ev.PreviousEventID, prev, ev.State)
	default:
		s = prev.scope
	}
	if containerEvent(ev.Type) {
		for in := s; in.parent != nil; in = in.parent {
			if in.container == ev.State {
				return in.parent
			}
		}
	}
	return s
}

// containerEvent reports the events a Map or Parallel state records at its own level.
func containerEvent(t runtime.EventType) bool {
	switch t {
	case runtime.MapIterationStarted, runtime.MapIterationSucceeded, runtime.MapIterationFailed, runtime.MapIterationAborted,
		runtime.MapStateStarted, runtime.MapStateSucceeded, runtime.MapStateFailed, runtime.MapStateExited,
		runtime.ParallelStateStarted, runtime.ParallelStateSucceeded, runtime.ParallelStateFailed, runtime.ParallelStateExited:
		return true
	}
	return false
}

// branchScope is the scope of the Parallel branch that holds state, in the run that the
// ParallelStateStarted event startedID began; the branch comes from the definition.
func (f *Fold) branchScope(startedID int64, started foldEvent, state string) *scope {
	if started.opened == nil {
		started.opened = &scope{branches: map[int]*scope{}}
		f.events[startedID] = started
	}
	br := f.g.states[state].branch
	if s, ok := started.opened.branches[br]; ok {
		return s
	}
	s := f.openScope(started.scope, started.state, "~", br)
	started.opened.branches[br] = s
	return s
}

// openScope starts a run of iteration (sep "#") or branch (sep "~") i of container.
func (f *Fold) openScope(parent *scope, container, sep string, i int) *scope {
	key := parent.key + "/" + container + sep + strconv.Itoa(i)
	s := &scope{key: key, parent: parent, container: container, open: map[string]*Visit{}}
	if !f.scopes[key] {
		f.scopes[key] = true
		info := ScopeInfo{Key: key, Label: scopeLabel(key), Node: f.g.nodeID(container)}
		if sep == "#" {
			info.Members = f.memberAt(container, 0)
		} else {
			info.Members = f.memberAt(container, i)
		}
		f.Scopes = append(f.Scopes, info)
		f.delta.Scope = &f.Scopes[len(f.Scopes)-1]
	}
	return s
}

func (f *Fold) memberAt(container string, i int) Members {
	if m := f.g.members[container]; i < len(m) {
		return m[i]
	}
	return Members{}
}

// scopeLabel reads a key to people: "/Map#3/Inner~1" is "Map #3 › Inner branch 2".
func scopeLabel(key string) string {
	var parts []string
	for _, p := range strings.Split(strings.TrimPrefix(key, "/"), "/") {
		if i := strings.LastIndex(p, "#"); i >= 0 {
			parts = append(parts, p[:i]+" #"+p[i+1:])
		} else if i := strings.LastIndex(p, "~"); i >= 0 {
			n, _ := strconv.Atoi(p[i+1:])
			parts = append(parts, p[:i]+" branch "+strconv.Itoa(n+1))
		}
	}
	return strings.Join(parts, " › ")
}

// enter starts a visit and marks the edge that led to it.
func (f *Fold) enter(ev runtime.Event, s *scope) *Visit {
	v := &Visit{ID: ev.ID, State: ev.State, Node: f.g.nodeID(ev.State), Type: strings.TrimSuffix(string(ev.Type), "StateEntered"),
		Scope: s.key, Status: StateRunning, enteredAt: ev.Timestamp, scope: s}
	if !f.start.IsZero() {
		v.StartedAfter = ev.Timestamp.Sub(f.start).Milliseconds()
	}
	s.open[ev.State] = v
	f.open[v] = struct{}{}
	f.Visits = append(f.Visits, v)
	if prev, ok := f.events[ev.PreviousEventID]; ok && prev.visit != nil && strings.HasSuffix(string(prev.typ), "StateExited") {
		v.CaughtFrom = prev.visit.CaughtFrom
		if prev.visit.Status == StateCaught {
			v.CaughtFrom = prev.visit.ID
		}
	}
	f.follow(s, f.edgeInto(ev))
	f.forScopes(s, func(key string) {
		agg := f.agg(key, v.Node)
		agg.count++
		agg.visit = v.ID
		f.replaceLatest(agg, v)
		f.changed(key, v.Node)
	})
	if ev.Type == runtime.FailStateEntered {
		f.fail(v, runtime.EventDetails{})
	}
	return v
}

// edgeInto is the edge an entry followed: from the state that exited just before it, from
// the Start marker, or from the Map or Parallel state into its branch.
func (f *Fold) edgeInto(ev runtime.Event) string {
	prev, ok := f.events[ev.PreviousEventID]
	switch {
	case !ok && ev.PreviousEventID == 0:
		return "edge-start"
	case !ok:
		return ""
	case prev.typ == runtime.MapIterationStarted:
		return f.g.branchEdge(prev.state, 0)
	case prev.typ == runtime.ParallelStateStarted:
		return f.g.branchEdge(prev.state, f.g.states[ev.State].branch)
	case prev.visit != nil && strings.HasSuffix(string(prev.typ), "StateExited"):
		return f.g.edgeBetween(prev.state, ev.State, prev.visit.Status == StateCaught)
	}
	return ""
}

// attempt counts a Task's call, or a Map's or Parallel's start: every one after the first is
// a retry.
func (f *Fold) attempt(v *Visit) {
	v.attempts++
	if v.attempts == 1 {
		return
	}
	v.Retries++
	v.failed = false
	f.forScopes(v.scope, func(key string) {
		f.agg(key, v.Node).count++
		f.changed(key, v.Node)
	})
	f.setStatus(v, StateRunning)
}

func (f *Fold) fail(v *Visit, d runtime.EventDetails) {
	v.failed = true
	if d.Error != "" || d.Cause != "" {
		v.Error, v.Cause = d.Error, d.Cause
	}
	f.setStatus(v, StateFailed)
}

// exit ends a visit: succeeded, or caught when it had failed; an ending state then follows
// its edge to the End marker or join point.
func (f *Fold) exit(v *Visit, ev runtime.Event) {
	v.OutputEvent = ev.ID
	f.end(v)
	if v.failed {
		f.setStatus(v, StateCaught)
		return
	}
	f.setStatus(v, StateSucceeded)
	f.follow(v.scope, f.g.endEdge(v.State))
}

// stopScopes ends what an iteration's or the execution's end leaves running.
func (f *Fold) stopScopes(ev runtime.Event, s *scope, touched map[*Visit]bool) {
	switch ev.Type {
	case runtime.MapIterationFailed, runtime.MapIterationAborted:
		status := StateAborted
		if ev.Type == runtime.MapIterationFailed {
			status = StateFailed // a state that failed in its data flow records no event of its own
		}
		if ev.Details.Index != nil {
			f.stopKey(s.key+"/"+ev.State+"#"+strconv.Itoa(*ev.Details.Index), status, touched)
		}
	case runtime.ExecutionFailed:
		f.failedState = ev.State
		if ev.State != "" {
			for _, v := range f.openVisits("") {
				if v.State == ev.State && !v.failed {
					f.fail(v, ev.Details)
					touched[v] = true
				}
			}
		}
		f.stopKey("", StateAborted, touched)
	case runtime.ExecutionAborted, runtime.ExecutionTimedOut:
		f.stopKey("", StateAborted, touched)
	}
}

// stopInside aborts what still runs in the iterations and branches of the Map or Parallel
// state container (its failure stops them).
func (f *Fold) stopInside(s *scope, container string, status string, touched map[*Visit]bool) {
	base := s.key + "/" + container
	for _, v := range f.openVisits(s.key) {
		if strings.HasPrefix(v.Scope, base+"#") || strings.HasPrefix(v.Scope, base+"~") {
			f.stopVisit(v, status, touched)
		}
	}
}

func (f *Fold) stopKey(key, status string, touched map[*Visit]bool) {
	for _, v := range f.openVisits(key) {
		f.stopVisit(v, status, touched)
	}
}

func (f *Fold) stopVisit(v *Visit, status string, touched map[*Visit]bool) {
	if v.Status == StateRunning || v.Status == StateWaiting {
		f.setStatus(v, status)
	}
	if status == StateFailed {
		v.failed = true
	}
	f.end(v)
	touched[v] = true
}

// end closes a visit: nothing but a redrive's look back changes it any more.
func (f *Fold) end(v *Visit) {
	v.Ended = true
	delete(v.scope.open, v.State)
	delete(f.open, v)
}

// openVisits are the visits still open in the scope key and the scopes inside it, in
// order of entry.
func (f *Fold) openVisits(key string) []*Visit {
	var out []*Visit
	for v := range f.open {
		if key == "" || v.Scope == key || strings.HasPrefix(v.Scope, key+"/") {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b *Visit) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// setStatus changes a visit's status, and the node's in every scope where it is the latest.
func (f *Fold) setStatus(v *Visit, status string) {
	if v.Status == status {
		return
	}
	old := v.Status
	v.Status = status
	f.forScopes(v.scope, func(key string) {
		if agg := f.nodes[key][v.Node]; agg != nil && agg.latest[v.Scope] == v {
			agg.statuses[old]--
			agg.statuses[status]++
		}
		f.changed(key, v.Node)
	})
}

// replaceLatest makes v the visit that counts for its own scope key in agg.
func (f *Fold) replaceLatest(agg *nodeAgg, v *Visit) {
	if old := agg.latest[v.Scope]; old != nil {
		agg.statuses[old.Status]--
	}
	agg.latest[v.Scope] = v
	agg.statuses[v.Status]++
}

// follow marks an edge as followed in s and every scope around it.
func (f *Fold) follow(s *scope, edge string) {
	if edge == "" {
		return
	}
	f.forScopes(s, func(key string) {
		if f.edges[key] == nil {
			f.edges[key] = map[string]bool{}
		}
		if !f.edges[key][edge] {
			f.edges[key][edge] = true
			if f.delta != nil {
				f.delta.Edges = append(f.delta.Edges, EdgeChange{Scope: key, Edge: edge})
			}
		}
	})
}

// forScopes calls fn with the key of s and of every scope around it, out to the execution.
func (f *Fold) forScopes(s *scope, fn func(key string)) {
	for ; s != nil; s = s.parent {
		fn(s.key)
	}
}

func (f *Fold) agg(key, node string) *nodeAgg {
	if f.nodes[key] == nil {
		f.nodes[key] = map[string]*nodeAgg{}
	}
	a := f.nodes[key][node]
	if a == nil {
		a = &nodeAgg{latest: map[string]*Visit{}, statuses: map[string]int{}}
		f.nodes[key][node] = a
	}
	return a
}

// changed adds the node's state in scope key to the delta being built.
func (f *Fold) changed(key, node string) {
	if f.delta == nil || node == "" {
		return
	}
	st := f.Node(key, node)
	for i, c := range f.delta.Nodes {
		if c.Scope == key && c.Node == node {
			f.delta.Nodes[i].NodeState = st
			return
		}
	}
	f.delta.Nodes = append(f.delta.Nodes, NodeChange{Scope: key, Node: node, NodeState: st})
}

// Node is a node's state seen from scope key: the most pressing status among the latest
// visits of each scope inside it (a loop's earlier visits no longer count, but each Map
// iteration does), and all its runs there. A node never entered there has not run.
func (f *Fold) Node(key, node string) NodeState {
	a := f.nodes[key][node]
	if a == nil {
		return NodeState{Status: StateNotRun}
	}
	st := NodeState{Status: StateNotRun, Count: a.count, Visit: a.visit}
	for status, n := range a.statuses {
		if n > 0 && statusRank[status] > statusRank[st.Status] {
			st.Status = status
		}
	}
	return st
}

// Nodes are the states of the nodes that ran in scope key ("" for the whole execution).
func (f *Fold) Nodes(key string) map[string]NodeState {
	out := map[string]NodeState{}
	for node := range f.nodes[key] {
		out[node] = f.Node(key, node)
	}
	return out
}

// Edges are the edges followed in scope key, sorted.
func (f *Fold) Edges(key string) []string {
	out := []string{}
	for e := range f.edges[key] {
		out = append(out, e)
	}
	slices.Sort(out)
	return out
}

// FailedVisit is the visit whose failure ended the execution: the last visit of the state
// ExecutionFailed names, else the last that failed without being caught; nil if none.
func (f *Fold) FailedVisit() *Visit {
	for i := len(f.Visits) - 1; i >= 0; i-- {
		if v := f.Visits[i]; v.State == f.failedState && v.Status == StateFailed {
			return v
		}
	}
	for i := len(f.Visits) - 1; i >= 0; i-- {
		if f.Visits[i].Status == StateFailed {
			return f.Visits[i]
		}
	}
	return nil
}

// CaughtVisit is, when the execution failed in a Fail state that a Catch led to, the visit
// whose error the Catch handled: the state that raised the error the run failed for. nil
// otherwise.
func (f *Fold) CaughtVisit() *Visit {
	v := f.FailedVisit()
	if v == nil || v.Type != "Fail" || v.CaughtFrom == 0 {
		return nil
	}
	return f.Visit(v.CaughtFrom)
}

// EventScope is the key of the Map iteration or Parallel branch the event with the given id
// happened in, "" for the execution itself (or an event not folded).
func (f *Fold) EventScope(id int64) string {
	if fe, ok := f.events[id]; ok && fe.scope != nil {
		return fe.scope.key
	}
	return ""
}

// Visit is the visit entered by the event with the given id, or nil.
func (f *Fold) Visit(id int64) *Visit {
	if fe, ok := f.events[id]; ok && fe.visit != nil && fe.visit.ID == id {
		return fe.visit
	}
	return nil
}

// Snapshot is what the page script starts from: the whole execution's graph, the list of
// iterations and branches, and how many visits and events there are. It holds no visit: the
// table is read a page at a time, and a picked iteration or branch is read as a ScopeView.
type Snapshot struct {
	Last   int64                `json:"last"`
	Nodes  map[string]NodeState `json:"nodes"`
	Edges  []string             `json:"edges"`
	Scopes []ScopeInfo          `json:"scopes"`
	Visits int                  `json:"visits"`
	// Pauses are a debug run's frames paused now.
	Pauses []Pause `json:"pauses"`
}

// Snapshot returns the fold's state for the page.
func (f *Fold) Snapshot() Snapshot {
	s := Snapshot{Last: f.last, Nodes: f.Nodes(""), Edges: f.Edges(""), Scopes: f.Scopes, Visits: len(f.Visits), Pauses: f.Pauses()}
	if s.Scopes == nil {
		s.Scopes = []ScopeInfo{}
	}
	return s
}

// ScopeView is one Map iteration or Parallel branch as the graph shows it when it is picked:
// its nodes and edges, and which nodes and edges are drawn inside it (the rest of the graph
// shows the whole execution).
type ScopeView struct {
	Key     string               `json:"key"`
	Last    int64                `json:"last"`
	Nodes   map[string]NodeState `json:"nodes"`
	Edges   []string             `json:"edges"`
	Members Members              `json:"members"`
}

// HasScope reports whether the history has a Map iteration or Parallel branch key.
func (f *Fold) HasScope(key string) bool { return f.scopes[key] }

// Scope returns the view of scope key, and false when the history has no such scope.
func (f *Fold) Scope(key string) (ScopeView, bool) {
	if !f.scopes[key] {
		return ScopeView{}, false
	}
	i := slices.IndexFunc(f.Scopes, func(s ScopeInfo) bool { return s.Key == key })
	return ScopeView{Key: key, Last: f.last, Nodes: f.Nodes(key), Edges: f.Edges(key), Members: f.Scopes[i].Members}, true
}

// VisitsIn are the visits of scope key and the scopes inside it, in order of entry.
func (f *Fold) VisitsIn(key string) []*Visit {
	if key == "" {
		return f.Visits
	}
	var out []*Visit
	for _, v := range f.Visits {
		if v.Scope == key || strings.HasPrefix(v.Scope, key+"/") {
			out = append(out, v)
		}
	}
	return out
}

// SnapshotJSON is Snapshot as JSON text, for the page.
func (f *Fold) SnapshotJSON() string {
	b, _ := json.Marshal(f.Snapshot())
	return string(b)
}
