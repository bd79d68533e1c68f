package runtime

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// A distributed Map runs its iterations as child executions of a map run, as AWS does, when
// the engine has a MapRunner (the studio's lifecycle): each child is an execution of its own,
// Standard or Express as ProcessorConfig.ExecutionType says, with its own history, named
// after the map run. The Map state's history shows MapRunStarted {mapRunArn} after its
// MapStateStarted and MapRunSucceeded or MapRunFailed before its end, and no iterations.
// Items, ItemSelector, ItemBatcher, MaxConcurrency and the tolerated failures are the
// runtime's, as for a Map run here; MaxConcurrency and the tolerance of a running map run
// can be changed (Engine.UpdateMapRun). A restart finds the map run in the history and asks
// the MapRunner for each child again: those that ended give their result, those running are
// waited for, only the others start.

// MapRunner runs the children of distributed Maps.
type MapRunner interface {
	// StartMapRun keeps a new map run; again for the same ARN (after a restart) it does
	// nothing.
	StartMapRun(ctx context.Context, r MapRunInfo) error
	// RunChild runs one item of a map run as a child execution, or waits for the one that
	// runs or ran, and returns its output or its failure (an *Error). A ctx that ends with
	// a StopExecution of the parent (StopCause) stops the child.
	RunChild(ctx context.Context, c ChildRun) (json.RawMessage, error)
	// EndMapRun keeps how a map run ended: SUCCEEDED, FAILED (failure) or ABORTED.
	EndMapRun(ctx context.Context, arn, status string, failure *Error) error
}

// MapRunInfo describes a map run when it starts.
type MapRunInfo struct {
	ARN                        string
	ExecutionARN               string
	StateName                  string
	ExecutionType              string
	Items                      int
	MaxConcurrency             int
	ToleratedFailureCount      int
	ToleratedFailurePercentage float64
	Start                      time.Time
}

// ChildRun is one child execution of a map run.
type ChildRun struct {
	MapRunARN     string
	ParentARN     string
	StateName     string // the Map state, whose ItemProcessor the child runs
	Index         int
	Input         json.RawMessage
	Definition    *Definition // the ItemProcessor, as a machine
	ExecutionType string
}

// MapRunARN is the ARN of a new map run of a Map state: the parent machine's name and the
// state's Label (or name) qualify it, and a UUID makes it unique.
func MapRunARN(executionARN, label string) string {
	f := strings.SplitN(executionARN, ":", 8)
	region, account, machine := "us-east-1", "123456789012", "machine"
	if len(f) >= 7 {
		region, account, machine = f[3], f[4], f[6]
	}
	return fmt.Sprintf("arn:aws:states:%s:%s:mapRun:%s/%s:%s", region, account, machine, label, NewUUID())
}

// MapRunMachineARN is the state machine ARN a map run's children run under:
// stateMachine:<parent>/<label>, as AWS names it.
func MapRunMachineARN(mapRunARN string) string {
	arn := strings.Replace(mapRunARN, ":mapRun:", ":stateMachine:", 1)
	if i := strings.LastIndexByte(arn, ':'); i >= 0 {
		return arn[:i]
	}
	return arn
}

// NewUUID returns a random (version 4) UUID, as AWS's generated names are.
func NewUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// childRuns is a running map run: its ARN and what limits its children.
type childRuns struct {
	arn string
	// limit is MaxConcurrency (0: no limit of its own); running counts the children in
	// flight. Both under mapRun.mu; cond wakes the workers waiting for room.
	limit   int
	running int
	cond    *sync.Cond
}

// startChildren starts (or, after a restart, takes up again) the map run of this attempt.
func (m *mapRun) startChildren(arn string, concurrency int) error {
	x, s := m.x, m.s
	label := s.Label
	if label == "" {
		label = s.Name
	}
	m.children = &childRuns{arn: arn, limit: concurrency, cond: sync.NewCond(&m.mu)}
	if arn == "" {
		m.children.arn = MapRunARN(x.in.ExecutionARN, label)
		if _, err := x.record(MapRunStarted, s.Name, EventDetails{MapRunArn: m.children.arn}); err != nil {
			return err
		}
	}
	// The run is stored before any child starts: a restart finds both.
	if err := x.flush(); err != nil {
		return err
	}
	return x.eng.cfg.MapRuns.StartMapRun(x.ctx, MapRunInfo{ARN: m.children.arn, ExecutionARN: x.in.ExecutionARN,
		StateName: s.Name, ExecutionType: s.ExecutionType, Items: m.jobs, MaxConcurrency: concurrency,
		ToleratedFailureCount: m.tolerance.n, ToleratedFailurePercentage: m.tolerance.percentage, Start: x.now()})
}

