package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
)

// Store is what the lifecycle keeps executions and callback tasks in.
type Store interface {
	FindMachineVersion(ctx context.Context, versionID int64) (resource.StateMachine, error)
	FindExecution(ctx context.Context, id int64) (resource.Execution, error)
	FindExecutionByARN(ctx context.Context, arn string) (resource.Execution, error)
	FindRunningExecutions(ctx context.Context) ([]resource.Execution, error)
	FindEvents(ctx context.Context, executionID, afterID int64) ([]runtime.Event, error)
	// CreateExecution stores an execution with its first events in one transaction.
	CreateExecution(ctx context.Context, e resource.Execution, events ...runtime.Event) (resource.Execution, error)
	ParkExecution(ctx context.Context, id int64, wakeAt time.Time) error
	UnparkExecution(ctx context.Context, id int64) error

	// FindWaitingTasksOf returns the callback tasks of an execution that still wait.
	FindWaitingTasksOf(ctx context.Context, executionID int64) ([]resource.CallbackTask, error)
	CancelCallbackTask(ctx context.Context, id int64) error
	// DecideCallbackTask stores a decision with its audit row; UndoDecision takes it back.
	DecideCallbackTask(ctx context.Context, id int64, ev resource.AuditEvent) error
	UndoDecision(ctx context.Context, id int64, ev resource.AuditEvent) error
	RecordHeartbeat(ctx context.Context, id int64, user string, at time.Time) error
	// ResetPaused forgets a debug run's pauses: a restart records them again.
	ResetPaused(ctx context.Context, id int64) error
}

// Config is what the lifecycle is built from.
type Config struct {
	Store   Store
	Clock   runtime.Clock
	Invoker runtime.TaskInvoker
	// Mocks answers the calls of executions started with a mock test case.
	Mocks runtime.Mocks
	// Recorder receives the history of Standard executions (the store's writer), Express the
	// history of Express ones (kept in memory; only their record and result are stored).
	Recorder runtime.Recorder
	Express  runtime.Recorder
	Logger   *slog.Logger
	// MaxHistoryEvents bounds a Standard execution's history (runtime.EngineConfig).
	MaxHistoryEvents int64
	// ParkAfter is the shortest sleep for which a Standard execution is let go and woken
	// when due, holding no goroutine meanwhile; 0 keeps every run in memory.
	ParkAfter time.Duration
	// Publish tells the live pages of events the lifecycle stores itself (a start's).
	Publish func(executionARN string, events ...runtime.Event)
	// MapRuns, when set, keeps the map runs of distributed Maps, whose iterations then run as
	// child executions (mapruns.go); without it they run inside their execution.
	MapRuns MapRunStore
	// Objects is the Amazon S3 of distributed Maps' ItemReader and ResultWriter
	// (runtime.EngineConfig).
	Objects runtime.ObjectStore
	// ActivityScheduledFunc hears of each activity task stored and waiting for a worker;
	// ActivityExistsFunc says whether an activity exists (runtime.EngineConfig).
	ActivityScheduledFunc func(activityARN string)
	ActivityExistsFunc    func(activityARN string) bool
	// RunContext bounds the executions: they outlive the requests that start them and stop
	// (to be resumed) when it ends.
	RunContext context.Context
}

// Executions is the lifecycle of the studio's executions.
type Executions struct {
	cfg    Config
	engine *runtime.Engine
	log    *slog.Logger
	defs   runtime.Definitions
	waker  waker
	// began is when this lifecycle began: a resumed task's HeartbeatSeconds count from no
	// earlier (its worker could not send heartbeats while the studio was down).
	began time.Time

	// parking serialises waking (wake, and a decision or heartbeat for a parked execution's
	// task): a decision finds the execution either parked or waiting again with its token.
	parking sync.Mutex
	// handedOver are the tasks whose stored decision a wake handed to the execution
	// (resume), which a decision that raced the wake reads (decideParked). Under parking.
	handedOver map[int64]bool

	// parents are the machine versions of parents whose map runs start children
	// (parentVersion), under parentsMu.
	parentsMu sync.Mutex
	parents   map[string]resource.StateMachine
}

// New builds the lifecycle and its engine. Call Run to resume what was running and to wake
// sleeping executions.
func New(cfg Config) *Executions {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.RunContext == nil {
		cfg.RunContext = context.Background()
	}
	if cfg.Publish == nil {
		cfg.Publish = func(string, ...runtime.Event) {}
	}
	l := &Executions{cfg: cfg, log: cfg.Logger, waker: waker{due: map[int64]time.Time{}, changed: make(chan struct{}, 1)},
		began: cfg.Clock.Now(), handedOver: map[int64]bool{}}
	var rec runtime.Recorder = cfg.Recorder
	if cfg.Express != nil {
		rec = byType{standard: cfg.Recorder, express: cfg.Express}
	}
	ecfg := runtime.EngineConfig{Clock: cfg.Clock, Invoker: cfg.Invoker, Mocks: cfg.Mocks, Recorder: rec, Logger: cfg.Logger,
		MaxHistoryEvents: cfg.MaxHistoryEvents, Objects: cfg.Objects, ActivityScheduledFunc: cfg.ActivityScheduledFunc, ActivityExistsFunc: cfg.ActivityExistsFunc}
	if cfg.ParkAfter > 0 {
		ecfg.Parker, ecfg.ParkAfter = l, cfg.ParkAfter
	}
	if cfg.MapRuns != nil {
		ecfg.MapRuns = l
	}
	l.engine = runtime.NewEngine(ecfg)
	return l
}

// Wait blocks until every execution running in the engine has ended or stopped.
func (l *Executions) Wait() { l.engine.Wait() }

// Start starts an execution of the machine's current version with input (JSON text) under
// name: the execution and its ExecutionStarted are stored in one transaction before Start
// returns, and the engine runs it from there, as a restart would. An input that is not JSON
// is an error before anything is stored.
func (l *Executions) Start(ctx context.Context, m resource.StateMachine, arn, name string, input []byte) (resource.Execution, error) {
	return l.StartExecution(ctx, m, resource.Execution{ARN: arn, Name: name, Input: input})
}

// StartExecution is Start for an execution started through a published version or an alias,
// by a parent execution or with a mock test case: e's ARN, Name, Input, VersionARN, AliasARN,
// ParentARN and TestCase are used, and m is the version to run.
func (l *Executions) StartExecution(ctx context.Context, m resource.StateMachine, e resource.Execution) (resource.Execution, error) {
	def, err := l.defs.Of(m)
	if err != nil {
		return resource.Execution{}, err
	}
	info := resource.Execution{ARN: e.ARN, Name: e.Name, StateMachineID: m.ID, VersionID: m.VersionID, Input: e.Input,
		StartedAt: l.cfg.Clock.Now(), VersionARN: e.VersionARN, AliasARN: e.AliasARN, ParentARN: e.ParentARN, TestCase: e.TestCase,
		StartAt: e.StartAt, Debug: e.Debug}
	in := runtime.StartInputOf(info, m, def)
	started, err := runtime.StartedEvent(in, info.StartedAt)
	if err != nil {
		return resource.Execution{}, err
	}
	started.Details.StateMachineVersionArn, started.Details.StateMachineAliasArn = e.VersionARN, e.AliasARN
	if m.Type == "EXPRESS" {
		return l.startExpress(ctx, info, in, def)
	}
	e, err = l.cfg.Store.CreateExecution(ctx, info, started)
	if err != nil {
		return resource.Execution{}, err
	}
	l.cfg.Publish(e.ARN, started)
	if err := l.engine.Resume(l.cfg.RunContext, runtime.StartInputOf(e, m, def), []runtime.Event{started}); err != nil {
		return e, fmt.Errorf("lifecycle: start %s: %w", e.ARN, err)
	}
	return e, nil
}

// startExpress runs an Express execution: its record is stored, its history kept in memory
// (Config.Express) and its result stored when it ends; at least once: a restart runs it again
// from its input, if it was running.
func (l *Executions) startExpress(ctx context.Context, info resource.Execution, in runtime.StartInput, def *runtime.Definition) (resource.Execution, error) {
	if def.WaitsForTaskToken() {
		return resource.Execution{}, runtime.ErrExpressCallback
	}
	e, err := l.cfg.Store.CreateExecution(ctx, info)
	if err != nil {
		return resource.Execution{}, err
	}
	if s, ok := l.cfg.Express.(expressStarter); ok {
		s.Started(e.ARN, e.ID)
	}
	in.ExecutionARN = e.ARN
	if err := l.engine.Start(l.cfg.RunContext, in); err != nil {
		return e, fmt.Errorf("lifecycle: start %s: %w", e.ARN, err)
	}
	return e, nil
}

// expressStarter is an Express recorder that can be told an execution's stored id up front.
type expressStarter interface {
	Started(executionARN string, id int64)
}

// byType records the history of Standard executions with one recorder and of Express ones
// (their ARNs say ":express:") with the other.
type byType struct{ standard, express runtime.Recorder }

