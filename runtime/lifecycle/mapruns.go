package lifecycle

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
)

// The lifecycle runs the children of distributed Maps (runtime.MapRunner): each child is an
// execution of the parent's machine version that runs the Map state's ItemProcessor, stored
// (Standard: durable, its history its own; Express: its record and result) and resumed
// after a restart as any execution is.

// MapRunStore keeps map runs.
type MapRunStore interface {
	CreateMapRun(ctx context.Context, r resource.MapRun) error
	EndMapRun(ctx context.Context, arn, status, errName, cause string, at time.Time) error
	UpdateMapRun(ctx context.Context, arn string, maxConcurrency, toleratedCount *int, toleratedPercentage *float64) error
}

// UpdateMapRun changes a map run's MaxConcurrency and tolerated failures (nil: unchanged):
// stored, and applied at once to its run when it runs here (UpdateMapRun of the API).
func (l *Executions) UpdateMapRun(ctx context.Context, arn string, maxConcurrency, toleratedCount *int, toleratedPercentage *float64) error {
	if err := l.cfg.MapRuns.UpdateMapRun(ctx, arn, maxConcurrency, toleratedCount, toleratedPercentage); err != nil {
		return err
	}
	l.engine.UpdateMapRun(arn, maxConcurrency, toleratedCount, toleratedPercentage)
	return nil
}

// StartMapRun keeps a new map run (runtime.MapRunner).
func (l *Executions) StartMapRun(ctx context.Context, r runtime.MapRunInfo) error {
	parent, err := l.cfg.Store.FindExecutionByARN(ctx, r.ExecutionARN)
	if err != nil {
		return err
	}
	return l.cfg.MapRuns.CreateMapRun(ctx, resource.MapRun{ARN: r.ARN, ExecutionID: parent.ID, State: r.StateName,
		ExecutionType: r.ExecutionType, Items: r.Items, MaxConcurrency: r.MaxConcurrency,
		ToleratedFailureCount: r.ToleratedFailureCount, ToleratedFailurePercentage: r.ToleratedFailurePercentage, StartedAt: r.Start})
}

// EndMapRun keeps how a map run ended (runtime.MapRunner).
func (l *Executions) EndMapRun(ctx context.Context, arn, status string, failure *runtime.Error) error {
	var errName, cause string
	if failure != nil {
		errName, cause = failure.Name, failure.Cause
	}
	return l.cfg.MapRuns.EndMapRun(ctx, arn, status, errName, cause, l.cfg.Clock.Now())
}

// childPoll is how often a child that runs elsewhere than in this engine's memory (asleep,
// parked) is looked at again.
const childPoll = 250 * time.Millisecond

