package runtime

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// A restart resumes an execution at every depth: the history says, for the execution and for
// each Map iteration and Parallel branch still running, which state it was in and how far
// that state had got. Each event belongs to a frame (the execution, an iteration, a branch),
// found as the studio's pages find it: by following its PreviousEventID back to the event it
// came after, which is in the same frame, except that the first event of an iteration comes
// after its MapIterationStarted and the first state of a branch after its
// ParallelStateStarted, and the events of a Map or Parallel state itself (its iterations'
// ends, its own end) come after the last event of an iteration or branch.

// frameLog is what the history says of one frame.
type frameLog struct {
	parent *frameLog
	def    *Definition
	// isolated frames (the iterations of a distributed Map) cannot see the variables around.
	isolated bool
	// last is the last state entered in the frame (nil: none yet); exits are the
	// assignments of the visits before it that exited, in order.
	last  *visit
	exits []map[string]string
	// lastEvent is the frame's last event that moves its chain: its next event follows it.
	lastEvent int64
	// debug is the last of a debug run's own events in the frame since its last state was
	// entered: a pause (or its resume) before the frame's next state, or on an error.
	debug *Event
}

// attemptLog is what the history says of the current attempt of a Map or Parallel visit:
// its MapStateStarted or ParallelStateStarted, and its iterations or branches by index.
type attemptLog struct {
	started  *Event
	children map[int]*childLog
}

// childLog is one iteration or branch of an attempt: the MapIterationStarted that opened an
// iteration (nil for a branch), its frame, and the event that ended an iteration.
type childLog struct {
	opened *Event
	frame  *frameLog
	end    *Event
}

// frameTree reads a history into frames.
type frameTree struct {
	x   *execution
	top *frameLog
	// ended says the history ends with the execution's end.
	ended bool
	byID  map[int64]*frameLog // the frame each event continues (an iteration's for its MapIterationStarted)
	// containers are the Map and Parallel states of the machine, at every depth.
	containers map[string]State
	// branchOf is, for each state directly in a Parallel branch, that branch's index.
	branchOf map[string]int
}

func (x *execution) newFrameTree() *frameTree {
	t := &frameTree{x: x, top: &frameLog{def: x.in.Definition}, byID: map[int64]*frameLog{},
		containers: map[string]State{}, branchOf: map[string]int{}}
	t.index(x.in.Definition)
	return t
}

// index notes the containers of def and the branches of each Parallel.
func (t *frameTree) index(def *Definition) {
	if def == nil {
		return
	}
	for name, st := range def.States {
		switch s := st.(type) {
		case *MapState:
			t.containers[name] = st
			t.index(s.ItemProcessor)
		case *ParallelState:
			t.containers[name] = st
			for i, b := range s.Branches {
				if b == nil {
					continue
				}
				for inner := range b.States {
					t.branchOf[inner] = i
				}
				t.index(b)
			}
		}
	}
}

