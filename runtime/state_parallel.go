package runtime

import (
	"context"
	"fmt"
)

// ParallelState runs its Branches on the same input, concurrently, and outputs their
// outputs as an array in branch order (Type "Parallel"). A branch that fails stops the
// others and fails the state with its error, for the state's Retry and Catch.
type ParallelState struct {
	StateBase
	Branches []*Definition
	Retry    []Retrier
	Catch    []Catcher
}

func (p *parser) parseParallel(obj *object, s site, b StateBase) State {
	st := &ParallelState{StateBase: b}
	v, ok := obj.get("Branches")
	arr, isArr := v.([]any)
	if !ok || !isArr || len(arr) == 0 {
		p.schemaf(s, "Branches", "a Parallel state needs a non-empty array of branches")
	}
	for i, bv := range arr {
		field := fmt.Sprintf("Branches/%d", i)
		bo, isObj := bv.(*object)
		if !isObj {
			p.schemaf(s, field, "a branch must be an object with StartAt and States")
			continue
		}
		st.Branches = append(st.Branches,
			p.parseMachine(bo, site{loc: s.at(field), state: s.state, prefix: field + "/"}, machineBranch))
	}
	st.Retry = p.parseRetry(obj, s)
	st.Catch = p.parseCatch(obj, s)
	return st
}

func (x *execution) runParallel(s *ParallelState, sr *stateRun, raw any) (any, string, error) {
	return x.withRetryAndCatch(&s.StateBase, s.Retry, s.Catch, sr, raw, func() (any, error) {
		return x.dataFlow(&s.StateBase, sr, raw, func(effective any) (any, error) {
			return x.runBranches(s, sr, effective)
		})
	})
}

// branchEnd is how one branch ended.
type branchEnd struct {
	index int
	out   any
	err   error
	frame *execution
}

// runBranches records ParallelStateStarted and runs every branch in a frame of its own:
// branches read the variables around the Parallel state and assign only their own. The
// branches a redrive keeps do not run: their outputs are kept in their places.
func (x *execution) runBranches(s *ParallelState, sr *stateRun, input any) (any, error) {
	// A restart may have found the attempt running: its started branches go on where they
	// were, those that ended keep their outputs.
	in := sr.inner
	sr.inner = nil // a retry is a new attempt
	var started int64
	if in != nil && in.started {
		started = in.startedID
	} else {
		id, err := x.record(ParallelStateStarted, s.Name, EventDetails{})
		if err != nil {
			return nil, err
		}
		started = id
	}
	ctx, cancel := context.WithCancel(x.ctx)
	defer cancel()
	results := make([]any, len(s.Branches))
	kept := sr.kept.keptFor(len(s.Branches), len(s.Branches))
	if in != nil {
		if kept == nil {
			kept = map[int]any{}
		}
		for i, out := range in.done {
			kept[i] = out
		}
	}
	ends := make(chan branchEnd, len(s.Branches))
	running := 0
	for i, branch := range s.Branches {
		if out, ok := kept[i]; ok {
			results[i] = out
			continue
		}
		running++
		name, input, resumed, f := branch.StartAt, input, (*stateRun)(nil), x.child(ctx, newScope(x.vars), started)
		if r := in.branch(i); r != nil {
			name, input, resumed, f = r.name, r.input, r.sr, x.child(ctx, r.vars, r.prev)
			f.dbg = r.dbg
		}
		go func() {
			out, _, err := f.runStates(branch, name, input, resumed)
			ends <- branchEnd{index: i, out: out, err: err, frame: f}
		}()
	}
	var first *branchEnd
	var lasts []int64 // each branch's last event
	for range running {
		e := <-ends
		if e.err == nil {
			results[e.index] = e.out
			lasts = append(lasts, e.frame.prevID())
			continue
		}
		// The first branch to fail decides; the others end because they are cancelled.
		if first == nil {
			first = &e
			cancel()
		}
	}
	if err := x.ctx.Err(); err != nil {
		return nil, err
	}
	if first != nil {
		// ParallelStateFailed follows the failed branch's last event.
		x.setPrev(first.frame.prevID())
		return nil, first.err
	}
	x.followLast(lasts...)
	if _, err := x.record(ParallelStateSucceeded, s.Name, EventDetails{}); err != nil {
		return nil, err
	}
	return results, nil
}

// branch is where branch i goes on after a restart, nil when it had not started.
func (in *innerResume) branch(i int) *frameResume {
	if in == nil {
		return nil
	}
	return in.running[i]
}
