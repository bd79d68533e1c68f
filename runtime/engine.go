package runtime

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// EngineConfig is what an Engine needs from outside.
type EngineConfig struct {
	// Clock is required: every timestamp, Wait, timeout and retry delay comes from it.
	Clock Clock
	// Invoker runs Task resources. Without one, plain Tasks fail with States.Runtime and
	// .waitForTaskToken Tasks only wait for their callback.
	Invoker TaskInvoker
	// Mocks, when set, answers the calls of executions started with a test case before
	// the Invoker is asked.
	Mocks Mocks
	// Recorder receives the history events; nil drops them.
	Recorder Recorder
	// NewToken makes task tokens; the default is 256 random bits, base64url-encoded.
	NewToken func() (string, error)
	// Region is shown in TaskScheduled events when the state machine's ARN does not name
	// one; the default is us-east-1.
	Region string
	// Logger hears of executions started in the background that stopped without an end
	// for another reason than their context (an event that could not be recorded).
	Logger *slog.Logger
	// Parker, when set, keeps the Standard executions that the engine lets go while they
	// sleep (a Wait or a retry's backoff of at least ParkAfter): their run ends, holding no
	// goroutine, and the Parker resumes them (Resume) when they are due. Runs of Run and
	// runs with StartInput.KeepInMemory are never let go.
	Parker    Parker
	ParkAfter time.Duration
	// MapRuns, when set, runs the iterations of a distributed Map as child executions of a
	// map run (maprun.go); without it they run inside the execution, as inline ones do.
	MapRuns MapRunner
	// Objects is the Amazon S3 that distributed Maps read items from (ItemReader) and write
	// results to (ResultWriter); without it they fail with States.ItemReaderFailed or
	// States.ResultWriterFailed.
	Objects ObjectStore
	// ActivityExistsFunc, when set, says whether an activity exists: a Task of one that does
	// not fails when it is scheduled (ActivityScheduleFailed, States.Runtime) instead of
	// waiting for a worker that can never come.
	ActivityExistsFunc func(activityARN string) bool
	// ActivityScheduledFunc, when set, hears of each activity task once it is stored and
	// waits for a worker, with the activity's ARN, so that pollers waiting for it wake.
	ActivityScheduledFunc func(activityARN string)
	// MaxHistoryEvents bounds the history of a Standard execution as AWS does (its quota is
	// DefaultMaxHistoryEvents): the event that would reach it, unless it is
	// ExecutionSucceeded, is replaced by ExecutionFailed with States.Runtime and the run
	// stops. 0 means no limit (the benchmarks); Express executions have none.
	MaxHistoryEvents int64
}

// DefaultMaxHistoryEvents is AWS Step Functions' hard quota on the events of one Standard
// execution's history.
const DefaultMaxHistoryEvents = 25_000

// Engine runs executions of parsed definitions and routes task callbacks to them. One
// Engine serves any number of concurrent executions.
type Engine struct {
	cfg EngineConfig

	mu      sync.Mutex
	waiters map[string]*waiter // task token -> the task waiting for its callback
	pauses  map[string]*pause  // execution ARN and pause event -> a debug run's frame that waits there
	runs    map[string]*run    // execution ARN -> its run in the background (Start, Resume, Redrive)
	mapRuns map[string]*mapRun // map run ARN -> its distributed Map, while its children run

	running sync.WaitGroup
}

// waiter is a .waitForTaskToken task waiting for its callback.
type waiter struct {
	result    chan outcome  // receives the one decision; buffered so deciding never blocks
	heartbeat chan struct{} // SendTaskHeartbeat signals; buffered, extra signals dropped
	started   chan string   // the worker that took an activity task; buffered, sent once
	// ctx is the waiting frame's: once it is cancelled (StopExecution, shutdown) the task
	// no longer takes decisions, even before it has unregistered.
	ctx context.Context
}

