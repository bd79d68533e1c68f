package views

import (
	"cmp"
	"slices"

	"github.com/stepstudio/stepstudio/designer"
	"github.com/stepstudio/stepstudio/runtime"
)

// Pause is a debug run's frame paused at a state, as the execution page shows it: where, why,
// and the data the user may change before resuming it.
type Pause struct {
	// ID is the StudioDebugPaused event, which resuming it names.
	ID    int64  `json:"id"`
	State string `json:"state"`
	Node  string `json:"node"`
	// Scope is the Map iteration or Parallel branch it is paused in ("" for the execution),
	// Label how the picker names it.
	Scope  string `json:"scope,omitempty"`
	Label  string `json:"label,omitempty"`
	Reason string `json:"reason"`
	// Input is the state's input; Variables the variables it sees (JSON text each).
	Input     string            `json:"input"`
	Variables map[string]string `json:"variables,omitempty"`
	// Error, Cause and Next are set on a pause on an error: what failed, and what the
	// state's Retry or Catch does next.
	Error string `json:"error,omitempty"`
	Cause string `json:"cause,omitempty"`
	Next  string `json:"next,omitempty"`
	// Container says the state is a Map or Parallel, which Step into enters.
	Container bool `json:"container,omitempty"`
}

// foldDebug folds a debug run's own event: a pause opens, a resume closes it. A pause at a
// state where the same frame was paused already (a restart pauses it again) replaces it.
func (f *Fold) foldDebug(ev runtime.Event, s *scope) {
	d := ev.Details.Debug
	if d == nil {
		return
	}
	if f.pauses == nil {
		f.pauses = map[int64]*Pause{}
	}
	if ev.Type == runtime.StudioDebugResumed {
		delete(f.pauses, d.Paused)
		return
	}
	for id, p := range f.pauses {
		if p.State == ev.State && p.Scope == s.key {
			delete(f.pauses, id)
		}
	}
	p := &Pause{ID: ev.ID, State: ev.State, Node: designer.NodeID(ev.State), Scope: s.key, Reason: d.Reason,
		Input: ev.Details.Input, Variables: d.Variables, Error: ev.Details.Error, Cause: ev.Details.Cause, Next: d.Next}
	if s.key != "" {
		for _, info := range f.Scopes {
			if info.Key == s.key {
				p.Label = info.Label
			}
		}
	}
	if st, ok := f.g.states[ev.State]; ok {
		p.Container = st.typ == "Map" || st.typ == "Parallel"
	}
	f.pauses[ev.ID] = p
}

// Pauses are the frames paused now, in the order they paused.
func (f *Fold) Pauses() []Pause {
	out := make([]Pause, 0, len(f.pauses))
	for _, p := range f.pauses {
		out = append(out, *p)
	}
	slices.SortFunc(out, func(a, b Pause) int { return cmp.Compare(a.ID, b.ID) })
	return out
}
