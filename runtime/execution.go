package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// errExecutionTimedOut says the execution's TimeoutSeconds ran out; the run loop records
// ExecutionTimedOut for it.
var errExecutionTimedOut = errors.New("runtime: execution timed out")

// execution is the mutable state of one run of a Definition; the Definition itself is
// shared and never changed. Parallel branches and Map iterations run in frames: copies of
// the execution (see child) with their own context, chain of event ids and variables,
// sharing its history.
type execution struct {
	eng *Engine
	in  StartInput
	// ctx bounds this frame: a branch's is cancelled when a sibling branch fails.
	ctx context.Context
	// cancel ends the whole run (the top-level ctx); a *stopRequest cause means
	// StopExecution, anything else a shutdown.
	cancel   context.CancelCauseFunc
	input    any
	start    time.Time
	deadline time.Time // zero when the machine has no TimeoutSeconds
	region   string
	// redriveCount and redriveTime are $$.Execution.RedriveCount and .RedriveTime: how
	// many times the execution was redriven, and when last.
	redriveCount int
	redriveTime  time.Time

	hist  *history
	chain *chain // guarded by hist.mu
	vars  *scope // the variables this frame assigns; it reads the ones around it too
	// keep is what a redrive keeps of the top-level Map or Parallel state it enters first
	// (see partial.go); taken by that state's visit. Frames never have one.
	keep *kept
	// probe watches the one state TestState runs; nil in normal runs, and in the frames of
	// its branches and iterations, so that only that state reports its steps.
	probe *probe
	// mayPark says the run is in the background and may be let go while it sleeps
	// (EngineConfig.Parker); nested says this is the frame of a branch or an iteration.
	mayPark bool
	nested  bool
	// debug is the debug run the frames share (nil: a normal run); dbg the frame's own
	// stepping (debug.go).
	debug *debugRun
	dbg   debugFrame
}

// parked is how a run ends that the engine let go while it sleeps until wakeAt.
type parked struct{ wakeAt time.Time }

func (p *parked) Error() string {
	return "runtime: the execution sleeps until " + p.wakeAt.Format(time.RFC3339)
}

// history numbers the events of an execution, which its branches and iterations share.
type history struct {
	// ctx is the execution's own context, given to the Recorder: a cancelled branch still
	// records what it did.
	ctx context.Context
	// run is the top-level frame's context, whose cause tells a StopExecution from a
	// shutdown in every frame.
	run context.Context
	mu  sync.Mutex
	// lastID is written under mu, except by record's path for runs without a recorder.
	lastID  atomic.Int64
	entered bool // a state was entered: AWS points the first StateEntered back at event 0
	// limit is the number of events the history may hold (0: no limit); full is set once
	// the last of them, the ExecutionFailed that the limit forces, is recorded.
	limit int64
	full  bool
	// ending is closed (once) just before the execution records how it ends: whoever sees the
	// end in the store knows that its run is only committing it (Redrive waits for that).
	ending    chan struct{}
	endingOne sync.Once
	// calls counts the task calls of each state so far, from 0, across retries, iterations
	// and restarts (TaskRequest.Invocation). Under mu.
	calls map[string]int
}

// nextInvocation numbers a call of the Task state named state.
func (x *execution) nextInvocation(state string) int {
	x.hist.mu.Lock()
	defer x.hist.mu.Unlock()
	if x.hist.calls == nil {
		x.hist.calls = map[string]int{}
	}
	n := x.hist.calls[state]
	x.hist.calls[state] = n + 1
	return n
}

// end marks the run as ending (history.ending).
func (x *execution) end() { x.hist.endingOne.Do(func() { close(x.hist.ending) }) }

// errHistoryFull says the history reached its limit: the execution has failed (its
// ExecutionFailed is recorded) and records nothing more.
var errHistoryFull = errors.New("runtime: the execution reached the maximum number of history events")

// historyFullError is how AWS fails an execution whose history reaches its quota: "When an
// execution reaches 24,999 events, it waits for the next event to happen. If the event
// number 25,000 is ExecutionSucceeded, the execution finishes successfully. [Otherwise] the
// ExecutionFailed event is logged" (docs.aws.amazon.com/step-functions/latest/dg/
// bp-history-limit.html), with error States.Runtime and the cause "The execution reached the
// maximum number of history events (25000)." as executions failed this way report it
// (github.com/loads/ardere/issues/86).
func historyFullError(limit int64) *Error {
	return &Error{Name: ErrNameRuntime,
		Cause: fmt.Sprintf("The execution reached the maximum number of history events (%d).", limit)}
}