// runChildren runs the children, mapWorkerLimit at most at once and no more than the map
// run's MaxConcurrency, and records how the map run ended.
func (m *mapRun) runChildren() (any, error) {
	x := m.x
	x.eng.registerMapRun(m)
	defer x.eng.unregisterMapRun(m.children.arn)
	out, err := m.run(mapWorkerLimit)
	if errors.Is(err, m.stopErr) && m.stopErr != nil && x.ctx.Err() == nil {
		failure := asFailure(err)
		if failure != nil {
			if _, rerr := x.record(MapRunFailed, m.s.Name, EventDetails{Error: failure.Name, Cause: failure.Cause}); rerr != nil {
				return nil, rerr
			}
			m.endChildren("FAILED", failure)
		}
		return out, err
	}
	if err != nil {
		if x.stopRequest() != nil {
			m.endChildren("ABORTED", nil)
		}
		return out, err
	}
	return out, nil
}

// endChildren tells the MapRunner how the run ended.
func (m *mapRun) endChildren(status string, failure *Error) {
	if err := m.x.eng.cfg.MapRuns.EndMapRun(context.WithoutCancel(m.x.ctx), m.children.arn, status, failure); err != nil && m.x.eng.cfg.Logger != nil {
		m.x.eng.cfg.Logger.Error("end map run", "mapRun", m.children.arn, "err", err)
	}
}

// runChild runs job i as a child execution, once there is room under MaxConcurrency.
func (m *mapRun) runChild(i int, in any) {
	c := m.children
	m.mu.Lock()
	for c.limit > 0 && c.running >= c.limit && m.ctx.Err() == nil {
		c.cond.Wait()
	}
	c.running++
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		c.running--
		c.cond.Broadcast()
		m.mu.Unlock()
	}()
	if m.ctx.Err() != nil {
		return
	}
	x, s := m.x, m.s
	out, err := x.eng.cfg.MapRuns.RunChild(m.ctx, ChildRun{MapRunARN: c.arn, ParentARN: x.in.ExecutionARN, StateName: s.Name,
		Index: i, Input: encodeJSON(in), Definition: s.ItemProcessor, ExecutionType: s.ExecutionType})
	var v any
	if err == nil {
		if v, err = decodeJSON(out); err != nil {
			err = runtimeError("stepstudio: the child execution's output is not JSON: %v", err)
		}
	}
	switch failure := asFailure(err); {
	case err == nil:
		m.mu.Lock()
		m.results[i] = v
		m.mu.Unlock()
	case failure != nil:
		m.mu.Lock()
		m.failures++
		m.results[i] = errorOutput(failure)
		exceeded := m.tolerance.exceeded(m.failures, m.jobs)
		m.mu.Unlock()
		if exceeded {
			m.stop(&Error{Name: ErrNameExceedTolerated, Cause: "The specified tolerated failure threshold was exceeded"}, nil)
		}
	case m.ctx.Err() != nil && errors.Is(err, context.Canceled):
		// Stopped: by another failure, StopExecution or a shutdown; run says which.
	default:
		m.stop(err, nil)
	}
}

// UpdateMapRun changes the MaxConcurrency (when maxConcurrency is not nil) and the tolerated
// failures (when tolerance fields are not nil) of a map run running in this engine. It
// reports false when the map run does not run here.
func (e *Engine) UpdateMapRun(arn string, maxConcurrency *int, toleratedCount *int, toleratedPercentage *float64) bool {
	e.mu.Lock()
	m := e.mapRuns[arn]
	e.mu.Unlock()
	if m == nil {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if maxConcurrency != nil {
		m.children.limit = *maxConcurrency
		m.children.cond.Broadcast()
	}
	if toleratedCount != nil {
		m.tolerance.n, m.tolerance.hasCount = *toleratedCount, true
	}
	if toleratedPercentage != nil {
		m.tolerance.percentage, m.tolerance.hasPercentage = *toleratedPercentage, true
	}
	return true
}

func (e *Engine) registerMapRun(m *mapRun) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.mapRuns == nil {
		e.mapRuns = map[string]*mapRun{}
	}
	e.mapRuns[m.children.arn] = m
}

func (e *Engine) unregisterMapRun(arn string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.mapRuns, arn)
}

// StopCause reports whether ctx, an execution's (or a child's of a Map or Parallel), ended
// because of a StopExecution, and with which error and cause; false for any other end (a
// shutdown, after which the execution resumes).
func StopCause(ctx context.Context) (errorName, cause string, ok bool) {
	var s *stopRequest
	if errors.As(context.Cause(ctx), &s) {
		return s.errorName, s.cause, true
	}
	return "", "", false
}

// Processor returns the ItemProcessor of the Map state named state, anywhere in d (names are
// unique in a document), or nil.
func (d *Definition) Processor(state string) *Definition {
	if m, ok := findState(d, state).(*MapState); ok {
		return m.ItemProcessor
	}
	return nil
}