// RunChild runs one item of a map run as a child execution, or waits for the one that runs
// or ran (a restart asks again for every item), and returns its output or failure
// (runtime.MapRunner).
func (l *Executions) RunChild(ctx context.Context, c runtime.ChildRun) (runtime.ChildResult, error) {
	arn, name := runtime.ChildExecutionARN(c.MapRunARN, c.Index, c.ExecutionType)
	// A child of a new map run is started without looking for it first; one that exists all
	// the same (ErrExists) is looked up.
	lookFirst := !c.New
	for {
		var e resource.Execution
		err := resource.ErrNotFound
		if lookFirst {
			e, err = l.cfg.Store.FindExecutionByARN(ctx, arn)
		}
		lookFirst = true
		if errors.Is(err, resource.ErrNotFound) {
			// Started here, the child is running: no need to read it back before waiting.
			if e, err = l.startChild(ctx, c, arn, name); errors.Is(err, resource.ErrExists) {
				continue
			}
		}
		if err != nil {
			return runtime.ChildResult{}, err
		}
		res := runtime.ChildResult{Output: e.Output, ExecutionARN: e.ARN, Name: e.Name, Start: e.StartedAt, Stop: e.StoppedAt}
		switch e.Status {
		case runtime.StatusRunning:
		case runtime.StatusSucceeded:
			return res, nil
		default:
			name := e.Error
			if name == "" {
				name = map[runtime.Status]string{runtime.StatusTimedOut: runtime.ErrNameTimeout}[e.Status]
			}
			return res, &runtime.Error{Name: name, Cause: e.Cause}
		}
		if !l.engine.AwaitEnd(ctx, e.ARN) {
			select {
			case <-time.After(childPoll):
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil {
			if errName, cause, stopped := runtime.StopCause(ctx); stopped {
				// StopExecution of the parent stops its children, as AWS aborts a map run's.
				if err := l.Stop(context.WithoutCancel(ctx), e, errName, cause); err != nil && !errors.Is(err, runtime.ErrExecutionNotRunning) {
					l.log.Error("stop a map run's child", "execution", e.ARN, "err", err)
				}
			}
			return runtime.ChildResult{}, ctx.Err()
		}
	}
}

// startChild stores and starts a map run's child, as Start does an execution.
func (l *Executions) startChild(ctx context.Context, c runtime.ChildRun, arn, name string) (resource.Execution, error) {
	m, err := l.parentVersion(ctx, c.ParentARN)
	if err != nil {
		return resource.Execution{}, err
	}
	info := resource.Execution{ARN: arn, Name: name, StateMachineID: m.ID, VersionID: m.VersionID, Input: c.Input,
		StartedAt: l.cfg.Clock.Now(), MapRunARN: c.MapRunARN, MapState: c.StateName, TestCase: c.TestCase}
	in := childInput(runtime.StartInputOf(info, m, c.Definition), info)
	if c.ExecutionType == "EXPRESS" {
		e, err := l.cfg.Store.CreateExecution(ctx, info)
		if err != nil {
			return e, err
		}
		if s, ok := l.cfg.Express.(expressStarter); ok {
			s.Started(e.ARN, e.ID)
		}
		return e, l.engine.Start(l.cfg.RunContext, in)
	}
	started, err := runtime.StartedEvent(in, info.StartedAt)
	if err != nil {
		return resource.Execution{}, err
	}
	e, err := l.cfg.Store.CreateExecution(ctx, info, started)
	if err != nil {
		return e, err
	}
	l.cfg.Publish(e.ARN, started)
	return e, l.engine.Resume(l.cfg.RunContext, childInput(runtime.StartInputOf(e, m, c.Definition), e), []runtime.Event{started})
}

// parentVersion is the machine version a parent execution runs, which its children run too:
// read once per parent while its map runs go on (neither ever changes), not twice per child.
// Only a few parents are kept: the cache is emptied when it is full.
func (l *Executions) parentVersion(ctx context.Context, parentARN string) (resource.StateMachine, error) {
	l.parentsMu.Lock()
	m, ok := l.parents[parentARN]
	l.parentsMu.Unlock()
	if ok {
		return m, nil
	}
	parent, err := l.cfg.Store.FindExecutionByARN(ctx, parentARN)
	if err != nil {
		return m, err
	}
	if m, err = l.cfg.Store.FindMachineVersion(ctx, parent.VersionID); err != nil {
		return m, err
	}
	l.parentsMu.Lock()
	defer l.parentsMu.Unlock()
	if len(l.parents) >= parentsKept || l.parents == nil {
		l.parents = map[string]resource.StateMachine{}
	}
	l.parents[parentARN] = m
	return m, nil
}

// parentsKept is how many parents' versions parentVersion keeps.
const parentsKept = 64

// childInput makes a child's StartInput name the map run's machine (parent/label) and run
// with the child's type.
func childInput(in runtime.StartInput, e resource.Execution) runtime.StartInput {
	if e.MapRunARN == "" {
		return in
	}
	in.StateMachineARN = runtime.MapRunMachineARN(e.MapRunARN)
	in.StateMachineName = in.StateMachineARN[strings.LastIndexByte(in.StateMachineARN, ':')+1:]
	in.StateMachineType = "STANDARD"
	if strings.Contains(e.ARN, ":express:") {
		in.StateMachineType = "EXPRESS"
	}
	return in
}