// NewEngine returns an engine. It panics without a Clock: that is a wiring mistake, not
// something to handle at run time.
func NewEngine(cfg EngineConfig) *Engine {
	if cfg.Clock == nil {
		panic("runtime: EngineConfig.Clock is required")
	}
	if cfg.NewToken == nil {
		cfg.NewToken = randomToken
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	return &Engine{cfg: cfg, waiters: map[string]*waiter{}, pauses: map[string]*pause{}, runs: map[string]*run{}}
}

// randomToken returns 256 bits from crypto/rand, base64url-encoded without padding, after
// "AQ" (as AWS's tokens begin): a token that began with "-" (one in 64 would) reads as an
// option to the AWS CLI, "aws stepfunctions send-task-success --task-token -x…".
func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("runtime: task token: %w", err)
	}
	return "AQ" + base64.RawURLEncoding.EncodeToString(b), nil
}

// StartInput describes an execution to start.
type StartInput struct {
	ExecutionARN     string
	ExecutionName    string
	StateMachineARN  string
	StateMachineName string
	RoleARN          string
	// StateMachineType is "STANDARD" (the default) or "EXPRESS"; express executions have
	// no $$.Execution.RedriveCount.
	StateMachineType string
	Definition       *Definition
	// Input is any JSON value; empty means {}.
	Input json.RawMessage
	// TestCase names the mock test case the execution runs with (EngineConfig.Mocks), ""
	// for none.
	TestCase string
	// StartAt, when set, is the top-level state the execution starts at instead of the
	// definition's StartAt (a run "from here"); restarts and redrives keep to it.
	StartAt string
	// KeepInMemory keeps the run in memory while it sleeps, whatever EngineConfig.Parker:
	// for a parked execution woken to be stopped.
	KeepInMemory bool
	// Debug makes the run a debug run: it pauses at breakpoints (debug.go). Restarts and
	// redrives are given the same.
	Debug *DebugConfig
}

// Parker keeps executions that sleep (see EngineConfig.Parker).
type Parker interface {
	// Park takes an execution whose run ended to sleep until wakeAt; its history is
	// committed up to its sleep.
	Park(ctx context.Context, executionARN string, wakeAt time.Time) error
}

// Result is how an execution ended.
type Result struct {
	Status Status
	// Output is the execution's output (compact JSON) when it succeeded.
	Output json.RawMessage
	// Error and Cause are set when it failed or timed out; "" means AWS reports none.
	Error string
	Cause string
}

// Start records ExecutionStarted, then runs the execution in a goroutine and returns. ctx
// bounds the run: when it ends (server shutdown) the execution stops where it is, without
// a terminal event, so that it can be resumed; Stop is how to end it for good. An invalid
// input is an error before anything is recorded.
func (e *Engine) Start(ctx context.Context, in StartInput) error {
	x, err := e.newExecution(ctx, in)
	if err != nil {
		return err
	}
	r, err := e.claim(x)
	if err != nil {
		x.cancel(nil)
		return err
	}
	err = x.started()
	if err == nil {
		err = x.flush() // the start is durable before it is acknowledged
	}
	if err != nil {
		e.release(r)
		x.cancel(nil)
		return err
	}
	x.mayPark = true
	e.launch(r, x.run)
	return nil
}

// StartedEvent is the ExecutionStarted event that begins an execution of in at `at`, for a
// caller that stores it with the execution in one transaction and then has the engine run it
// from there (Resume with it as the history): a start is then never half done. An input
// that is not JSON is an error.
func StartedEvent(in StartInput, at time.Time) (Event, error) {
	raw := in.Input
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = json.RawMessage("{}")
	}
	input, err := decodeJSON(raw)
	if err != nil {
		return Event{}, fmt.Errorf("runtime: start %s: the input is not valid JSON: %w", in.ExecutionARN, err)
	}
	return Event{ID: 1, Type: ExecutionStarted, Timestamp: at, Details: startedDetails(input, in.RoleARN)}, nil
}

func startedDetails(input any, roleARN string) EventDetails {
	return EventDetails{Input: jsonText(input), RoleArn: roleARN}
}

// Run executes synchronously and returns the result (for the command line and tests). The
// error is non-nil when the execution could not start or stopped without an end (ctx
// ended, an event could not be recorded); the Result then has status RUNNING.
func (e *Engine) Run(ctx context.Context, in StartInput) (Result, error) {
	x, err := e.newExecution(ctx, in)
	if err != nil {
		return Result{}, err
	}
	defer x.cancel(nil)
	if err := x.started(); err != nil {
		return x.ended(Result{Status: StatusRunning}, err)
	}
	res, err := x.ended(x.run())
	if ferr := x.flush(); err == nil && ferr != nil {
		return Result{Status: StatusRunning}, ferr
	}
	return res, err
}

// reportStop logs an execution run in the background that stopped for another reason than
// its context ending.
func (e *Engine) reportStop(x *execution, err error) {
	if err != nil && x.ctx.Err() == nil {
		e.cfg.Logger.Error("execution stopped", "execution", x.in.ExecutionARN, "err", err)
	}
}

// Wait blocks until every execution started by Start has ended or stopped.
func (e *Engine) Wait() { e.running.Wait() }

func (e *Engine) newExecution(ctx context.Context, in StartInput) (*execution, error) {
	if in.Definition == nil {
		return nil, fmt.Errorf("runtime: start %s: no definition", in.ExecutionARN)
	}
	if _, ok := in.Definition.States[in.StartAt]; in.StartAt != "" && !ok {
		return nil, fmt.Errorf("%w: start %s at %q: the machine has no top-level state of that name", ErrNoSuchState, in.ExecutionARN, in.StartAt)
	}
	raw := in.Input
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = json.RawMessage("{}")
	}
	input, err := decodeJSON(raw)
	if err != nil {
		return nil, fmt.Errorf("runtime: start %s: the input is not valid JSON: %w", in.ExecutionARN, err)
	}
	// The run has a context of its own so that StopExecution can end it; the Recorder gets
	// the caller's, so that what a stopped run records on its way out is still kept.
	runCtx, cancel := context.WithCancelCause(ctx)
	// The top-level frame, its history, chain and variables live as long as one another:
	// one allocation for the four.
	top := &struct {
		x     execution
		hist  history
		chain chain
		vars  scope
	}{hist: history{ctx: ctx, run: runCtx, limit: e.historyLimit(in), ending: make(chan struct{})}}
	x := &top.x
	*x = execution{eng: e, in: in, ctx: runCtx, cancel: cancel, input: input, region: e.cfg.Region,
		hist: &top.hist, chain: &top.chain, vars: &top.vars}
	if r := arnRegion(in.StateMachineARN); r != "" {
		x.region = r
	}
	if in.Debug != nil {
		x.debug = &debugRun{cfg: in.Debug, hits: map[string]int{}}
	}
	x.start = e.cfg.Clock.Now()
	x.deadline = deadlineOf(in, x.start)
	return x, nil
}

// ExpressMaxDuration is how long an Express execution may run: AWS times it out after five
// minutes, whatever its TimeoutSeconds says beyond that.
const ExpressMaxDuration = 5 * time.Minute

// deadlineOf is when an execution started at start times out (zero: never).
func deadlineOf(in StartInput, start time.Time) time.Time {
	var d time.Duration
	if t := in.Definition.TimeoutSeconds; t > 0 {
		d = secondsDuration(t)
	}
	if in.StateMachineType == "EXPRESS" && (d == 0 || d > ExpressMaxDuration) {
		d = ExpressMaxDuration
	}
	if d == 0 {
		return time.Time{}
	}
	return start.Add(d)
}

// arnRegion is the region an ARN names (arn:aws:states:<region>:<account>:...), or "".
func arnRegion(arn string) string {
	rest := arn
	for range 3 { // arn, aws, states
		_, after, ok := strings.Cut(rest, ":")
		if !ok {
			return ""
		}
		rest = after
	}
	region, _, _ := strings.Cut(rest, ":")
	return region
}