// chain is the previousEventId of a frame's next event. AWS chains each branch and
// iteration on its own, and some events (MapIterationSucceeded, MapStateSucceeded,
// ParallelStateSucceeded...) point back without becoming the next event's previous one.
type chain struct{ prev int64 }

// sideEvent reports whether an event does not move its chain forward (as AWS records them).
// A switch, not a map: every event asks.
func sideEvent(t EventType) bool {
	switch t {
	case MapIterationSucceeded, MapIterationFailed, MapIterationAborted, MapStateSucceeded, ParallelStateSucceeded,
		StudioDebugPaused, StudioDebugResumed:
		return true
	}
	return false
}

// stateRun is one visit of a state.
type stateRun struct {
	name       string
	task       bool // Task, Parallel and Map states show $$.State.RetryCount
	enteredID  int64
	enteredAt  time.Time
	retryCount int
	token      string // the task token of the current attempt of a .waitForTaskToken task
	// waiting is set on a visit resumed after a restart while its .waitForTaskToken task
	// waited for its callback: the task goes back to waiting instead of being called again.
	waiting *waitingTask
	// assign is the Assign the visit evaluates: the state's, or the matching Choice rule's.
	// assigned holds its values until the state ends (or a catcher's instead).
	assign   *assignment
	assigned *object
	// output is a JSONata state's Output the visit evaluates (the state's, or the matching
	// Choice rule's), and jsonata the environment its expressions see.
	output  *jsonataTemplate
	jsonata *jsonataEnv
	// kept is what a redrive keeps of this Map or Parallel state's iterations or branches.
	kept *kept

	// What a restart found of a visit that was running (resume_frames.go), each taken by
	// the first attempt that uses it. inner is a Map or Parallel attempt's iterations or
	// branches; retryCounts the retries of each retrier so far; failure (at failedAt) a
	// task failure not yet retried or caught; gaveUp a Map or Parallel failure its Retry
	// had given up on; result a TaskSucceeded whose data flow had not finished;
	// interrupted the TaskScheduled of a call that was in flight.
	inner       *innerResume
	retryCounts []int
	failure     *Error
	failedAt    time.Time
	gaveUp      *Error
	result      *Event
	interrupted *Event
	job         *submittedJob
}

// submittedJob is a .sync task's job that a restart found submitted: it is awaited again.
type submittedJob struct {
	submitted json.RawMessage
	deadline  time.Time
}

// hasRetryCount reports whether the state type shows $$.State.RetryCount: the types that
// can retry.
func hasRetryCount(typ string) bool {
	return typ == "Task" || typ == "Parallel" || typ == "Map"
}

func (x *execution) now() time.Time { return x.eng.cfg.Clock.Now() }

func (x *execution) expired() bool {
	return !x.deadline.IsZero() && !x.now().Before(x.deadline)
}

// record numbers an event, hands it to the Recorder and returns its id. The lock is held
// while recording so that concurrent branches hand their events over in id order.
func (x *execution) record(typ EventType, state string, d EventDetails) (int64, error) {
	// By pointer: the details are large (some 300 bytes), and every event passes here.
	return x.recordWith(typ, state, &d, nil)
}

