package runtime

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// waitingTask is a .waitForTaskToken task that was waiting for its callback when the
// process stopped.
type waitingTask struct {
	token    string
	deadline time.Time // zero when the task has no TimeoutSeconds
	// heartbeatFrom is when its HeartbeatSeconds count from, as the resumer says
	// (EventDetails.HeartbeatFrom); zero: from the resume.
	heartbeatFrom time.Time
	// worker, for an activity task, is the worker that took it ("" while none has), and
	// startRecorded says its ActivityStarted is in the history.
	worker        string
	startRecorded bool
	// w is registered by Resume before it returns, so the token can be decided as soon as
	// Resume has returned.
	w *waiter
}

// Resume continues an execution that was running when the process stopped, from its
// history (as recorded, in order; the TaskSubmitted event of a task still waiting must carry
// its TaskToken), at every depth: the execution, and each Map iteration and Parallel branch
// that was running, goes on in the state it was in (see resume_frames.go). Nothing that
// finished runs again: a state that had exited is not entered again, an iteration or branch
// that had ended keeps its output, a task waiting for its callback waits again with the same
// token, a Wait ends when it would have ended, a task whose result was recorded is not called
// again, and a failure the restart interrupted is retried or caught as it would have been.
// A task call that was in flight is not made again behind the workflow's back: it fails with
// States.TaskFailed, which the state's Retry can match (interruptedError). A state that was
// in the middle of something else (a Pass, a Choice) runs again from its entry, without a
// second StateEntered event. The variables are rebuilt, frame by frame, from the assignments
// the StateExited events show.
func (e *Engine) Resume(ctx context.Context, in StartInput, history []Event) error {
	x, err := e.continued(ctx, in, history)
	if err != nil {
		return err
	}
	t := x.newFrameTree()
	for i := range history {
		t.read(history, i)
	}
	if t.ended {
		x.cancel(nil)
		return fmt.Errorf("runtime: resume %s: the execution has already ended", in.ExecutionARN)
	}
	var waiting []*waitingTask
	top, err := x.resumeFrame(t.top, x.vars, x.input, &waiting)
	if err != nil {
		x.cancel(nil)
		return fmt.Errorf("runtime: resume %s: %w", in.ExecutionARN, err)
	}
	x.hist.entered = t.top.last != nil
	r, err := e.claim(x)
	if err != nil {
		x.cancel(nil)
		return err
	}
	x.mayPark = true
	// Registered before Resume returns, so every token can be decided at once.
	for _, w := range waiting {
		w.w = e.register(x.ctx, w.token)
	}
	e.launch(r, func() (Result, error) {
		// A token whose task never waits again (its Map stopped first) goes with the run.
		defer func() {
			for _, w := range waiting {
				e.unregister(w.token)
			}
		}()
		if top.name == "" {
			return x.succeeded(top.output)
		}
		x.dbg = top.dbg
		return x.runFrom(top.name, top.input, top.sr)
	})
	return nil
}

// continued makes the execution whose history is given, numbered to go on after it. Its
// deadline counts from its start; a redrive moves it.
func (e *Engine) continued(ctx context.Context, in StartInput, history []Event) (*execution, error) {
	if len(history) == 0 || history[0].Type != ExecutionStarted {
		return nil, fmt.Errorf("runtime: %s: the history does not begin with ExecutionStarted", in.ExecutionARN)
	}
	if raw := history[0].Details.Input; raw != "" && len(in.Input) == 0 {
		in.Input = json.RawMessage(raw)
	}
	x, err := e.newExecution(ctx, in)
	if err != nil {
		return nil, err
	}
	x.start = history[0].Timestamp
	x.deadline = deadlineOf(in, x.start)
	x.hist.calls = map[string]int{}
	for _, ev := range history {
		if ev.Type == TaskScheduled || ev.Type == LambdaFunctionScheduled {
			x.hist.calls[ev.State]++
		}
		if x.debug != nil && strings.HasSuffix(string(ev.Type), "StateEntered") {
			x.debug.hits[ev.State]++ // a breakpoint's hit count goes on counting
		}
	}
	x.hist.lastID.Store(history[len(history)-1].ID)
	x.chain.prev = x.hist.lastID.Load()
	// A debug run's own events never move the chain (debug.go): the next event follows the
	// last of the others.
	for i := len(history) - 1; i >= 0 && history[i].Type.IsStudioEvent(); i-- {
		x.chain.prev = history[i].PreviousEventID
	}
	return x, nil
}