// read places history[i] in its frame and notes what it says there.
func (t *frameTree) read(history []Event, i int) {
	ev := &history[i]
	f, ok := t.byID[ev.PreviousEventID]
	if !ok {
		f = t.top
	}
	entered := strings.HasSuffix(string(ev.Type), "StateEntered")
	// A pause before a branch's first state is in the branch, as that state will be.
	if prev := eventByID(history[:i], ev.PreviousEventID); prev != nil && prev.Type == ParallelStateStarted && (entered || ev.Type.IsStudioEvent()) {
		f = t.branch(f, ev.State)
	}
	if _, isContainer := t.containers[ev.State]; isContainer && !entered {
		// The Map or Parallel state's own events: in the frame that visits it.
		for g := f; g != nil; g = g.parent {
			if g.last != nil && g.last.entered.State == ev.State {
				f = g
				break
			}
		}
	}
	if ev.Type == ExecutionStarted || ev.Type == ExecutionRedriven || ev.Type.EndsExecution() {
		f = t.top // whatever ran before them
	}
	t.byID[ev.ID] = f
	if !sideEvent(ev.Type) {
		f.lastEvent = ev.ID
	}
	switch {
	case ev.Type.EndsExecution():
		t.ended = true
	case ev.Type == ExecutionRedriven:
		t.ended = false
		t.x.replayRedrive(ev)
	case ev.Type == ExecutionStarted:
	case ev.Type.IsStudioEvent():
		f.debug = ev
	case entered:
		f.debug = nil
		if f.last != nil && f.last.exited != nil {
			f.exits = append(f.exits, f.last.exited.Details.AssignedVariables)
		}
		if f == t.top {
			f.last = t.x.enter(history, i, f.last) // with what a redrive kept of it
		} else {
			f.last = &visit{entered: *ev}
		}
	case f.last == nil:
	case ev.Type == MapStateStarted || ev.Type == ParallelStateStarted:
		f.last.note(history, i)
		f.last.attempt = &attemptLog{started: ev, children: map[int]*childLog{}}
	case ev.Type == MapIterationStarted && ev.Details.Index != nil && f.last.attempt != nil:
		m, _ := t.containers[ev.State].(*MapState)
		if m == nil {
			return
		}
		child := &frameLog{parent: f, def: m.ItemProcessor, isolated: m.processorIsolate, lastEvent: ev.ID}
		f.last.attempt.children[*ev.Details.Index] = &childLog{opened: ev, frame: child}
		t.byID[ev.ID] = child
	case (ev.Type == MapIterationSucceeded || ev.Type == MapIterationFailed || ev.Type == MapIterationAborted) &&
		ev.Details.Index != nil && f.last.attempt != nil:
		if c := f.last.attempt.children[*ev.Details.Index]; c != nil {
			c.end = ev
		}
	default:
		f.last.note(history, i)
	}
}

// branch is the frame of the Parallel branch that holds state, in the attempt of the
// Parallel visit of frame f that is running.
func (t *frameTree) branch(f *frameLog, state string) *frameLog {
	if f.last == nil || f.last.attempt == nil {
		return f
	}
	p, _ := t.containers[f.last.entered.State].(*ParallelState)
	b, ok := t.branchOf[state]
	if p == nil || !ok || b >= len(p.Branches) {
		return f
	}
	c := f.last.attempt.children[b]
	if c == nil {
		c = &childLog{frame: &frameLog{parent: f, def: p.Branches[b]}}
		f.last.attempt.children[b] = c
	}
	return c.frame
}

// frameResume is where a frame goes on after a restart: the state it runs next with its
// input, the visit of that state when it had been entered and not left (nil: enter it), or,
// when name is "", the output the frame ended with. vars are the frame's variables as its
// visits left them, and prev the event its next event follows.
type frameResume struct {
	name   string
	input  any
	sr     *stateRun
	output any
	vars   *scope
	prev   int64
	// fresh says the frame had entered no state: an iteration runs from its start, on the
	// input its Map gives it.
	fresh bool
	// dbg is the frame's stepping in a debug run: a restart that found it paused before its
	// next state pauses it there again.
	dbg debugFrame
}

// innerResume is what a restart found of the attempt of a Map or Parallel visit that was
// running: whether its MapStateStarted or ParallelStateStarted is recorded, the iterations
// or branches that had ended (their outputs, or their failures), and those still running.
type innerResume struct {
	started bool
	done    map[int]any
	failed  map[int]*Error
	aborted map[int]bool
	running map[int]*frameResume
	// startedID is the MapStateStarted or ParallelStateStarted event.
	startedID int64
	// mapRunARN is the map run a distributed Map's attempt started (MapRunStarted).
	mapRunARN string
}