func (b byType) Record(ctx context.Context, executionARN string, ev runtime.Event) error {
	if strings.Contains(executionARN, ":express:") {
		return b.express.Record(ctx, executionARN, ev)
	}
	return b.standard.Record(ctx, executionARN, ev)
}

// Flush waits for a Standard execution's history; an Express one's is in memory already.
func (b byType) Flush(ctx context.Context, executionARN string) error {
	f, ok := b.standard.(runtime.Flusher)
	if !ok || strings.Contains(executionARN, ":express:") {
		return nil
	}
	return f.Flush(ctx, executionARN)
}

// Stop aborts a running execution (StopExecution) with an optional error and cause, and
// returns once its ExecutionAborted is stored. An execution that sleeps, let go by the
// engine, is woken to be stopped. runtime.ErrExecutionNotRunning when it is not running here.
func (l *Executions) Stop(ctx context.Context, e resource.Execution, errName, cause string) error {
	err := l.engine.Stop(e.ARN, errName, cause)
	if !errors.Is(err, runtime.ErrExecutionNotRunning) {
		return err
	}
	latest, ferr := l.cfg.Store.FindExecution(ctx, e.ID)
	if ferr != nil || latest.Status != runtime.StatusRunning || latest.WakeAt.IsZero() {
		return err
	}
	// Woken to be stopped: kept in memory, so it waits to be stopped instead of sleeping
	// somewhere else again.
	if err := l.wake(ctx, latest, true); err != nil {
		return err
	}
	return l.engine.Stop(e.ARN, errName, cause)
}

// Redrive restarts a failed, timed-out or aborted execution from the state that did not
// succeed (RedriveExecution). A *runtime.RedriveError says why it cannot be.
func (l *Executions) Redrive(ctx context.Context, e resource.Execution) error {
	m, def, err := l.definitionOf(ctx, e)
	if err != nil {
		return &runtime.RedriveError{Reason: "its definition is no longer valid: " + err.Error()}
	}
	history, err := l.cfg.Store.FindEvents(ctx, e.ID, 0)
	if err != nil {
		return err
	}
	return l.engine.Redrive(l.cfg.RunContext, childInput(runtime.StartInputOf(e, m, def), e), history)
}

// Decide takes a decision on a waiting callback task, an approval (ev.Output, AuditApproved)
// or a rejection (ev.Error and ev.Cause), as it is acknowledged: stored first with its audit
// row, so that nothing acknowledged is lost to a crash (a restart hands the stored decision to
// the execution), then handed to the execution. When the execution refuses it (the task
// ended meanwhile) the stored decision is taken back and the refusal returned
// (runtime.ErrTaskDoesNotExist); a task decided already gives resource.ErrTaskChanged.
func (l *Executions) Decide(ctx context.Context, t resource.CallbackTask, ev resource.AuditEvent) error {
	if err := l.cfg.Store.DecideCallbackTask(ctx, t.ID, ev); err != nil {
		return err
	}
	send := func() error {
		if ev.Action == resource.AuditApproved {
			return l.engine.SendTaskSuccess(t.Token, ev.Output)
		}
		return l.engine.SendTaskFailure(t.Token, ev.Error, ev.Cause)
	}
	err := send()
	if errors.Is(err, runtime.ErrTaskDoesNotExist) {
		err = l.decideParked(ctx, t, send)
	}
	if err != nil {
		// Taken back whatever the request's fate: a decision must not stay half made.
		if uerr := l.cfg.Store.UndoDecision(context.WithoutCancel(ctx), t.ID, ev); uerr != nil {
			l.log.Error("undo decision", "task", t.ID, "err", uerr)
		}
		return err
	}
	return nil
}

// decideParked hands a stored decision to an execution whose run had let go of the task's
// token: a parked execution (its callback waited ParkAfter) is woken, and its resume takes
// the stored decision. A run letting go at this moment is waited for first.
func (l *Executions) decideParked(ctx context.Context, t resource.CallbackTask, send func() error) error {
	l.engine.AwaitEnding(ctx, t.ExecutionARN)
	l.parking.Lock()
	defer l.parking.Unlock()
	if l.tookOver(t.ID) {
		return nil // a wake (its deadline came) handed the decision over meanwhile
	}
	err := send()
	if !errors.Is(err, runtime.ErrTaskDoesNotExist) {
		return err // woken meanwhile: it waits with the token again
	}
	e, ferr := l.cfg.Store.FindExecution(ctx, t.ExecutionID)
	if ferr != nil || e.Status != runtime.StatusRunning || e.WakeAt.IsZero() {
		return err
	}
	if err := l.wakeParked(ctx, e, false); err != nil {
		return err
	}
	if l.tookOver(t.ID) {
		return nil
	}
	return runtime.ErrTaskDoesNotExist
}