// visit is what the history says of the last state entered.
type visit struct {
	entered   Event
	exited    *Event
	scheduled *Event // the last TaskScheduled of the visit
	submitted *Event // its TaskSubmitted, if the task waits for a callback (an activity's ActivityScheduled)
	started   *Event // an activity task's ActivityStarted
	taskEnd   *Event // TaskSucceeded, TaskFailed or TaskTimedOut after the last TaskScheduled
	failed    *Event // the ParallelStateFailed or MapStateFailed of the last attempt
	mapRun    *Event // the MapRunStarted of the last attempt of a distributed Map
	// partial is, for a top-level Map or Parallel state, which of its iterations or
	// branches finished (see partial.go).
	partial *partial
	// attempt is, for a Map or Parallel state, its current attempt's iterations or branches
	// (see resume_frames.go); taskFailures are a Task's failed attempts, in order.
	attempt      *attemptLog
	taskFailures []*Event
}

// pending reports whether the visit's task failed and nothing followed yet: no retry, no
// catch, no end; a restart decides what the failure leads to.
func (v *visit) pending() bool {
	return v.taskEnd != nil && !succeeded(v.taskEnd.Type) && v.exited == nil
}

// succeeded reports whether a task's end event is a success.
func succeeded(t EventType) bool {
	return t == TaskSucceeded || t == ActivitySucceeded || t == LambdaFunctionSucceeded
}

// replay reads the history into x: the variables as the states that exited left them,
// the redrives so far, and the last top-level state visited (nil if none was entered). It
// reports whether the history ends with the execution ended.
func (x *execution) replay(history []Event) (*visit, bool, error) {
	var last *visit
	ended := false
	nested := nestedStates(x.in.Definition, nil)
	for i := range history {
		ev := history[i]
		if nested[ev.State] {
			// Inside a Parallel branch or a Map iteration: only what a redrive keeps of them.
			if last != nil && last.partial != nil {
				last.partial.noteNested(history, i)
			}
			continue
		}
		switch t := string(ev.Type); {
		case ev.Type.EndsExecution():
			ended = true
		case ev.Type == ExecutionRedriven:
			ended = false
			x.replayRedrive(&ev)
		case strings.HasSuffix(t, "StateEntered"):
			x.hist.entered = true
			// The previous visit's assignments took effect when it ended.
			if err := x.restoreAssigned(last); err != nil {
				return nil, false, err
			}
			last = x.enter(history, i, last)
		case last == nil:
		default:
			last.note(history, i)
		}
	}
	return last, ended, nil
}

// replayRedrive takes the redrive an ExecutionRedriven event records into x: its count, its
// time, and the execution's deadline, which a redrive restarts.
func (x *execution) replayRedrive(ev *Event) {
	x.redriveCount, x.redriveTime = ev.Details.RedriveCount, ev.Timestamp
	if t := x.in.Definition.TimeoutSeconds; t > 0 {
		x.deadline = ev.Timestamp.Add(secondsDuration(t))
	}
}

// enter starts the visit of the state entered at history[i], after the visit prev.
func (x *execution) enter(history []Event, i int, prev *visit) *visit {
	v := &visit{entered: history[i]}
	v.partial = newPartial(x.in.Definition.States[v.entered.State])
	// A redrive enters the unfinished state again at once: it kept what that visit's
	// iterations or branches had finished.
	redriven := i > 0 && history[i-1].Type == ExecutionRedriven
	if v.partial != nil && redriven && prev != nil && prev.exited == nil && prev.entered.State == v.entered.State {
		v.partial.carried = prev.partial.finished(prev.entered.State)
	}
	return v
}

// note records what history[i], an event of the visit's state (or of the task it runs),
// says of the visit.
func (v *visit) note(history []Event, i int) {
	ev := &history[i]
	switch t := string(ev.Type); {
	case strings.HasSuffix(t, "StateExited"):
		v.exited = ev
	case ev.Type == TaskScheduled || ev.Type == LambdaFunctionScheduled:
		v.scheduled, v.submitted, v.taskEnd, v.started = ev, nil, nil, nil
	case ev.Type == ActivityScheduled:
		v.scheduled, v.submitted, v.taskEnd, v.started = ev, ev, nil, nil
	case ev.Type == TaskSubmitted:
		v.submitted = ev
	case ev.Type == ActivityStarted:
		v.started = ev
	case ev.Type == TaskSucceeded || ev.Type == TaskFailed || ev.Type == TaskTimedOut,
		ev.Type == ActivitySucceeded || ev.Type == ActivityFailed || ev.Type == ActivityTimedOut,
		ev.Type == LambdaFunctionSucceeded || ev.Type == LambdaFunctionFailed || ev.Type == LambdaFunctionTimedOut:
		v.taskEnd = ev
		if !succeeded(ev.Type) {
			v.taskFailures = append(v.taskFailures, ev)
		}
	case ev.Type == ParallelStateStarted || ev.Type == MapStateStarted:
		v.failed, v.mapRun = nil, nil // a retry
	case ev.Type == MapRunStarted:
		v.mapRun = ev
	case ev.Type == ParallelStateFailed || ev.Type == MapStateFailed:
		v.failed = ev
	}
	if v.partial != nil {
		v.partial.note(history, i)
	}
}