// resumeFrame works out where frame f goes on, with vars the scope its variables live in
// (restored here from the visits that exited). waiting collects the callback tasks it waits
// on, at every depth.
func (x *execution) resumeFrame(f *frameLog, vars *scope, input any, waiting *[]*waitingTask) (*frameResume, error) {
	r := &frameResume{vars: vars, prev: f.lastEvent}
	for _, assigned := range f.exits {
		if err := vars.restore(assigned); err != nil {
			return nil, err
		}
	}
	if f.last == nil {
		r.name, r.input, r.fresh = f.def.StartAt, input, true
		if f.def == x.in.Definition {
			r.name = x.startAt() // the top level may have been run from a chosen state
		}
		return r, x.resumeDebug(f, r, vars)
	}
	v := f.last
	name := v.entered.State
	st, ok := f.def.States[name]
	if !ok {
		return nil, fmt.Errorf("the history is in state %q, which the definition does not have there", name)
	}
	stateInput, err := decodeJSON([]byte(v.entered.Details.Input))
	if err != nil {
		return nil, fmt.Errorf("the input of state %q: %w", name, err)
	}
	sr := &stateRun{name: name, task: hasRetryCount(st.Base().Type), enteredID: v.entered.ID, enteredAt: v.entered.Timestamp}
	// Evaluated in a frame of its own, with the frame's variables.
	fx := x.child(x.ctx, vars, r.prev)
	if v.exited != nil {
		output, err := decodeJSON([]byte(v.exited.Details.Output))
		if err != nil {
			return nil, fmt.Errorf("the output of state %q: %w", name, err)
		}
		// A Choice's rules see the variables as they were before its own assignments.
		next, err := fx.nextAfter(st, sr, stateInput, v)
		if err != nil {
			return nil, err
		}
		if err := vars.restore(v.exited.Details.AssignedVariables); err != nil {
			return nil, fmt.Errorf("state %q: %w", name, err)
		}
		r.name, r.input, r.output = next, output, output
		if next == "" {
			r.input = nil
		}
		return r, x.resumeDebug(f, r, vars)
	}
	if err := x.resumeVisit(st, sr, v, vars, waiting); err != nil {
		return nil, fmt.Errorf("state %q: %w", name, err)
	}
	r.name, r.input, r.sr = name, stateInput, sr
	return r, nil
}

// resumeVisit fills in sr, the visit v of st that was running, with how far it had got: the
// callback its task waits on, the task call that was in flight, the failure that was not yet
// retried or caught, the iterations or branches of a Map or Parallel.
func (x *execution) resumeVisit(st State, sr *stateRun, v *visit, vars *scope, waiting *[]*waitingTask) error {
	switch s := st.(type) {
	case *TaskState:
		return x.resumeTask(s, sr, v, waiting)
	case *MapState:
		if v.failed != nil {
			sr.gaveUp = &Error{Name: v.failed.Details.Error, Cause: v.failed.Details.Cause}
			return nil
		}
		return x.resumeInner(sr, v, vars, waiting)
	case *ParallelState:
		if v.failed != nil {
			sr.gaveUp = &Error{Name: v.failed.Details.Error, Cause: v.failed.Details.Cause}
			return nil
		}
		return x.resumeInner(sr, v, vars, waiting)
	}
	return nil
}

// resumeTask finds where a Task visit was: waiting for its callback (it waits again with the
// same token), in a call (the call is not made again: it fails, for the state's Retry and
// Catch to decide), or failed (the Retry and Catch decide now, with the retries counted so
// far).
func (x *execution) resumeTask(s *TaskState, sr *stateRun, v *visit, waiting *[]*waitingTask) error {
	counts := make([]int, len(s.Retry))
	for _, e := range v.taskFailures {
		if e == v.taskEnd && v.pending() {
			break // the failure the restart interrupted the decision on
		}
		if i := retryFor(s.Retry, e.Details.Error, true); i >= 0 && counts[i] < s.Retry[i].MaxAttempts {
			counts[i]++
			sr.retryCount++
		}
	}
	sr.retryCounts = counts
	switch {
	case v.scheduled == nil:
		// Entered, not yet scheduled: the attempt runs.
	case v.taskEnd != nil && v.pending():
		sr.failure = &Error{Name: v.taskEnd.Details.Error, Cause: v.taskEnd.Details.Cause}
		sr.failedAt = v.taskEnd.Timestamp
	case v.taskEnd != nil:
		// Succeeded: the data flow after the task ran again from its result.
		sr.result = v.taskEnd
	case v.submitted != nil && s.sync:
		j := &submittedJob{submitted: json.RawMessage(v.submitted.Details.Output)}
		if secs := v.scheduled.Details.TimeoutInSeconds; secs > 0 {
			j.deadline = v.scheduled.Timestamp.Add(time.Duration(secs) * time.Second)
		}
		sr.job = j
	case v.submitted != nil:
		token := v.submitted.Details.TaskToken
		if token == "" {
			return fmt.Errorf("its task waits for a callback, but the history does not give its task token")
		}
		w := &waitingTask{token: token, heartbeatFrom: v.submitted.Details.HeartbeatFrom,
			worker: v.submitted.Details.WorkerName, startRecorded: v.started != nil}
		if v.started != nil {
			w.worker = v.started.Details.WorkerName
		}
		if secs := v.scheduled.Details.TimeoutInSeconds; secs > 0 {
			w.deadline = v.scheduled.Timestamp.Add(time.Duration(secs) * time.Second)
		}
		sr.waiting = w
		*waiting = append(*waiting, w)
	default:
		sr.interrupted = v.scheduled
	}
	return nil
}