// historyLimit is the number of events an execution's history may hold; 0 is no limit.
func (e *Engine) historyLimit(in StartInput) int64 {
	if in.StateMachineType == "EXPRESS" {
		return 0
	}
	return e.cfg.MaxHistoryEvents
}

// SendTaskSuccess delivers the output of the .waitForTaskToken task waiting with token. A
// token is decided once: afterwards, or for a token no task waits with, it returns
// ErrTaskDoesNotExist. An output that is not JSON is ErrInvalidOutput.
func (e *Engine) SendTaskSuccess(token string, output json.RawMessage) error {
	v, err := decodeJSON(output)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidOutput, err)
	}
	return e.decide(token, outcome{output: encodeJSON(v)})
}

// SendTaskFailure fails the .waitForTaskToken task waiting with token, with the given
// error name and cause (which its Retry and Catch see). It returns ErrTaskDoesNotExist as
// SendTaskSuccess does.
func (e *Engine) SendTaskFailure(token, errorName, cause string) error {
	return e.decide(token, outcome{err: &Error{Name: errorName, Cause: cause}})
}

// SendTaskHeartbeat tells the task waiting with token that its worker is alive, which
// restarts its HeartbeatSeconds. It returns ErrTaskDoesNotExist for a token no task waits with.
func (e *Engine) SendTaskHeartbeat(token string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	w, ok := e.waiters[token]
	if !ok || w.ctx.Err() != nil {
		return ErrTaskDoesNotExist
	}
	select {
	case w.heartbeat <- struct{}{}:
	default: // one pending signal is as good as many
	}
	return nil
}

// StartActivityTask tells the activity task waiting with token that worker has taken it
// (GetActivityTask): its ActivityStarted is recorded and its HeartbeatSeconds begin. It
// returns ErrTaskDoesNotExist for a token no task waits with in this engine.
func (e *Engine) StartActivityTask(token, worker string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	w, ok := e.waiters[token]
	if !ok || w.ctx.Err() != nil {
		return ErrTaskDoesNotExist
	}
	select {
	case w.started <- worker:
	default: // taken once: a second start is not news
	}
	return nil
}

// decide hands the one decision to the waiting task. Removing the waiter and sending happen
// under the lock, so exactly one caller wins, and a task that gives up (timeout) can tell
// whether a decision came first.
func (e *Engine) decide(token string, o outcome) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	w, ok := e.waiters[token]
	if !ok || w.ctx.Err() != nil {
		// A stopped task's decision would be lost: refuse it, as for an unknown token.
		return ErrTaskDoesNotExist
	}
	delete(e.waiters, token)
	w.result <- o
	return nil
}

// IsWaiting reports whether a task waits for a callback with token in this engine. After a
// restart, a token stored as waiting that no resumed execution waits on can never be decided.
func (e *Engine) IsWaiting(token string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	w, ok := e.waiters[token]
	return ok && w.ctx.Err() == nil
}

// register makes the task of the frame ctx wait for a callback with token.
func (e *Engine) register(ctx context.Context, token string) *waiter {
	w := &waiter{result: make(chan outcome, 1), heartbeat: make(chan struct{}, 1), started: make(chan string, 1), ctx: ctx}
	e.mu.Lock()
	e.waiters[token] = w
	e.mu.Unlock()
	return w
}

// unregister removes a waiting task and reports whether it was still waiting (false: it
// was decided, and its decision is in its result channel).
func (e *Engine) unregister(token string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, ok := e.waiters[token]
	delete(e.waiters, token)
	return ok
}

func (e *Engine) newToken() (string, error) {
	t, err := e.cfg.NewToken()
	if err != nil {
		return "", err
	}
	if t == "" {
		return "", errors.New("runtime: NewToken returned an empty token")
	}
	return t, nil
}
