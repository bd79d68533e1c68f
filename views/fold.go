package views

import (
	"encoding/json"
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
type Fold struct {
	g      RunGraph
	start  time.Time
	root   *scope
	events map[int64]foldEvent
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
	Node    string  `json:"node"`
	Members Members `json:"members"`
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
	StartedAfter int64     `json:"startedAfter"`
	Duration     int64     `json:"duration"`
	Ended        bool      `json:"ended"`
	Retries      int       `json:"retries"`
	Input        string    `json:"input,omitempty"`
	Output       string    `json:"output,omitempty"`
	Result       string    `json:"result,omitempty"` // TaskSucceeded's output: the task's result
	Error        string    `json:"error,omitempty"`
	Cause        string    `json:"cause,omitempty"`
	enteredAt    time.Time `json:"-"`
	attempts     int
	failed       bool
	scope        *scope
}

// NodeState is a node's status and how many times it ran (entries plus retries) in a scope.
type NodeState struct {
	Status string `json:"status"`
	Count  int    `json:"count"`
}

type nodeAgg struct {
	latest map[string]*Visit // by the scope key of the visit: the last entry there counts
	count  int
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
	return &Fold{g: g, root: root, events: map[int64]foldEvent{}, scopes: map[string]bool{},
		nodes: map[string]map[string]*nodeAgg{}, edges: map[string]map[string]bool{}}
}

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
	case v == nil:
		// An event of a state with no open visit here changes no state.
	case ev.Type == runtime.TaskScheduled, ev.Type == runtime.MapStateStarted, ev.Type == runtime.ParallelStateStarted:
		f.attempt(v)
	case ev.Type == runtime.TaskSubmitted && (ev.Details.TaskToken != "" || strings.HasSuffix(ev.Details.Resource, ".waitForTaskToken")):
		f.setStatus(v, StateWaiting)
	case ev.Type == runtime.TaskSucceeded:
		v.Result = ev.Details.Output
		f.setStatus(v, StateRunning)
	case ev.Type == runtime.TaskFailed, ev.Type == runtime.TaskTimedOut,
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
	for _, tv := range f.Visits {
		if touched[tv] {
			d.Visits = append(d.Visits, tv)
		}
	}
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
	case prev.typ == runtime.ParallelStateStarted && strings.HasSuffix(string(ev.Type), "StateEntered"):
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
		Scope: s.key, Status: StateRunning, Input: ev.Details.Input, enteredAt: ev.Timestamp, scope: s}
	if !f.start.IsZero() {
		v.StartedAfter = ev.Timestamp.Sub(f.start).Milliseconds()
	}
	s.open[ev.State] = v
	f.Visits = append(f.Visits, v)
	f.follow(s, f.edgeInto(ev))
	f.forScopes(s, func(key string) {
		agg := f.agg(key, v.Node)
		agg.count++
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
	v.Output = ev.Details.Output
	v.Ended = true
	delete(v.scope.open, v.State)
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
	v.Ended = true
	delete(v.scope.open, v.State)
	touched[v] = true
}

// openVisits are the visits still open in the scope key and the scopes inside it.
func (f *Fold) openVisits(key string) []*Visit {
	var out []*Visit
	for _, v := range f.Visits {
		if !v.Ended && (key == "" || v.Scope == key || strings.HasPrefix(v.Scope, key+"/")) {
			out = append(out, v)
		}
	}
	return out
}

// setStatus changes a visit's status, and the node's in every scope where it is the latest.
func (f *Fold) setStatus(v *Visit, status string) {
	if v.Status == status {
		return
	}
	v.Status = status
	f.forScopes(v.scope, func(key string) { f.changed(key, v.Node) })
}

// replaceLatest makes v the visit that counts for its own scope key in agg.
func (f *Fold) replaceLatest(agg *nodeAgg, v *Visit) {
	agg.latest[v.Scope] = v
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
		a = &nodeAgg{latest: map[string]*Visit{}}
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
	st := NodeState{Status: StateNotRun, Count: a.count}
	for _, v := range a.latest {
		if statusRank[v.Status] > statusRank[st.Status] {
			st.Status = v.Status
		}
	}
	return st
}

// Nodes are the states of every node that ran, by scope key and node id.
func (f *Fold) Nodes() map[string]map[string]NodeState {
	out := map[string]map[string]NodeState{}
	for key, nodes := range f.nodes {
		out[key] = map[string]NodeState{}
		for node := range nodes {
			out[key][node] = f.Node(key, node)
		}
	}
	return out
}

// Edges are the edges followed, by scope key.
func (f *Fold) Edges() map[string][]string {
	out := map[string][]string{}
	for key, set := range f.edges {
		for e := range set {
			out[key] = append(out[key], e)
		}
	}
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

// Visit is the visit entered by the event with the given id, or nil.
func (f *Fold) Visit(id int64) *Visit {
	if fe, ok := f.events[id]; ok && fe.visit != nil && fe.visit.ID == id {
		return fe.visit
	}
	return nil
}

// Snapshot is the whole fold as the page script keeps it.
type Snapshot struct {
	Nodes  map[string]map[string]NodeState `json:"nodes"`
	Edges  map[string][]string             `json:"edges"`
	Scopes []ScopeInfo                     `json:"scopes"`
	Visits []*Visit                        `json:"visits"`
}

// Snapshot returns the fold's state for the page.
func (f *Fold) Snapshot() Snapshot {
	s := Snapshot{Nodes: f.Nodes(), Edges: f.Edges(), Scopes: f.Scopes, Visits: f.Visits}
	if s.Scopes == nil {
		s.Scopes = []ScopeInfo{}
	}
	if s.Visits == nil {
		s.Visits = []*Visit{}
	}
	return s
}

// SnapshotJSON is Snapshot as JSON text, for the page.
func (f *Fold) SnapshotJSON() string {
	b, _ := json.Marshal(f.Snapshot())
	return string(b)
}
