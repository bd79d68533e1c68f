package web

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/auth"
	"github.com/stepstudio/stepstudio/designer"
	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/mockconfig"
	"github.com/stepstudio/stepstudio/runtime/remote"
	"github.com/stepstudio/stepstudio/runtime/resource"
)

// MachineStore keeps state machines and their versions.
type MachineStore interface {
	CreateMachine(ctx context.Context, m resource.StateMachine) (resource.StateMachine, error)
	UpdateMachine(ctx context.Context, name string, definition []byte) (resource.StateMachine, error)
	FindMachine(ctx context.Context, name string) (resource.StateMachine, error)
	FindMachineVersion(ctx context.Context, versionID int64) (resource.StateMachine, error)
	FindMachines(ctx context.Context) ([]resource.StateMachine, error)
	// FindMachineRevision and FindMachineRevisions read a machine's stored versions.
	FindMachineRevision(ctx context.Context, machineID int64, n int) (resource.StateMachine, error)
	FindMachineRevisions(ctx context.Context, machineID int64) ([]resource.Revision, error)
	// MachineYAML and UpdateMachineYAML keep the YAML a machine was given as.
	MachineYAML(ctx context.Context, machineID int64) ([]byte, error)
	UpdateMachineYAML(ctx context.Context, name string, definition, yamlSource []byte) (resource.StateMachine, error)
}

// ExecutionStore keeps executions and their history.
type ExecutionStore interface {
	FindExecution(ctx context.Context, id int64) (resource.Execution, error)
	FindExecutions(ctx context.Context, machineID int64, limit int) ([]resource.Execution, error)
	FindEvents(ctx context.Context, executionID, afterID int64) ([]runtime.Event, error)
	// EachEvent hands the events after afterID to fn one at a time, in order, until fn fails
	// or ctx ends; long histories are read this way, never whole.
	EachEvent(ctx context.Context, executionID, afterID int64, fn func(runtime.Event) error) error
	FindEventsByID(ctx context.Context, executionID int64, ids []int64) ([]runtime.Event, error)
}

// CallbackStore keeps the tasks that wait for a callback.
type CallbackStore interface {
	FindCallbackTask(ctx context.Context, id int64) (resource.CallbackTask, error)
	FindCallbackTasks(ctx context.Context, status resource.CallbackStatus) ([]resource.CallbackTask, error)
	// FindCallbackTaskSubmitted gives the callback task whose TaskSubmitted event is eventID.
	FindCallbackTaskSubmitted(ctx context.Context, executionID, eventID int64) (resource.CallbackTask, error)
	// FindExecutionTokens gives an execution's task tokens, to mask them on its pages.
	FindExecutionTokens(ctx context.Context, executionID int64) ([]string, error)
	// Claims, heartbeats and decisions, each audited in the transaction that makes it.
	ClaimCallbackTask(ctx context.Context, id int64, user string, at time.Time) error
	ReleaseCallbackTask(ctx context.Context, id int64, holder, user string, at time.Time) error
	FindAuditEvents(ctx context.Context, f resource.AuditFilter) ([]resource.AuditEvent, error)
}