// resumeInner reads the attempt of a Map or Parallel visit: the iterations or branches that
// ended keep their outputs (or failures) and run no more; those that were running go on
// where they were, in frames whose variables live in a scope inside vars.
func (x *execution) resumeInner(sr *stateRun, v *visit, vars *scope, waiting *[]*waitingTask) error {
	in := &innerResume{done: map[int]any{}, failed: map[int]*Error{}, aborted: map[int]bool{}, running: map[int]*frameResume{}}
	sr.inner = in
	// A redrive that entered the visit kept the outputs of what had succeeded before.
	if v.partial != nil && v.partial.carried != nil {
		sr.kept = v.partial.carried
	}
	a := v.attempt
	if a == nil {
		return nil
	}
	in.started, in.startedID = true, a.started.ID
	if v.mapRun != nil {
		in.mapRunARN = v.mapRun.Details.MapRunArn
	}
	for i, c := range a.children {
		f := c.frame
		if c.end != nil {
			switch c.end.Type {
			case MapIterationSucceeded:
				out, err := childOutput(f)
				if err != nil {
					return err
				}
				in.done[i] = out
			case MapIterationFailed:
				in.failed[i] = &Error{Name: c.end.Details.Error, Cause: c.end.Details.Cause}
			default:
				in.aborted[i] = true
			}
			continue
		}
		scope := newScope(vars)
		if f.isolated {
			scope = newScope(nil)
		}
		r, err := x.resumeFrame(f, scope, nil, waiting)
		if err != nil {
			return err
		}
		if r.name == "" && c.opened == nil {
			in.done[i] = r.output // a branch that reached its end
			continue
		}
		in.running[i] = r
	}
	return nil
}

// childOutput is the output an iteration that succeeded ended with: that of its last state.
func childOutput(f *frameLog) (any, error) {
	if f.last == nil || f.last.exited == nil {
		return nil, fmt.Errorf("an iteration succeeded without a state that exited")
	}
	return decodeJSON([]byte(f.last.exited.Details.Output))
}

// sortedKeys are the indexes of m in order.
func sortedKeys[V any](m map[int]V) []int { return slices.Sorted(maps.Keys(m)) }

// resumeDebug carries a debug run's pause before frame f's next state over a restart: paused
// (not resumed), the frame pauses there again; resumed, the data the user changed is the
// state's input and the variables' values, and a Step still pauses before the state after.
func (x *execution) resumeDebug(f *frameLog, r *frameResume, vars *scope) error {
	ev := f.debug
	if x.debug == nil || ev == nil || ev.Details.Debug == nil || ev.Details.Debug.Reason == PausedOnError {
		return nil // a pause on an error comes again as the failure is handled again
	}
	if ev.Type == StudioDebugPaused {
		r.dbg.pauseAgain = true
		return nil
	}
	d := ev.Details.Debug
	if d.InputAfter != "" {
		in, err := decodeJSON([]byte(d.InputAfter))
		if err != nil {
			return fmt.Errorf("the input given to state %q: %w", ev.State, err)
		}
		r.input = in
		if r.fresh {
			r.fresh = false // an iteration's first state gets the input the user gave it
		}
	}
	if len(d.VariablesAfter) > 0 {
		if err := vars.restore(d.VariablesAfter); err != nil {
			return fmt.Errorf("the variables given at state %q: %w", ev.State, err)
		}
	}
	// The state it resumed into is entered without pausing again; the command goes on
	// from there (a Step pauses before the state after it).
	r.dbg.resumed = &DebugCommand{Action: d.Action, RunTo: d.RunTo}
	return nil
}
