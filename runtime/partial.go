package runtime

import (
	"maps"
	"strings"
)

// RedriveExecution runs again only the iterations of an inline Map state and the branches
// of a Parallel state that did not succeed, and keeps the outputs of the others, in their
// places, as AWS does. What succeeded is read from the history of the state's last
// attempt: a Map iteration succeeded when its MapIterationSucceeded is recorded, and its
// output is what its last state exited with (the StateExited that event points back at);
// a Parallel branch succeeded when the last state of its own that it visited exited to
// the branch's end, with the output of that exit. Iterations and branches that failed,
// were aborted or never started run again from their StartAt: the states inside them are
// not redriven one by one (so a Map inside a failed branch runs again whole, with the
// branch).

// kept is what a redrive keeps of a top-level Map or Parallel state that did not succeed:
// the outputs (JSON text) of its iterations or branches that did, by index, out of length.
type kept struct {
	state   string
	length  int
	outputs map[int]string
}

// partial follows, while the history is replayed, what the attempts of one visit of a
// top-level Map or Parallel state finished.
type partial struct {
	// carried is what the redrive that entered the visit kept; every attempt of the visit
	// keeps it (a Retry during the redrive runs only the rest again).
	carried *kept
	length  int            // items (MapStateStarted's length) or branches; -1 before an attempt
	outputs map[int]string // the carried outputs and those the current attempt finished

	// For a Parallel state: its branches, the branch of each state directly in one (state
	// names are unique in a machine), and the last visit of each branch's own states in the
	// current attempt.
	branches []*Definition
	branchOf map[string]int
	visits   []*visit
}

// newPartial returns the partial of a visit of st, or nil unless st is a Map or Parallel.
func newPartial(st State) *partial {
	switch s := st.(type) {
	case *MapState:
		return &partial{length: -1}
	case *ParallelState:
		p := &partial{length: -1, branches: s.Branches, branchOf: map[string]int{}}
		for i, b := range s.Branches {
			if b == nil {
				continue
			}
			for name := range b.States {
				p.branchOf[name] = i
			}
		}
		return p
	}
	return nil
}

// note reads an event of the Map or Parallel state itself.
func (p *partial) note(history []Event, i int) {
	ev := &history[i]
	switch ev.Type {
	case MapStateStarted:
		p.length = -1
		if ev.Details.Length != nil {
			p.length = *ev.Details.Length
		}
		p.restart()
	case ParallelStateStarted:
		p.length = len(p.branches)
		p.restart()
	case MapIterationSucceeded:
		if ev.Details.Index == nil || p.outputs == nil {
			return
		}
		exit := eventByID(history[:i], ev.PreviousEventID)
		if exit != nil && strings.HasSuffix(string(exit.Type), "StateExited") {
			p.outputs[*ev.Details.Index] = exit.Details.Output
		}
	}
}

// restart begins an attempt with only the carried outputs (if they still fit: a Map whose
// items changed keeps nothing, as the engine does).
func (p *partial) restart() {
	p.outputs = map[int]string{}
	if p.carried != nil && p.carried.length == p.length {
		p.outputs = maps.Clone(p.carried.outputs)
	}
	p.visits = make([]*visit, len(p.branches))
}

// noteNested reads an event of a state inside the Parallel state's branches. Only the
// branches' own states count: those of a Map or Parallel inside a branch run again with it.
func (p *partial) noteNested(history []Event, i int) {
	b, ok := p.branchOf[history[i].State]
	if !ok || p.visits == nil {
		return
	}
	if strings.HasSuffix(string(history[i].Type), "StateEntered") {
		p.visits[b] = &visit{entered: history[i]}
		return
	}
	if v := p.visits[b]; v != nil {
		v.note(history, i)
	}
}

// finished is what a redrive of the visit of state keeps. A visit that never got to an
// attempt keeps what it had carried.
func (p *partial) finished(state string) *kept {
	if p.outputs == nil {
		return p.carried
	}
	k := &kept{state: state, length: p.length, outputs: maps.Clone(p.outputs)}
	for b, v := range p.visits {
		if v != nil && endsMachine(p.branches[b].States[v.entered.State], v) {
			k.outputs[b] = v.exited.Details.Output
		}
	}
	return k
}

// endsMachine reports whether the visit v of st (in a branch) exited to the end of its
// machine: a state with End or a Succeed state, not left through a catcher. A Choice always
// goes on.
func endsMachine(st State, v *visit) bool {
	if st == nil || v.exited == nil {
		return false
	}
	if _, isChoice := st.(*ChoiceState); isChoice {
		return false
	}
	if _, caught := caughtNext(st, v); caught {
		return false
	}
	b := st.Base()
	return b.End || b.Type == "Succeed"
}

// eventByID finds the event numbered id in history: at its place when the history is
// numbered without gaps, as recorded histories are.
func eventByID(history []Event, id int64) *Event {
	if len(history) == 0 {
		return nil
	}
	if i := id - history[0].ID; i >= 0 && i < int64(len(history)) && history[i].ID == id {
		return &history[i]
	}
	for i := len(history) - 1; i >= 0; i-- {
		if history[i].ID == id {
			return &history[i]
		}
	}
	return nil
}

// keptFor is what a run of the state keeps from the redrive: the kept outputs of jobs
// iterations or branches, decoded, when the state (a Map of length items, or a Parallel of
// length branches) still has the shape it had; nil otherwise, and the whole state runs again.
func (k *kept) keptFor(length, jobs int) map[int]any {
	if k == nil || k.length != length {
		return nil
	}
	out := make(map[int]any, len(k.outputs))
	for i, text := range k.outputs {
		v, err := decodeJSON([]byte(text))
		if i < 0 || i >= jobs || err != nil {
			continue // runs again
		}
		out[i] = v
	}
	return out
}