// lastState decodes the last visit: its state, its input and the visit as a stateRun.
func (x *execution) lastState(last *visit) (string, State, any, *stateRun, error) {
	name := last.entered.State
	st, ok := x.in.Definition.States[name]
	if !ok {
		return "", nil, nil, nil, fmt.Errorf("the history is in state %q, which the definition does not have", name)
	}
	input, err := decodeJSON([]byte(last.entered.Details.Input))
	if err != nil {
		return "", nil, nil, nil, fmt.Errorf("the input of state %q: %w", name, err)
	}
	sr := &stateRun{name: name, task: hasRetryCount(st.Base().Type), enteredID: last.entered.ID, enteredAt: last.entered.Timestamp}
	return name, st, input, sr, nil
}

// afterExit is where a visit that exited leads: the next state and its input, with the
// visit's assignments restored.
func (x *execution) afterExit(st State, sr *stateRun, input any, last *visit) (string, any, error) {
	output, err := decodeJSON([]byte(last.exited.Details.Output))
	if err != nil {
		return "", nil, fmt.Errorf("the output of state %q: %w", sr.name, err)
	}
	// A Choice's rules see the variables as they were before its own assignments.
	next, err := x.nextAfter(st, sr, input, last)
	if err != nil {
		return "", nil, err
	}
	return next, output, x.restoreAssigned(last)
}

// nextAfter is the state that follows a visit that exited: its Next, the Choice rule that
// matched (evaluated again: rules are pure), or the catcher of the error the task ended with.
func (x *execution) nextAfter(st State, sr *stateRun, input any, v *visit) (string, error) {
	if s, ok := st.(*ChoiceState); ok {
		_, next, err := x.runChoice(s, sr, input)
		return next, err
	}
	if next, caught := caughtNext(st, v); caught {
		return next, nil
	}
	b := st.Base()
	if b.End || b.Type == "Succeed" {
		return "", nil
	}
	return b.Next, nil
}

// caughtNext is the catcher's Next when the visit v of st ended on an error its Catch
// caught: the task's, or the Parallel or Map state's own failure.
func caughtNext(st State, v *visit) (string, bool) {
	var catch []Catcher
	var failure *Event
	taskError := false
	switch s := st.(type) {
	case *TaskState:
		if v.taskEnd != nil && v.taskEnd.Type != TaskSucceeded {
			catch, failure, taskError = s.Catch, v.taskEnd, true
		}
	case *ParallelState:
		catch, failure = s.Catch, v.failed
	case *MapState:
		catch, failure = s.Catch, v.failed
	}
	if failure == nil {
		return "", false
	}
	if c := catchFor(catch, failure.Details.Error, taskError); c != nil {
		return c.Next, true
	}
	return "", false
}

// restoreAssigned applies the assignments of a visit that exited to the variables.
func (x *execution) restoreAssigned(v *visit) error {
	if v == nil || v.exited == nil {
		return nil
	}
	if err := x.vars.restore(v.exited.Details.AssignedVariables); err != nil {
		return fmt.Errorf("state %q: %w", v.entered.State, err)
	}
	return nil
}

// nestedStates adds the names of the states inside def's Parallel branches and Map item
// processors to names.
func nestedStates(def *Definition, names map[string]bool) map[string]bool {
	if names == nil {
		names = map[string]bool{}
	}
	var inner []*Definition
	for _, st := range def.States {
		switch s := st.(type) {
		case *ParallelState:
			inner = append(inner, s.Branches...)
		case *MapState:
			inner = append(inner, s.ItemProcessor)
		}
	}
	for _, d := range inner {
		if d == nil {
			continue
		}
		for name := range d.States {
			names[name] = true
		}
		nestedStates(d, names)
	}
	return names
}
