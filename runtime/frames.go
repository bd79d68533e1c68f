package runtime

import "context"

// Parallel branches and Map iterations are sub-executions: they run states of their own
// machine (a branch, an item processor) in frames of the execution. A frame shares the
// execution's input, clock, engine and history (so event ids are the execution's, as AWS
// numbers them), and has its own context (cancelled when a sibling fails), variables and
// chain of previous event ids.

// child returns a frame that runs with ctx and vars, its first event pointing back at prev.
func (x *execution) child(ctx context.Context, vars *scope, prev int64) *execution {
	c := *x
	c.ctx, c.vars, c.chain = ctx, vars, &chain{prev: prev}
	c.nested = true // its siblings run on: a frame never lets the run go
	c.keep = nil    // what a redrive keeps is for a top-level state
	c.probe = nil   // TestState reports the tested state's steps, not those of the states inside it
	// A Step into makes the branches and iterations of the state it enters start stepping.
	c.dbg = debugFrame{step: x.dbg.stepInto}
	return &c
}

// prevID is the event this frame's next event will point back at.
func (x *execution) prevID() int64 {
	x.hist.mu.Lock()
	defer x.hist.mu.Unlock()
	return x.chain.prev
}

// setPrev makes this frame's next event point back at id: a Map takes up the chain of the
// iteration that ended, as AWS does.
func (x *execution) setPrev(id int64) {
	x.hist.mu.Lock()
	defer x.hist.mu.Unlock()
	x.chain.prev = id
}

// followLast makes this frame's next event point back at the latest of ids, the last events
// of a Map's iterations or a Parallel's branches: what AWS does when every one has ended. It
// is their last event, not the execution's: another Map's iterations, running beside, record
// too, and the event must stay in the frame that ran the state.
func (x *execution) followLast(ids ...int64) {
	x.hist.mu.Lock()
	defer x.hist.mu.Unlock()
	for _, id := range ids {
		x.chain.prev = max(x.chain.prev, id)
	}
}

// syncPrev makes this frame's next event point back at the last event recorded: what AWS
// does when an execution is stopped.
func (x *execution) syncPrev() {
	x.hist.mu.Lock()
	defer x.hist.mu.Unlock()
	x.chain.prev = x.hist.lastID.Load()
}

// failedEvents are what a Parallel or Map state records when it gives up on an error (after
// its retries, before its catcher).
var failedEvents = map[string]EventType{"Parallel": ParallelStateFailed, "Map": MapStateFailed}

// stateFailed records a Parallel or Map state's failure. AWS's event has no details; the
// error and cause (as the execution would fail with them) are kept on it so that the studio
// can show them and a restart can tell which catcher caught it.
func (x *execution) stateFailed(b *StateBase, sr *stateRun, f *Error) error {
	typ, ok := failedEvents[b.Type]
	if !ok {
		return nil
	}
	if prefixed, ok := x.inState(sr, f).(*Error); ok {
		f = prefixed
	}
	_, err := x.record(typ, b.Name, EventDetails{Error: f.Name, Cause: f.Cause})
	return err
}