// tookOver reports, once, whether a wake handed task id's stored decision over. Under parking.
func (l *Executions) tookOver(id int64) bool {
	ok := l.handedOver[id]
	delete(l.handedOver, id)
	return ok
}

// Heartbeat tells a waiting task's execution that its worker is alive (SendTaskHeartbeat),
// restarting its HeartbeatSeconds, and records who sent it. A parked execution is not woken:
// the heartbeat is stored, and its resume counts HeartbeatSeconds from it.
func (l *Executions) Heartbeat(ctx context.Context, t resource.CallbackTask, user string) error {
	err := l.engine.SendTaskHeartbeat(t.Token)
	if errors.Is(err, runtime.ErrTaskDoesNotExist) {
		l.engine.AwaitEnding(ctx, t.ExecutionARN)
		l.parking.Lock()
		defer l.parking.Unlock()
		if err = l.engine.SendTaskHeartbeat(t.Token); errors.Is(err, runtime.ErrTaskDoesNotExist) {
			if e, ferr := l.cfg.Store.FindExecution(ctx, t.ExecutionID); ferr == nil && e.Status == runtime.StatusRunning && !e.WakeAt.IsZero() {
				err = nil
			}
		}
	}
	if err != nil {
		return err
	}
	return l.cfg.Store.RecordHeartbeat(ctx, t.ID, user, l.cfg.Clock.Now())
}

// definitionOf reads and parses the version an execution runs.
func (l *Executions) definitionOf(ctx context.Context, e resource.Execution) (resource.StateMachine, *runtime.Definition, error) {
	m, err := l.cfg.Store.FindMachineVersion(ctx, e.VersionID)
	if err != nil {
		return m, nil, err
	}
	def, err := l.defs.Of(m)
	if err == nil && e.MapState != "" {
		// A map run's child runs its Map state's ItemProcessor.
		if def = def.Processor(e.MapState); def == nil {
			err = fmt.Errorf("its machine has no Map state %q", e.MapState)
		}
	}
	return m, def, err
}

// IsWaiting reports whether a task waits with token in this studio: from before its call is
// made, while its TaskSubmitted (which stores the task) is not yet.
func (l *Executions) IsWaiting(token string) bool { return l.engine.IsWaiting(token) }

// AwaitEnd waits until the execution's run in this studio has ended (or ctx ends); an
// execution that is not running here returns at once. StartSyncExecution answers after it.
func (l *Executions) AwaitEnd(ctx context.Context, e resource.Execution) {
	l.engine.AwaitEnd(ctx, e.ARN)
}

// StartActivityTask tells the execution of an activity task that a worker took it: the store
// has marked the task as the worker's (the one claim), and the execution records its
// ActivityStarted and starts counting its HeartbeatSeconds. An execution parked meanwhile is
// woken; its resume reads the worker from the store.
func (l *Executions) StartActivityTask(ctx context.Context, t resource.CallbackTask, worker string) error {
	if err := l.engine.StartActivityTask(t.Token, worker); !errors.Is(err, runtime.ErrTaskDoesNotExist) {
		return err
	}
	l.engine.AwaitEnding(ctx, t.ExecutionARN)
	l.parking.Lock()
	defer l.parking.Unlock()
	err := l.engine.StartActivityTask(t.Token, worker)
	if !errors.Is(err, runtime.ErrTaskDoesNotExist) {
		return err
	}
	e, ferr := l.cfg.Store.FindExecution(ctx, t.ExecutionID)
	if ferr != nil || e.Status != runtime.StatusRunning || e.WakeAt.IsZero() {
		return err
	}
	return l.wakeParked(ctx, e, false)
}

// DebugResume ends a pause of a debug run (the StudioDebugPaused event pause) as cmd says;
// runtime.ErrNotPaused when it is not paused there (resumed already, stopped, ended).
func (l *Executions) DebugResume(ctx context.Context, e resource.Execution, pause int64, cmd runtime.DebugCommand) error {
	if len(e.Debug) == 0 {
		return fmt.Errorf("%w: execution %d is not a debug run", runtime.ErrNotPaused, e.ID)
	}
	return l.engine.DebugResume(e.ARN, pause, cmd)
}