// recordWith is record, calling numbered with the event's id before anyone is told of the
// event: a debug pause is waiting for its command before its event can be seen.
func (x *execution) recordWith(typ EventType, state string, d *EventDetails, numbered func(id int64)) (int64, error) {
	h := x.hist
	if x.eng.cfg.Recorder == nil && h.limit == 0 {
		if numbered != nil {
			id := h.lastID.Add(1)
			numbered(id)
			return id, nil
		}
		// Nobody sees the event and no limit counts it: it needs only its id (AWS's error
		// causes name the id a state was entered at), which the branches of a Parallel
		// take without queueing for the lock.
		return h.lastID.Add(1), nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	prev := x.chain.prev
	if !h.entered && strings.HasSuffix(string(typ), "StateEntered") {
		prev, h.entered = 0, true
	}
	if h.full {
		return 0, errHistoryFull
	}
	if h.limit > 0 && h.lastID.Load()+1 >= h.limit && typ != ExecutionSucceeded {
		return 0, x.fillHistory(prev)
	}
	id := h.lastID.Load() + 1
	if numbered != nil {
		numbered(id)
	}
	if rec := x.eng.cfg.Recorder; rec != nil {
		// Only a recorder sees the event, its timestamp included: without one (the
		// benchmarks, the command line) reading the clock is all it would cost.
		ev := Event{ID: id, PreviousEventID: prev, Timestamp: x.now(), Type: typ, State: state, Details: *d}
		if err := rec.Record(h.ctx, x.in.ExecutionARN, ev); err != nil {
			return 0, fmt.Errorf("runtime: record %s of %s: %w", typ, x.in.ExecutionARN, err)
		}
	}
	h.lastID.Store(id)
	if !sideEvent(typ) {
		x.chain.prev = id
	}
	return id, nil
}

// fillHistory records, as the last event the history may hold, the ExecutionFailed that its
// limit forces, and stops every frame of the run. h.mu is held.
func (x *execution) fillHistory(prev int64) error {
	x.end()
	h := x.hist
	f := historyFullError(h.limit)
	ev := Event{ID: h.lastID.Load() + 1, PreviousEventID: prev, Timestamp: x.now(), Type: ExecutionFailed,
		Details: EventDetails{Error: f.Name, Cause: f.Cause}}
	if rec := x.eng.cfg.Recorder; rec != nil {
		if err := rec.Record(h.ctx, x.in.ExecutionARN, ev); err != nil {
			return fmt.Errorf("runtime: record %s of %s: %w", ev.Type, x.in.ExecutionARN, err)
		}
	}
	h.lastID.Store(ev.ID)
	h.full = true
	x.cancel(errHistoryFull)
	return errHistoryFull
}

// ended turns how a run came back into how it ended: whatever a run was doing when its
// history filled up (a state, its ExecutionFailed or ExecutionAborted), it ended there, failed.
func (x *execution) ended(res Result, err error) (Result, error) {
	x.hist.mu.Lock()
	defer x.hist.mu.Unlock()
	if !x.hist.full {
		return res, err
	}
	f := historyFullError(x.hist.limit)
	return Result{Status: StatusFailed, Error: f.Name, Cause: f.Cause}, nil
}

// flush waits until every event the execution recorded is durable, when the recorder
// writes in batches (Flusher).
func (x *execution) flush() error {
	f, ok := x.eng.cfg.Recorder.(Flusher)
	if !ok {
		return nil
	}
	if err := f.Flush(x.hist.ctx, x.in.ExecutionARN); err != nil {
		return fmt.Errorf("runtime: record the history of %s: %w", x.in.ExecutionARN, err)
	}
	return nil
}

// recording reports whether events go anywhere; without a recorder (the command line, the
// benchmarks) their JSON texts are not worth building.
func (x *execution) recording() bool { return x.eng.cfg.Recorder != nil }

// started records ExecutionStarted.
func (x *execution) started() error {
	var d EventDetails
	if x.recording() {
		d = startedDetails(x.input, x.in.RoleARN)
	}
	_, err := x.record(ExecutionStarted, "", d)
	return err
}

// run executes the machine from StartAt to its end. The error is non-nil only when the
// execution stopped without an end: its context ended or an event could not be recorded.
func (x *execution) run() (Result, error) {
	return x.runFrom(x.startAt(), x.input, nil)
}

// startAt is the state the execution starts at: StartInput.StartAt, else StartAt.
func (x *execution) startAt() string {
	if x.in.StartAt != "" {
		return x.in.StartAt
	}
	return x.in.Definition.StartAt
}

// runFrom executes the machine from the state name with its input. resumed, when not nil,
// is that state's visit as a restart found it: already entered, so not entered again. An
// empty name means the execution has nothing left to run and succeeds with input.
func (x *execution) runFrom(name string, input any, resumed *stateRun) (Result, error) {
	if name == "" {
		return x.succeeded(input)
	}
	out, last, err := x.runStates(x.in.Definition, name, input, resumed)
	switch failure := asFailure(err); {
	case err == nil:
		return x.succeeded(out)
	case errors.Is(err, errExecutionTimedOut):
		return x.timedOut(last)
	case x.ctx.Err() != nil:
		return Result{Status: StatusRunning}, x.ctx.Err()
	case failure != nil:
		return x.failed(last, failure)
	default:
		return Result{Status: StatusRunning}, err
	}
}

// runStates runs the states of def (the machine, a branch or an item processor) from name
// until one ends it, and returns its output, or the error that stopped it with the state
// it stopped in. It records no execution event: the caller decides what the end means.
func (x *execution) runStates(def *Definition, name string, input any, resumed *stateRun) (any, string, error) {
	// A frame visits one state at a time, and nothing keeps a visit once its state has
	// ended (its iterations and branches, calls and callbacks are over by then): the
	// frame's visits share one stateRun, reset at each entry, instead of allocating 200
	// bytes per state.
	visit := new(stateRun)
	for {
		// A state a restart found entered sees a stop itself, and records its …StateAborted.
		if err := x.ctx.Err(); err != nil && resumed == nil {
			return nil, name, err
		}
		if x.expired() {
			return nil, name, errExecutionTimedOut
		}
		if resumed == nil && x.debug != nil {
			var err error
			if input, err = x.debugBefore(name, input); err != nil {
				return nil, name, err
			}
		}
		out, next, err := x.runState(name, def.States[name], input, resumed, visit)
		resumed = nil
		if err != nil {
			return nil, name, err
		}
		if next == "" {
			return out, name, nil
		}
		name, input = next, out
	}
}

func (x *execution) succeeded(out any) (Result, error) {
	x.end()
	text := encodeJSON(out)
	var d EventDetails
	if x.recording() {
		d.Output = string(text)
	}
	if _, err := x.record(ExecutionSucceeded, "", d); err != nil {
		return Result{Status: StatusRunning}, err
	}
	return Result{Status: StatusSucceeded, Output: json.RawMessage(text)}, nil
}

func (x *execution) failed(state string, f *Error) (Result, error) {
	x.end()
	if _, err := x.record(ExecutionFailed, state, EventDetails{Error: f.Name, Cause: f.Cause}); err != nil {
		return Result{Status: StatusRunning}, err
	}
	return Result{Status: StatusFailed, Error: f.Name, Cause: f.Cause}, nil
}

func (x *execution) timedOut(state string) (Result, error) {
	x.end()
	if _, err := x.record(ExecutionTimedOut, state, EventDetails{Error: ErrNameTimeout}); err != nil {
		return Result{Status: StatusRunning}, err
	}
	return Result{Status: StatusTimedOut, Error: ErrNameTimeout}, nil
}

// runState records the state's entry, runs it and records its exit. It returns the
// output and the next state ("" when the execution ends there). A resumed visit was entered
// before a restart and is not entered again. visit, when not nil, is where a new visit is
// kept (see runStates).
func (x *execution) runState(name string, st State, input any, resumed, visit *stateRun) (any, string, error) {
	b := st.Base()
	sr := resumed
	if sr == nil {
		if visit == nil {
			visit = new(stateRun)
		}
		*visit = stateRun{name: name, task: hasRetryCount(b.Type)}
		sr = visit
		entered := EventDetails{Name: name}
		if x.recording() {
			entered.Input = jsonText(input)
		}
		id, err := x.record(b.enteredEvent, name, entered)
		if err != nil {
			return nil, "", err
		}
		sr.enteredID, sr.enteredAt = id, x.now()
		sr.kept = x.takeKept(name)
	}
	sr.assign, sr.output = b.assign, b.output

	var out any
	var err error
	next := b.Next
	switch s := st.(type) {
	case *PassState:
		out, err = x.runPass(s, sr, input)
	case *TaskState:
		out, next, err = x.runTask(s, sr, input)
	case *ChoiceState:
		out, next, err = x.runChoice(s, sr, input)
	case *WaitState:
		out, err = x.runWait(s, sr, input)
	case *SucceedState:
		out, err = x.runSucceed(s, sr, input)
	case *ParallelState:
		out, next, err = x.runParallel(s, sr, input)
	case *MapState:
		out, next, err = x.runMap(s, sr, input)
	case *FailState:
		failure, err := x.runFail(s, sr, input)
		if err != nil {
			if rerr := x.evaluationFailed(sr, err); rerr != nil {
				return nil, "", rerr
			}
			return nil, "", x.inState(sr, err)
		}
		// The Fail state's own error is the workflow's, never prefixed.
		return nil, "", failure
	default:
		err = runtimeError("stepstudio: the %s state is not supported yet", b.Type)
	}
	if err != nil {
		if err := x.evaluationFailed(sr, err); err != nil {
			return nil, "", err
		}
		return nil, "", x.inState(sr, x.stateAborted(b, err))
	}
	// Without a recorder nobody reads the text: only its size is needed.
	var text []byte
	size := 0
	if x.recording() {
		text = encodeJSON(out)
		size = len(text)
	} else {
		size = jsonSize(out, maxPayloadBytes)
	}
	if size > maxPayloadBytes {
		return nil, "", dataLimitError(name)
	}
	// The state's assignments take effect now that it has ended.
	assigned, err := x.vars.commit(sr.assigned, name)
	if err != nil {
		return nil, "", err
	}
	if _, err := x.record(b.exitedEvent, name, EventDetails{Name: name, Output: string(text),
		AssignedVariables: assigned}); err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// takeKept hands what the redrive keeps to the first state the redrive enters, the one
// it is for; a later visit (a Choice looping back) runs whole.
func (x *execution) takeKept(name string) *kept {
	k := x.keep
	x.keep = nil
	if k == nil || k.state != name {
		return nil
	}
	return k
}

// inState adds AWS's "An error occurred while executing the state ..." prefix to the
// States.Runtime and States.QueryEvaluationError failures the runtime raises itself.
func (x *execution) inState(sr *stateRun, err error) error {
	var f *Error
	if !errors.As(err, &f) || (f.Name != ErrNameRuntime && f.Name != ErrNameQueryEvaluation) || strings.HasPrefix(f.Cause, "An error occurred while executing the state") {
		return err
	}
	return &Error{Name: f.Name, Cause: statePrefix(sr.name, sr.enteredID) + f.Cause,
		location: f.location, evaluationRecorded: f.evaluationRecorded}
}

// lazyContext gives $$ for the current state visit, built on first use.
func (x *execution) lazyContext(sr *stateRun) contextFunc {
	var obj any
	return func() any {
		if obj == nil {
			obj = x.contextObject(sr)
		}
		return obj
	}
}

// contextObject builds $$ for the current state visit.
func (x *execution) contextObject(sr *stateRun) any {
	exe := newObject(6)
	exe.set("Id", x.in.ExecutionARN)
	exe.set("Input", x.input)
	exe.set("StartTime", formatTimestamp(x.start))
	exe.set("Name", x.in.ExecutionName)
	exe.set("RoleArn", x.in.RoleARN)
	if x.in.StateMachineType != "EXPRESS" {
		exe.set("RedriveCount", json.Number(strconv.Itoa(x.redriveCount)))
		if x.redriveCount > 0 {
			exe.set("RedriveTime", formatTimestamp(x.redriveTime))
		}
	}
	sm := newObject(2)
	sm.set("Id", x.in.StateMachineARN)
	sm.set("Name", x.in.StateMachineName)
	st := newObject(3)
	st.set("Name", sr.name)
	st.set("EnteredTime", formatTimestamp(sr.enteredAt))
	if sr.task {
		st.set("RetryCount", json.Number(strconv.Itoa(sr.retryCount)))
	}
	root := newObject(4)
	root.set("Execution", exe)
	root.set("StateMachine", sm)
	root.set("State", st)
	if sr.token != "" {
		task := newObject(1)
		task.set("Token", sr.token)
		root.set("Task", task)
	}
	if x.probe != nil && x.probe.context != nil {
		overlay(root, x.probe.context)
	}
	return root
}

// overlay lays over's members over o: an object over an object replaces the fields it has,
// anything else replaces the member.
func overlay(o, over *object) {
	for _, m := range over.members {
		inner, isObject := m.val.(*object)
		if old, ok := o.get(m.key); ok && isObject {
			if target, ok := old.(*object); ok {
				// One level only: a field's value (Execution.Input) is replaced whole, never
				// merged into, since it may be the state's own data.
				for _, f := range inner.members {
					target.set(f.key, f.val)
				}
				continue
			}
		}
		o.set(m.key, m.val)
	}
}

// mayLetGo says the run may end while the execution sleeps (EngineConfig.Parker): a Standard
// execution run in the background, with nothing else running in it (the top-level frame).
func (x *execution) mayLetGo() bool {
	return x.eng.cfg.Parker != nil && x.mayPark && !x.nested && !x.in.KeepInMemory && x.in.StateMachineType != "EXPRESS"
}

// maxParked is the longest an execution that waits for nothing but a callback is let go
// before it is woken to look again: AWS's longest execution (a year). Its history says what
// it waits for, so waking early costs a resume, never a wrong result.
const maxParked = 365 * 24 * time.Hour

// sleep waits d on the engine's clock, cut short by the execution's deadline
// (errExecutionTimedOut) or its context.
func (x *execution) sleep(d time.Duration) error {
	// What the execution did before it sleeps is kept: a restart then wakes it on time.
	if err := x.flush(); err != nil {
		return err
	}
	wait, cut := d, false
	if !x.deadline.IsZero() {
		if left := x.deadline.Sub(x.now()); left <= d {
			wait, cut = left, true
		}
	}
	if wait <= 0 {
		if cut {
			return errExecutionTimedOut
		}
		return nil
	}
	if x.mayLetGo() && wait >= x.eng.cfg.ParkAfter {
		// Nothing else runs in the execution: its history says where it sleeps, so the run
		// can end and be resumed when it is due (a restart's resume, on time).
		return &parked{wakeAt: x.now().Add(wait)}
	}
	t := x.eng.cfg.Clock.NewTimer(wait)
	select {
	case <-t.C():
		if cut {
			return errExecutionTimedOut
		}
		return nil
	case <-x.ctx.Done():
		t.Stop()
		return x.ctx.Err()
	}
}

// awaitFor is what await waits on besides its channel: the task's own deadline, its
// HeartbeatSeconds counted from heartbeatFrom (zero: from now), and whether the run may be let
// go (EngineConfig.Parker) once it has waited ParkAfter: a callback may take days.
type awaitFor struct {
	taskDeadline  time.Time
	heartbeat     time.Duration
	heartbeatFrom time.Time
	mayLetGo      bool
	// started, for an activity task no worker has taken yet, ends the wait with the name of
	// the worker that takes it (outcome.startedBy).
	started <-chan string
}

// errLetGo is await's reason to stop waiting in memory (awaitFor.mayLetGo).
var errLetGo = errors.New("let go")

// await waits for ch, the task's own deadline (States.Timeout), its heartbeat
// (States.HeartbeatTimeout, pushed back by every signal on hb), the execution's deadline
// and the context, whichever comes first. Only one timer runs at a time, for the nearest
// deadline, so a virtual clock can jump straight to it. A wait that may be let go and lasts
// ParkAfter ends with *parked, due at its nearest deadline.
func (x *execution) await(ch <-chan outcome, hb <-chan struct{}, f awaitFor) (outcome, error) {
	if err := x.flush(); err != nil {
		return outcome{}, err
	}
	var hbDeadline time.Time
	if f.heartbeat > 0 {
		from := f.heartbeatFrom
		if from.IsZero() {
			from = x.now()
		}
		hbDeadline = from.Add(f.heartbeat)
	}
	var letGoAt time.Time
	if f.mayLetGo && x.mayLetGo() {
		letGoAt = x.now().Add(x.eng.cfg.ParkAfter)
	}
	for {
		var when time.Time
		var why error
		consider := func(t time.Time, e error) {
			if !t.IsZero() && (when.IsZero() || t.Before(when)) {
				when, why = t, e
			}
		}
		consider(f.taskDeadline, &Error{Name: ErrNameTimeout})
		consider(hbDeadline, &Error{Name: ErrNameHeartbeatTimeout})
		consider(x.deadline, errExecutionTimedOut)
		due := when
		consider(letGoAt, errLetGo)
		var timer Timer
		var fired <-chan time.Time
		if why != nil {
			d := when.Sub(x.now())
			if d <= 0 {
				select {
				case r := <-ch:
					return r, nil
				default:
					return outcome{}, x.awaitEnded(why, due)
				}
			}
			timer = x.eng.cfg.Clock.NewTimer(d)
			fired = timer.C()
		}
		stop := func() {
			if timer != nil {
				timer.Stop()
			}
		}
		select {
		case r := <-ch:
			stop()
			return r, nil
		case worker := <-f.started:
			stop()
			return outcome{started: true, startedBy: worker}, nil
		case <-hb:
			stop()
			if f.heartbeat > 0 { // without HeartbeatSeconds a heartbeat has no deadline to push back
				hbDeadline = x.now().Add(f.heartbeat)
			}
		case <-fired:
			return outcome{}, x.awaitEnded(why, due)
		case <-x.ctx.Done():
			stop()
			return outcome{}, x.ctx.Err()
		}
	}
}

// awaitEnded is why a wait ended without its outcome: a deadline, or, for errLetGo, that the
// run lets go of the execution until its nearest deadline, due (zero: none, so maxParked).
func (x *execution) awaitEnded(why error, due time.Time) error {
	if why != errLetGo {
		return why
	}
	// Ending from here: a decision that finds the task's token gone waits for the run to
	// have let go (Engine.AwaitEnding), then finds the execution parked.
	x.end()
	if due.IsZero() {
		due = x.now().Add(maxParked)
	}
	return &parked{wakeAt: due}
}

func secondsDuration(n int) time.Duration { return time.Duration(n) * time.Second }