// APIStore keeps what the Step Functions API reads and changes besides the pages' resources:
// revisions, published versions and aliases, tags, activities and their tasks.
type APIStore interface {
	SaveMachineRevision(ctx context.Context, m resource.StateMachine, publish bool) (resource.StateMachine, error)
	DeleteMachine(ctx context.Context, id int64) (deleted bool, err error)
	PublishMachineVersion(ctx context.Context, machineID, revision int64, description string) (resource.StateMachine, error)
	FindPublishedVersion(ctx context.Context, machineID int64, n int) (resource.StateMachine, error)
	FindPublishedVersions(ctx context.Context, machineID int64) ([]resource.StateMachine, error)
	DeletePublishedVersion(ctx context.Context, machineID int64, n int) error
	CreateAlias(ctx context.Context, a resource.Alias) (resource.Alias, error)
	UpdateAlias(ctx context.Context, a resource.Alias) (resource.Alias, error)
	FindAlias(ctx context.Context, machineID int64, name string) (resource.Alias, error)
	FindAliases(ctx context.Context, machineID int64) ([]resource.Alias, error)
	DeleteAlias(ctx context.Context, machineID int64, name string) error
	FindTags(ctx context.Context, arn string) ([]resource.Tag, error)
	TagResource(ctx context.Context, arn string, tags []resource.Tag, limit int) error
	UntagResource(ctx context.Context, arn string, keys []string) error
	CreateActivity(ctx context.Context, a resource.Activity) (resource.Activity, error)
	FindActivity(ctx context.Context, arn string) (resource.Activity, error)
	FindActivities(ctx context.Context) ([]resource.Activity, error)
	DeleteActivity(ctx context.Context, arn string) error
	// TakeActivityTask gives the longest waiting task of an activity to a worker, once
	// (resource.ErrNotFound when none waits).
	TakeActivityTask(ctx context.Context, activityARN, worker string, at time.Time) (resource.CallbackTask, error)
	CountActivityTasks(ctx context.Context, activityARN string) (waiting, started int, err error)
	FindCallbackTaskByToken(ctx context.Context, token string) (resource.CallbackTask, error)
	LastEventID(ctx context.Context, executionID int64) (int64, error)
	FindMapRun(ctx context.Context, arn string) (resource.MapRun, error)
	FindMapRuns(ctx context.Context, executionID int64) ([]resource.MapRun, error)
	FindChildExecutions(ctx context.Context, parentARN string) ([]resource.Execution, error)
	CountMapRunChildren(ctx context.Context, arn string) (map[resource.Status]int, error)
	// FindActivityTasks gives up to limit waiting tasks of an activity, the oldest first,
	// for the activities page.
	FindActivityTasks(ctx context.Context, activityARN string, limit int) ([]resource.CallbackTask, error)
}

// Store is everything the web handlers keep.
type Store interface {
	MachineStore
	ExecutionStore
	CallbackStore
	ListStore
	InputStore
	DebugStore
	InboxStore
	APIStore
}

// Lifecycle changes executions and callback tasks: the one place that starts, stops and
// redrives executions and takes decisions and heartbeats (package lifecycle).
type Lifecycle interface {
	// Start stores an execution with its start in one transaction and runs it.
	Start(ctx context.Context, m resource.StateMachine, arn, name string, input []byte) (resource.Execution, error)
	// StartExecution is Start with the published version and alias it is started through
	// (e's ARN, Name, Input, VersionARN, AliasARN); resource.ErrExists for a taken ARN.
	StartExecution(ctx context.Context, m resource.StateMachine, e resource.Execution) (resource.Execution, error)
	// AwaitEnd waits until the execution's run here has ended (or ctx ends).
	AwaitEnd(ctx context.Context, e resource.Execution)
	// UpdateMapRun changes a running map run's MaxConcurrency and tolerated failures.
	UpdateMapRun(ctx context.Context, arn string, maxConcurrency, toleratedCount *int, toleratedPercentage *float64) error
	// StartActivityTask tells an activity task's execution that a worker took it.
	StartActivityTask(ctx context.Context, t resource.CallbackTask, worker string) error
	// DebugResume ends a pause of a debug run (runtime.ErrNotPaused when it is not paused
	// there).
	DebugResume(ctx context.Context, e resource.Execution, pause int64, cmd runtime.DebugCommand) error
	// Stop aborts a running execution (runtime.ErrExecutionNotRunning when it is not).
	Stop(ctx context.Context, e resource.Execution, errName, cause string) error
	// Redrive restarts a failed, timed-out or aborted execution (*runtime.RedriveError
	// when it cannot be).
	Redrive(ctx context.Context, e resource.Execution) error
	// Decide stores a decision (ev: AuditApproved with Output, AuditRejected with Error and
	// Cause) and hands it to the execution; resource.ErrTaskChanged when decided already,
	// runtime.ErrTaskDoesNotExist when the task no longer waits.
	Decide(ctx context.Context, t resource.CallbackTask, ev resource.AuditEvent) error
	// Heartbeat restarts a waiting task's HeartbeatSeconds and records who sent it.
	Heartbeat(ctx context.Context, t resource.CallbackTask, user string) error
	// IsWaiting reports whether a task of a running execution waits with token, stored or
	// not yet (its call is being made).
	IsWaiting(token string) bool
}

