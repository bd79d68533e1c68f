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
	// runs or ran, and returns how it ended: its output, or its failure (an *Error) with the
	// result still describing the child. A ctx that ends with a StopExecution of the parent
	// (StopCause) stops the child.
	RunChild(ctx context.Context, c ChildRun) (ChildResult, error)
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
	// TestCase is the parent's mock test case, which its children run with too.
	TestCase string
	// New says the map run began in this run of the parent, not before a restart: none of
	// its children can have been started yet, so there is no need to look for one first.
	New bool
}

// ChildResult is how a map run's child ended: its output when it succeeded, and what a
// ResultWriter tells of it.
type ChildResult struct {
	Output       json.RawMessage
	ExecutionARN string
	Name         string
	Start, Stop  time.Time
}

// ChildExecutionARN is the ARN and name of the child of a map run for the item at index:
// the same for the same item, so that a restart finds the child it had started. Standard
// children are executions of the map run's machine (parent/label); Express ones carry the
// map run's id too, as AWS's express ARNs do.
func ChildExecutionARN(mapRunARN string, index int, executionType string) (arn, name string) {
	machine := MapRunMachineARN(mapRunARN) // arn:aws:states:R:A:stateMachine:parent/label
	f := strings.SplitN(machine, ":", 7)
	for len(f) < 7 {
		f = append(f, "")
	}
	id := mapRunARN[strings.LastIndexByte(mapRunARN, ':')+1:]
	name = fmt.Sprintf("%s-%d", id, index)
	if executionType == "EXPRESS" {
		return fmt.Sprintf("arn:aws:states:%s:%s:express:%s:%s:%s", f[3], f[4], f[6], name, id), name
	}
	return fmt.Sprintf("arn:aws:states:%s:%s:execution:%s:%s", f[3], f[4], f[6], name), name
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
	arn     string
	machine string // the children's state machine (MapRunMachineARN)
	isNew   bool   // begun by this run of the parent (ChildRun.New)
	// limit is MaxConcurrency (0: no limit of its own); running counts the children in
	// flight. Both under mapRun.mu; cond wakes the workers waiting for room.
	limit   int
	running int
	cond    *sync.Cond
}

// beginChildren begins (or, after a restart, takes up again) the map run of this attempt:
// MapRunStarted is recorded and stored before the items are read (an ItemReader's failure is
// the map run's) and before any child starts, so that a restart finds the run.
func (m *mapRun) beginChildren(arn string, concurrency int) error {
	x := m.x
	m.children = &childRuns{arn: arn, limit: concurrency, cond: sync.NewCond(&m.mu)}
	if arn == "" {
		m.children.isNew = true
		m.children.arn = MapRunARN(x.in.ExecutionARN, m.s.label())
		if _, err := x.record(MapRunStarted, m.s.Name, EventDetails{MapRunArn: m.children.arn}); err != nil {
			return err
		}
	}
	m.children.machine = MapRunMachineARN(m.children.arn)
	return x.flush()
}

// startChildren keeps the map run, its items known, with the MapRunner.
func (m *mapRun) startChildren() error {
	x, s := m.x, m.s
	return x.eng.cfg.MapRuns.StartMapRun(x.ctx, MapRunInfo{ARN: m.children.arn, ExecutionARN: x.in.ExecutionARN,
		StateName: s.Name, ExecutionType: s.ExecutionType, Items: m.jobs, MaxConcurrency: m.children.limit,
		ToleratedFailureCount: m.tolerance.n, ToleratedFailurePercentage: m.tolerance.percentage, Start: x.now()})
}

// failChildren ends the map run with a failure of its own (its ItemReader's): MapRunFailed.
func (m *mapRun) failChildren(failure *Error) error {
	if _, err := m.x.record(MapRunFailed, m.s.Name, EventDetails{Error: failure.Name, Cause: failure.Cause}); err != nil {
		return err
	}
	m.endChildren("FAILED", failure)
	return failure
}

// runARN is the ARN of this attempt's map run: its children's, or, when the iterations run
// here, the one runItems made for the attempt (a ResultWriter names it).
func (m *mapRun) runARN() string {
	if m.children != nil {
		return m.children.arn
	}
	return m.localARN
}

// label is the Label of a distributed Map, or its name.
func (s *MapState) label() string {
	if s.Label != "" {
		return s.Label
	}
	return s.Name
}

// runChildren runs the children, childWorkerLimit at most at once and no more than the map
// run's MaxConcurrency, and records how the map run ended.
func (m *mapRun) runChildren() (any, error) {
	x := m.x
	x.eng.registerMapRun(m)
	defer x.eng.unregisterMapRun(m.children.arn)
	out, err := m.run(childWorkerLimit)
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
	input := encodeJSON(in)
	res, err := x.eng.cfg.MapRuns.RunChild(m.ctx, ChildRun{MapRunARN: c.arn, ParentARN: x.in.ExecutionARN, StateName: s.Name, TestCase: x.in.TestCase,
		Index: i, Input: input, Definition: s.ItemProcessor, ExecutionType: s.ExecutionType, New: c.isNew})
	var v any
	if err == nil {
		if v, err = decodeJSON(res.Output); err != nil {
			err = runtimeError("stepstudio: the child execution's output is not JSON: %v", err)
		}
	}
	if m.records != nil && (err == nil || asFailure(err) != nil) {
		m.records[i] = childRecord{arn: res.ExecutionARN, name: res.Name, machineARN: c.machine,
			start: res.Start, stop: res.Stop, input: input}
	}
	switch failure := asFailure(err); {
	case err == nil:
		m.mu.Lock()
		m.results[i] = v
		m.mu.Unlock()
		m.recorded(i, "SUCCEEDED")
	case failure != nil:
		m.failed(i, failure, nil)
	case m.ctx.Err() != nil && errors.Is(err, context.Canceled):
		// Stopped: by another failure, StopExecution or a shutdown; run says which.
	default:
		m.stop(err, nil)
	}
}

// recorded notes how job i ended, for a ResultWriter.
func (m *mapRun) recorded(i int, status string) {
	if m.records != nil {
		m.records[i].status = status
	}
}

// failed counts job i's failure against the tolerated failures, stopping the run beyond
// them (at the iteration's frame at, if any). A tolerated failure keeps its place in the
// result with the error output: AWS (without a ResultWriter) leaves no record of what a
// failed child contributes.
func (m *mapRun) failed(i int, failure *Error, at *execution) {
	m.recorded(i, "FAILED")
	m.mu.Lock()
	m.failures++
	m.results[i] = errorOutput(failure)
	exceeded := m.tolerance.exceeded(m.failures, m.jobs)
	m.mu.Unlock()
	if exceeded {
		m.stop(&Error{Name: ErrNameExceedTolerated, Cause: "The specified tolerated failure threshold was exceeded"}, at)
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
