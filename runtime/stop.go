package runtime

import (
	"context"
	"errors"
	"fmt"
)

// ErrExecutionNotRunning says Stop found no execution running in this engine under that
// ARN: it is unknown, it has ended, or another Stop is already ending it.
var ErrExecutionNotRunning = errors.New("runtime: execution is not running")

// run is an execution running in the background (started by Start, Resume or Redrive), as
// Stop finds it.
type run struct {
	x *execution
	// done is closed once the run has ended or stopped and, when it was stopped, its
	// ExecutionAborted is recorded; result and err are set before. ending is closed as soon as
	// the run's body has returned (it is committing its end, or parking).
	done   chan struct{}
	ending chan struct{}
	result Result
	err    error
	// stopping is set, under Engine.mu, by the one Stop that ends the run.
	stopping bool
}

// stopRequest is the cause a StopExecution cancels a run with; any other cause (the
// caller's context ended) is a shutdown, after which the execution resumes.
type stopRequest struct{ errorName, cause string }

func (s *stopRequest) Error() string { return "runtime: execution stopped" }

// abortedEvents are the state types AWS records a …StateAborted event for when a stop
// interrupts them; the other types never wait, so a stop cannot catch them midway.
var abortedEvents = map[string]EventType{
	"Task": TaskStateAborted, "Wait": WaitStateAborted, "Parallel": ParallelStateAborted, "Map": MapStateAborted,
}

// Stop ends an execution running in this engine as StopExecution does: its run is
// cancelled, its waiting callback tokens can no longer be decided, the states it was in
// record their …StateAborted (and Map iterations MapIterationAborted) events, and
// ExecutionAborted with errorName and cause (both may be empty) ends its history. Stop
// returns once all of that is recorded. An execution that is not running here, or that
// ended on its own before the stop reached it, gives ErrExecutionNotRunning.
func (e *Engine) Stop(executionARN, errorName, cause string) error {
	e.mu.Lock()
	r, ok := e.runs[executionARN]
	if !ok || r.stopping {
		e.mu.Unlock()
		return fmt.Errorf("%w: %s", ErrExecutionNotRunning, executionARN)
	}
	r.stopping = true
	e.mu.Unlock()

	r.x.cancel(&stopRequest{errorName: errorName, cause: cause})
	<-r.done
	switch {
	case r.result.Status == StatusAborted:
		return nil
	case r.err != nil:
		return fmt.Errorf("runtime: stop %s: %w", executionARN, r.err)
	default:
		return fmt.Errorf("%w: %s ended as %s before the stop", ErrExecutionNotRunning, executionARN, r.result.Status)
	}
}

// claim registers x as running, so that Stop can find it and a second run of the same
// execution (a double redrive) is refused.
func (e *Engine) claim(x *execution) (*run, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.runs[x.in.ExecutionARN]; ok {
		return nil, fmt.Errorf("runtime: %s is already running", x.in.ExecutionARN)
	}
	r := &run{x: x, done: make(chan struct{}), ending: x.hist.ending}
	e.runs[x.in.ExecutionARN] = r
	return r, nil
}

// AwaitEnding waits until the run of the execution, if one is in this engine and is ending
// (storing its end, or letting go of the execution to park it), is done, or ctx ends.
func (e *Engine) AwaitEnding(ctx context.Context, executionARN string) { e.awaitRun(ctx, executionARN) }

// awaitRun waits until the run of the execution, if one is in this engine and its body has
// returned (it is committing its end), is done, or ctx ends. A run still running is not
// waited for.
func (e *Engine) awaitRun(ctx context.Context, executionARN string) {
	e.mu.Lock()
	r := e.runs[executionARN]
	e.mu.Unlock()
	if r == nil {
		return
	}
	select {
	case <-r.ending:
	default:
		return
	}
	select {
	case <-r.done:
	case <-ctx.Done():
	}
}

// release forgets a run that has ended.
func (e *Engine) release(r *run) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.runs[r.x.in.ExecutionARN] == r {
		delete(e.runs, r.x.in.ExecutionARN)
	}
}

// launch runs body in the background. A run that a Stop cancelled records its
// ExecutionAborted here, after everything else it recorded, so that ids stay in order.
func (e *Engine) launch(r *run, body func() (Result, error)) {
	e.running.Add(1)
	go func() {
		defer e.running.Done()
		res, err := body()
		r.x.end()
		if s := r.x.stopRequest(); s != nil && res.Status == StatusRunning {
			res, err = r.x.aborted(s)
		}
		res, err = r.x.ended(res, err)
		// The end (or the stop) is durable before anyone hears of it.
		if ferr := r.x.flush(); err == nil && ferr != nil {
			res, err = Result{Status: StatusRunning}, ferr
		}
		var p *parked
		if errors.As(err, &p) {
			// Let go while it sleeps: the Parker wakes it.
			res, err = Result{Status: StatusRunning}, e.cfg.Parker.Park(r.x.hist.ctx, r.x.in.ExecutionARN, p.wakeAt)
		}
		// Done with its context: this also detaches it from the caller's, which would
		// otherwise keep every finished run until the server stops.
		r.x.cancel(nil)
		r.result, r.err = res, err
		e.release(r)
		close(r.done)
		// The result is in the history; a run that stopped without an end (shutdown,
		// recorder broken) has nothing left to record, only to report.
		e.reportStop(r.x, err)
	}()
}

// stopRequest returns the StopExecution that cancelled the run, nil if none did.
func (x *execution) stopRequest() *stopRequest {
	var s *stopRequest
	if errors.As(context.Cause(x.hist.run), &s) {
		return s
	}
	return nil
}

// aborted records ExecutionAborted with the stop's error and cause.
func (x *execution) aborted(s *stopRequest) (Result, error) {
	x.end()
	x.syncPrev()
	if _, err := x.record(ExecutionAborted, "", EventDetails{Error: s.errorName, Cause: s.cause}); err != nil {
		return Result{Status: StatusRunning}, err
	}
	return Result{Status: StatusAborted, Error: s.errorName, Cause: s.cause}, nil
}

// stateAborted records the …StateAborted event of a state a stop interrupted and passes
// err on; other errors pass through untouched.
func (x *execution) stateAborted(b *StateBase, err error) error {
	typ, ok := abortedEvents[b.Type]
	if !ok || !errors.Is(err, context.Canceled) || x.stopRequest() == nil {
		return err
	}
	if b.Type == "Parallel" || b.Type == "Map" {
		// It follows the last event of its branches or iterations.
		x.syncPrev()
	}
	if _, rerr := x.record(typ, b.Name, EventDetails{}); rerr != nil {
		return rerr
	}
	return err
}

// AwaitEnd waits until the run of the execution in this engine is done (ended, stopped or
// parked) or ctx ends, whatever it is doing now. It reports false when no run of the
// execution is in this engine (it has ended already, or runs elsewhere).
func (e *Engine) AwaitEnd(ctx context.Context, executionARN string) bool {
	e.mu.Lock()
	r := e.runs[executionARN]
	e.mu.Unlock()
	if r == nil {
		return false
	}
	select {
	case <-r.done:
	case <-ctx.Done():
	}
	return true
}
