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
// A Parallel or (inline) Map state that did not succeed is entered again too, but runs
// again only its branches and iterations that did not succeed, and keeps the outputs of
// the others in their places (see partial.go). The reference does not say which events
// AWS records then; the least surprising are recorded: a new MapStateEntered and
// MapStateStarted (whose length is still all the items), or ParallelStateEntered and
// ParallelStateStarted, then MapIterationStarted (and the states inside) only for the
// iterations that run again. MapRunRedriven is for distributed maps' map runs, which
// stepstudio runs as inline iterations: it is not recorded.
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
	// The history says the execution ended; its run may still be finishing (committing its
	// end): the redrive comes after it.
	e.awaitRun(ctx, in.ExecutionARN)
	r, err := e.claim(x)
	if err != nil {
		x.cancel(nil)
		return &RedriveError{Reason: "Execution is RUNNING"}
	}
	err = x.redriven()
	if err == nil {
		err = x.flush() // the redrive is durable before it is acknowledged
	}
	if err != nil {
		e.release(r)
		x.cancel(nil)
		return err
	}
	x.mayPark = true
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
	case !last.Type.EndsExecution():
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
// when it did not exit (it failed, timed out or was stopped), else the one after it. For
// a Map or Parallel state that did not exit, x keeps what its iterations or branches had
// finished.
func (x *execution) redrivePoint(history []Event) (string, any, error) {
	last, _, err := x.replay(history)
	if err != nil {
		return "", nil, err
	}
	if last == nil {
		return x.startAt(), x.input, nil
	}
	name, st, input, sr, err := x.lastState(last)
	if err != nil {
		return "", nil, err
	}
	if last.exited != nil {
		return x.afterExit(st, sr, input, last)
	}
	if last.partial != nil {
		x.keep = last.partial.finished(name)
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
