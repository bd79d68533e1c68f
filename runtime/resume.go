package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// waitingTask is a .waitForTaskToken task that was waiting for its callback when the
// process stopped.
type waitingTask struct {
	token    string
	deadline time.Time // zero when the task has no TimeoutSeconds
	// w is registered by Resume before it returns, so the token can be decided as soon as
	// Resume has returned.
	w *waiter
}

// Resume continues an execution that was running when the process stopped, from its
// history (as recorded, in order; the TaskSubmitted event of a task still waiting must carry
// its TaskToken). Nothing that finished runs again: a state that had exited is not entered
// again, a task waiting for its callback waits again with the same token, and a Wait ends
// when it would have ended. A state that was in the middle of something else (a Pass, a
// Choice, a task call) runs again from its entry, without a second StateEntered event.
// Retry counts of the interrupted state start again from zero. Only top-level states
// resume where they were: a Parallel or Map state interrupted while its branches or
// iterations ran runs again from its entry (its branches and iterations run again, after
// the events they had recorded). The variables are rebuilt from the assignments the
// StateExited events show.
func (e *Engine) Resume(ctx context.Context, in StartInput, history []Event) error {
	if len(history) == 0 || history[0].Type != ExecutionStarted {
		return fmt.Errorf("runtime: resume %s: the history does not begin with ExecutionStarted", in.ExecutionARN)
	}
	if raw := history[0].Details.Input; raw != "" && len(in.Input) == 0 {
		in.Input = json.RawMessage(raw)
	}
	x, err := e.newExecution(ctx, in)
	if err != nil {
		return err
	}
	x.start = history[0].Timestamp
	if t := in.Definition.TimeoutSeconds; t > 0 {
		x.deadline = x.start.Add(secondsDuration(t))
	}
	x.hist.lastID = history[len(history)-1].ID
	x.chain.prev = x.hist.lastID
	name, input, resumed, err := x.resumePoint(history)
	if err != nil {
		return fmt.Errorf("runtime: resume %s: %w", in.ExecutionARN, err)
	}
	if resumed != nil && resumed.waiting != nil {
		resumed.waiting.w = e.register(resumed.waiting.token)
	}
	e.running.Add(1)
	go func() {
		defer e.running.Done()
		_, err := x.runFrom(name, input, resumed)
		e.reportStop(x, err)
		if resumed != nil && resumed.waiting != nil {
			// The run may end before it waits again (the execution's deadline passed).
			e.unregister(resumed.waiting.token)
		}
	}()
	return nil
}

// visit is what the history says of the last state entered.
type visit struct {
	entered   Event
	exited    *Event
	scheduled *Event // the last TaskScheduled of the visit
	submitted *Event // its TaskSubmitted, if the task waits for a callback
	taskEnd   *Event // TaskSucceeded, TaskFailed or TaskTimedOut after the last TaskScheduled
	failed    *Event // the ParallelStateFailed or MapStateFailed of the last attempt
}

// resumePoint finds where the history stopped: the state to run, its input, and its visit
// when the state had been entered but not left.
func (x *execution) resumePoint(history []Event) (string, any, *stateRun, error) {
	var last *visit
	nested := nestedStates(x.in.Definition, nil)
	for i := range history {
		ev := history[i]
		if nested[ev.State] {
			continue // inside a Parallel branch or a Map iteration
		}
		switch t := string(ev.Type); {
		case ev.Type == ExecutionSucceeded || ev.Type == ExecutionFailed || ev.Type == ExecutionTimedOut || ev.Type == ExecutionAborted:
			return "", nil, nil, errors.New("the execution has already ended")
		case strings.HasSuffix(t, "StateEntered"):
			x.hist.entered = true
			// The previous visit's assignments took effect when it ended.
			if err := x.restoreAssigned(last); err != nil {
				return "", nil, nil, err
			}
			last = &visit{entered: ev}
		case last == nil:
		case strings.HasSuffix(t, "StateExited"):
			last.exited = &history[i]
		case ev.Type == TaskScheduled:
			last.scheduled, last.submitted, last.taskEnd = &history[i], nil, nil
		case ev.Type == TaskSubmitted:
			last.submitted = &history[i]
		case ev.Type == TaskSucceeded || ev.Type == TaskFailed || ev.Type == TaskTimedOut:
			last.taskEnd = &history[i]
		case ev.Type == ParallelStateStarted || ev.Type == MapStateStarted:
			last.failed = nil // a retry
		case ev.Type == ParallelStateFailed || ev.Type == MapStateFailed:
			last.failed = &history[i]
		}
	}
	if last == nil {
		return x.in.Definition.StartAt, x.input, nil, nil
	}
	name := last.entered.State
	st, ok := x.in.Definition.States[name]
	if !ok {
		return "", nil, nil, fmt.Errorf("the history is in state %q, which the definition does not have", name)
	}
	input, err := decodeJSON([]byte(last.entered.Details.Input))
	if err != nil {
		return "", nil, nil, fmt.Errorf("the input of state %q: %w", name, err)
	}
	sr := &stateRun{name: name, task: hasRetryCount(st.Base().Type), enteredID: last.entered.ID, enteredAt: last.entered.Timestamp}
	if last.exited != nil {
		output, err := decodeJSON([]byte(last.exited.Details.Output))
		if err != nil {
			return "", nil, nil, fmt.Errorf("the output of state %q: %w", name, err)
		}
		// A Choice's rules see the variables as they were before its own assignments.
		next, err := x.nextAfter(st, sr, input, last)
		if err != nil {
			return "", nil, nil, err
		}
		return next, output, nil, x.restoreAssigned(last)
	}
	if last.submitted != nil && last.taskEnd == nil {
		token := last.submitted.Details.TaskToken
		if token == "" {
			return "", nil, nil, fmt.Errorf("state %q waits for a callback, but the history does not give its task token", name)
		}
		w := &waitingTask{token: token}
		if secs := last.scheduled.Details.TimeoutInSeconds; secs > 0 {
			w.deadline = last.scheduled.Timestamp.Add(time.Duration(secs) * time.Second)
		}
		sr.waiting = w
	}
	return name, input, sr, nil
}

// nextAfter is the state that follows a visit that exited: its Next, the Choice rule that
// matched (evaluated again: rules are pure), or the catcher of the error the task ended with.
func (x *execution) nextAfter(st State, sr *stateRun, input any, v *visit) (string, error) {
	switch s := st.(type) {
	case *ChoiceState:
		_, next, err := x.runChoice(s, sr, input)
		return next, err
	case *TaskState:
		if v.taskEnd != nil && v.taskEnd.Type != TaskSucceeded {
			if c := catchFor(s.Catch, v.taskEnd.Details.Error, true); c != nil {
				return c.Next, nil
			}
		}
	case *ParallelState:
		if v.failed != nil {
			if c := catchFor(s.Catch, v.failed.Details.Error, false); c != nil {
				return c.Next, nil
			}
		}
	case *MapState:
		if v.failed != nil {
			if c := catchFor(s.Catch, v.failed.Details.Error, false); c != nil {
				return c.Next, nil
			}
		}
	}
	b := st.Base()
	if b.End || b.Type == "Succeed" {
		return "", nil
	}
	return b.Next, nil
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
