package runtime

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrNotRedrivable says RedriveExecution refuses the execution (AWS's
// ExecutionNotRedrivable); the error wrapping it gives the reason.
var ErrNotRedrivable = errors.New("runtime: execution cannot be redriven")

// AWS's limits on redrives.
const (
	redriveWindow   = 14 * 24 * time.Hour // after the execution stopped
	maxRedriveCount = 1000
)

// RedriveError is ErrNotRedrivable with AWS's reason.
type RedriveError struct{ Reason string }

func (e *RedriveError) Error() string { return "runtime: execution cannot be redriven: " + e.Reason }

// Is makes a RedriveError match ErrNotRedrivable.
func (e *RedriveError) Is(target error) bool { return target == ErrNotRedrivable }

// Redrive restarts an execution that failed, timed out or was aborted, as
// RedriveExecution does, from its history (as recorded, in order). It records
// ExecutionRedriven {redriveCount}, then runs the state that did not succeed again from its
// entry (a new …StateEntered) with the input it had, keeping everything that succeeded
// before it: the variables are those the states that exited had left, and
// $$.Execution.RedriveCount and RedriveTime show the redrive. The execution's
// TimeoutSeconds counts again from the redrive, or a timed-out execution could never be
// redriven to its end.
//
// A Parallel or Map state that failed runs again whole: AWS reruns only its unsuccessful
// branches and iterations, which the history's MapIteration events would allow for Map;
// Resume has no machinery for a partial rerun yet, so neither has Redrive.
//
// A history that does not end in ExecutionFailed, ExecutionTimedOut or ExecutionAborted,
// an EXPRESS machine, an execution stopped more than 14 days ago or redriven 1000 times
// gives a *RedriveError (errors.Is ErrNotRedrivable).
func (e *Engine) Redrive(ctx context.Context, in StartInput, history []Event) error {
	x, err := e.continued(ctx, in, history)
	if err != nil {
		return err
	}
	if err := e.checkRedrivable(in, history); err != nil {
		x.cancel(nil)
		return err
	}
	name, input, err := x.redrivePoint(history[:len(history)-1])
	if err != nil {
		x.cancel(nil)
		return fmt.Errorf("runtime: redrive %s: %w", in.ExecutionARN, err)
	}
	r, err := e.claim(x)
	if err != nil {
		x.cancel(nil)
		return &RedriveError{Reason: "Execution is RUNNING"}
	}
	if err := x.redriven(); err != nil {
		e.release(r)
		x.cancel(nil)
		return err
	}
	e.launch(r, func() (Result, error) { return x.runFrom(name, input, nil) })
	return nil
}

// checkRedrivable gives AWS's reason why the execution cannot be redriven, or nil.
func (e *Engine) checkRedrivable(in StartInput, history []Event) error {
	last := history[len(history)-1]
	switch {
	case in.StateMachineType == "EXPRESS":
		return &RedriveError{Reason: "Express executions cannot be redriven"}
	case last.Type == ExecutionSucceeded:
		return &RedriveError{Reason: "Execution is SUCCEEDED"}
	case !endEvents[last.Type]:
		return &RedriveError{Reason: "Execution is RUNNING"}
	case e.cfg.Clock.Now().Sub(last.Timestamp) > redriveWindow:
		return &RedriveError{Reason: "Execution stopped more than 14 days ago"}
	case countRedrives(history) >= maxRedriveCount:
		return &RedriveError{Reason: fmt.Sprintf("Execution has been redriven %d times, the most allowed", maxRedriveCount)}
	}
	return nil
}

func countRedrives(history []Event) int {
	n := 0
	for _, ev := range history {
		if ev.Type == ExecutionRedriven {
			n++
		}
	}
	return n
}

// redrivePoint is the state to run again and its input: the last top-level state entered
// when it did not exit (it failed, timed out or was stopped), else the one after it.
func (x *execution) redrivePoint(history []Event) (string, any, error) {
	last, _, err := x.replay(history)
	if err != nil {
		return "", nil, err
	}
	if last == nil {
		return x.in.Definition.StartAt, x.input, nil
	}
	name, st, input, sr, err := x.lastState(last)
	if err != nil {
		return "", nil, err
	}
	if last.exited != nil {
		return x.afterExit(st, sr, input, last)
	}
	return name, input, nil
}

// redriven records ExecutionRedriven and starts the redrive's clock.
func (x *execution) redriven() error {
	x.redriveCount++
	x.redriveTime = x.now()
	if t := x.in.Definition.TimeoutSeconds; t > 0 {
		x.deadline = x.redriveTime.Add(secondsDuration(t))
	}
	_, err := x.record(ExecutionRedriven, "", EventDetails{RedriveCount: x.redriveCount})
	return err
}