// GraphRenderer lays a definition out and draws it as an inline SVG element.
type GraphRenderer interface {
	RenderSVG(ctx context.Context, definition []byte) ([]byte, error)
	// RenderSVGWith draws it with options, such as the designer's left-to-right layout.
	RenderSVGWith(ctx context.Context, definition []byte, opts designer.DOTOptions) ([]byte, error)
}

// TargetStore keeps the targets (their secrets sealed) and what was deployed to them.
type TargetStore interface {
	FindTargets(ctx context.Context) ([]resource.Target, error)
	FindTarget(ctx context.Context, name string) (resource.Target, error)
	CreateTarget(ctx context.Context, t resource.Target, secret string) (resource.Target, error)
	DeleteTarget(ctx context.Context, name string) error
	// FindDeployments returns the last deployment of each machine to each target (machineID
	// 0: of every machine).
	FindDeployments(ctx context.Context, machineID int64) ([]resource.Deployment, error)
}

// Config is what a Server is built from.
type Config struct {
	Store     Store
	Lifecycle Lifecycle
	Hub       *Hub
	Graphs    GraphRenderer
	// Static holds app.js, app.css and the other browser assets.
	Static fs.FS
	Logger *slog.Logger
	// RunContext bounds executions started from the web: they outlive the request that
	// started them and stop when the server shuts down.
	RunContext context.Context
	// Users keeps the accounts that may log in, their sessions and API keys.
	Users UserStore
	// LocalWithoutUsers lets everyone in, as the user "local" with admin rights, while no
	// user exists. Set it only for a studio that listens on a loopback address.
	LocalWithoutUsers bool
	// Tasks says which Task resources the studio cannot run as configured, and how to route
	// or mock them (integration.Invoker); the designer warns of them. nil warns of none.
	Tasks interface{ Explain(resource string) string }
	// Mocks is Step Functions Local's mock file (serve --mock-config), nil without one:
	// executions started with one of its test cases get its responses.
	Mocks *mockconfig.File
	// Region and AccountID go into the ARNs the studio makes.
	Region    string
	AccountID string
	// Targets keeps the Step Functions machines are deployed to; Remote deploys to them,
	// pulls from them and follows their executions. Both nil: no targets.
	Targets TargetStore
	Remote  *remote.Studio
	// Hosts are the names the studio answers to besides localhost and IP addresses (see
	// hosts.go), each with a port or, for any port, without; CheckHostName says which are
	// valid, and the others are left out.
	Hosts []string
	// ActivityPollTime is how long GetActivityTask waits for a task; 0 means AWS's minute.
	ActivityPollTime time.Duration
	// NowFunc is the clock of the login throttle and of the audit rows of refused logins;
	// nil means time.Now. Tests pass a fake one to let a wait pass at once.
	NowFunc func() time.Time
}

// Server is the studio's HTTP handler.
type Server struct {
	cfg         Config
	echo        *echo.Echo
	log         *slog.Logger
	definitions runtime.Definitions
	// csrfSecret keys the CSRF tokens; a new one each start invalidates the pages still open.
	csrfSecret []byte
	// tasks serialises the changes of each callback task (claim, release, heartbeat,
	// decision), so a claim cannot slip between a decision's check and the decision.
	tasks taskLocks
	// folds keeps the folded histories of the executions being looked at; remotes those of
	// the targets' executions.
	folds   runFolds
	remotes remoteRuns
	// hosts are Config.Hosts, parsed; limits the body limit of each route (routes.go).
	hosts  []hostName
	limits routeLimits
	// logins throttles failed logins by name and by client address.
	logins *loginThrottle
	// polls wakes GetActivityTask's long polls and remembers the workers seen.
	polls activityPolls
}

// New builds the server and its routes.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.RunContext == nil {
		cfg.RunContext = context.Background()
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.AccountID == "" {
		cfg.AccountID = "123456789012"
	}
	if cfg.NowFunc == nil {
		cfg.NowFunc = time.Now
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	s := &Server{cfg: cfg, echo: e, log: cfg.Logger, csrfSecret: []byte(auth.NewToken()),
		hosts: hostNames(cfg.Hosts), limits: routeLimits{}, logins: newLoginThrottle(cfg.NowFunc)}
	e.HTTPErrorHandler = s.handleError
	s.routes()
	return s
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }
