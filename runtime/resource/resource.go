// Package resource holds the Step Functions resources as the studio keeps them: state
// machines with their versions, executions, callback tasks and their audit, and the errors
// of looking them up. The store keeps them, the lifecycle and the web handlers act on them and
// the views show them; the language (package runtime) runs what they describe.
package resource

import (
	"encoding/json"
	"errors"
	"time"
)

// ErrNotFound says a stored resource does not exist. The store returns it and the web handlers
// test for it.
var ErrNotFound = errors.New("not found")

// ErrTaskChanged is returned for a claim, release or heartbeat on a callback task that is no
// longer as the change needs it: decided meanwhile, or claimed by someone else first.
var ErrTaskChanged = errors.New("the task changed meanwhile")

// ErrExists says a resource with the same name already exists.
var ErrExists = errors.New("already exists")

// ErrTooManyTags says a resource would have more tags than allowed.
var ErrTooManyTags = errors.New("too many tags")

// ErrVersionInUse says a published version cannot be deleted: an alias routes to it.
var ErrVersionInUse = errors.New("an alias routes to the version")

// StateMachine is a stored state machine at one version.
type StateMachine struct {
	ID   int64
	Name string
	ARN  string
	// Type is "STANDARD" or "EXPRESS".
	Type string
	// VersionID identifies the stored definition; Version counts from 1 per machine.
	VersionID int64
	Version   int
	// Definition is the ASL JSON exactly as it was given, byte for byte.
	Definition []byte
	CreatedAt  time.Time
	UpdatedAt  time.Time
	// RoleARN is the role this revision was saved with (the API's roleArn; the pages keep
	// the one before). Description is what it was published with.
	RoleARN     string
	Description string
	// Published is the version number this revision was published as
	// (PublishStateMachineVersion), counted from 1 per machine; 0 when it was not.
	Published   int
	PublishedAt time.Time
	// Logging is the loggingConfiguration the API was given (JSON text, "" for none);
	// Tracing its tracingConfiguration.enabled.
	Logging string
	Tracing bool
	// Deleting is set by DeleteStateMachine while executions of the machine still run.
	Deleting bool
	// YAMLSource is the YAML the machine was imported from, kept with it by CreateMachine
	// (read it back with the store's MachineYAML): YAML exports keep its comments.
	YAMLSource []byte
}

// Revision is one stored version of a state machine (every save makes one), without its
// definition.
type Revision struct {
	Version int
	SavedAt time.Time
	// Published is the published version number it was frozen as, 0 when none.
	Published int
}

// Alias routes the executions started through it to one or two published versions of a
// state machine, by weight.
type Alias struct {
	ID          int64
	MachineID   int64
	Name        string
	Description string
	Routing     []Route
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Route is one published version of an alias's routing and its weight, out of 100.
type Route struct {
	Version int `json:"version"`
	Weight  int `json:"weight"`
}

// Activity is a kind of work that workers poll for (GetActivityTask).
type Activity struct {
	ID        int64
	Name      string
	ARN       string
	CreatedAt time.Time
}

// MapRun is a distributed Map's run of child executions.
type MapRun struct {
	ID            int64
	ARN           string
	ExecutionID   int64
	ExecutionARN  string
	State         string
	ExecutionType string
	// Status is RUNNING, SUCCEEDED, FAILED or ABORTED.
	Status                     string
	Items                      int
	MaxConcurrency             int
	ToleratedFailureCount      int
	ToleratedFailurePercentage float64
	StartedAt, StoppedAt       time.Time
	Error, Cause               string
}

// Tag is one tag of a resource.
type Tag struct {
	Key   string
	Value string
}

// Execution is a stored execution: what DescribeExecution tells about it.
type Execution struct {
	ID               int64
	ARN              string
	Name             string
	StateMachineID   int64
	StateMachineName string
	StateMachineARN  string
	// VersionID is the definition the execution ran, kept even after the machine changed.
	VersionID int64
	Status    Status
	Input     json.RawMessage
	Output    json.RawMessage
	Error     string
	Cause     string
	StartedAt time.Time
	StoppedAt time.Time
	// RedriveCount counts the redrives (RedriveExecution); RedriveDate is the last one's
	// time, zero when never redriven.
	RedriveCount int
	RedriveDate  time.Time
	// VersionARN and AliasARN name the published version and the alias the execution was
	// started through ("" when it was started on the machine itself).
	VersionARN string
	AliasARN   string
	// MapRunARN is, for a child execution of a distributed Map, its map run; MapState the
	// Map state (of the parent's definition) whose ItemProcessor it runs.
	MapRunARN string
	MapState  string
	// ParentARN is the execution whose states:startExecution task started this one ("" for
	// none); TestCase the mock test case it runs with (StartExecution's arn#TestCase).
	ParentARN string
	TestCase  string
	// StartAt is the state it was run from (the execution page's "Run from here"), "" for
	// the machine's own StartAt.
	StartAt string
	// WakeAt is when a RUNNING execution that sleeps, let go by the engine, is to be woken;
	// zero while its run is in memory.
	WakeAt time.Time
	// Debug, for a debug run, is the breakpoints it was started with (JSON of DebugSettings),
	// nil for a normal run; Paused is how many of its frames are paused now.
	Debug  json.RawMessage
	Paused int
}

// CallbackTask is a Task state waiting for (or decided by) a callback with its task token.
type CallbackTask struct {
	ID               int64
	Token            string
	ExecutionID      int64
	ExecutionName    string
	ExecutionARN     string
	StateMachineName string
	State            string
	Resource         string
	// Parameters is the JSON the Task was given (its effective input).
	Parameters json.RawMessage
	Status     CallbackStatus
	CreatedAt  time.Time
	DecidedAt  time.Time
	Output     json.RawMessage
	Error      string
	Cause      string
	// TimeoutSeconds and HeartbeatSeconds are the Task's, as its TaskScheduled event gave
	// them (0: not set). The deadlines count from CreatedAt and from the last heartbeat.
	TimeoutSeconds   int64
	HeartbeatSeconds int64
	LastHeartbeatAt  time.Time
	// ClaimedBy names the user who holds the task ("" for nobody); DecidedBy the user who
	// approved or rejected it from the studio.
	ClaimedBy string
	ClaimedAt time.Time
	DecidedBy string
	// SubmittedEvent is the id of the task's TaskSubmitted event (0 for tasks stored before
	// it was kept).
	SubmittedEvent int64
	// Decision is a decision stored and on its way to the execution while the task still
	// waits: CallbackSucceeded (Output) or CallbackFailed (Error, Cause); "" for none.
	Decision CallbackStatus
	// Worker is the worker that took an activity task (GetActivityTask's workerName), at
	// StartedAt; "" while the task waits for one.
	Worker    string
	StartedAt time.Time
}

// AuditAction is what a user (or the studio) did to a callback task, or a refused login.
type AuditAction string

// The audited actions.
const (
	AuditClaimed   AuditAction = "claimed"
	AuditReleased  AuditAction = "released"
	AuditApproved  AuditAction = "approved"
	AuditRejected  AuditAction = "rejected"
	AuditHeartbeat AuditAction = "heartbeat"
	AuditTimedOut  AuditAction = "timed_out"
	// AuditLoginFailed is a login refused for a wrong password or an unknown name (the
	// audit does not say which); AuditLoginThrottled one refused unchecked, during a wait
	// after too many failures. Their rows name no task (TaskID 0).
	AuditLoginFailed    AuditAction = "login_failed"
	AuditLoginThrottled AuditAction = "login_throttled"
)

// AuditEvent records one action on a callback task: who, when, what, and for a decision its
// output or error and cause. User is "" when the studio acted itself (a timeout). For a
// refused login, User is the name tried and Address the client's address.
type AuditEvent struct {
	ID            int64
	At            time.Time
	User          string
	Action        AuditAction
	TaskID        int64
	ExecutionID   int64
	ExecutionName string
	State         string
	Output        json.RawMessage
	Error         string
	Cause         string
	Address       string
}

// AuditFilter selects audit rows; zero fields match everything. Before pages: only rows with
// a smaller id, newest first.
type AuditFilter struct {
	User        string
	Action      AuditAction
	TaskID      int64
	ExecutionID int64
	Before      int64
	Limit       int
}

// CallbackStatus says where a callback task stands.
type CallbackStatus string

// The callback task statuses.
const (
	CallbackWaiting   CallbackStatus = "WAITING"
	CallbackSucceeded CallbackStatus = "SUCCEEDED"
	CallbackFailed    CallbackStatus = "FAILED"
	CallbackTimedOut  CallbackStatus = "TIMED_OUT"
	// CallbackCancelled marks a task whose execution ended while it waited.
	CallbackCancelled CallbackStatus = "CANCELLED"
)

// Status is the status of an execution, with AWS's names.
type Status string

// The execution statuses.
const (
	StatusRunning   Status = "RUNNING"
	StatusSucceeded Status = "SUCCEEDED"
	StatusFailed    Status = "FAILED"
	StatusTimedOut  Status = "TIMED_OUT"
	StatusAborted   Status = "ABORTED"
)

// StatusPaused filters the debug runs paused now (ExecutionFilter.Status): AWS has no such
// status, and they are RUNNING.
const StatusPaused = "PAUSED"

// ExecutionFilter chooses the executions of one page of a list, newest first.
type ExecutionFilter struct {
	// MachineID keeps the executions of one state machine; 0 keeps all.
	MachineID int64
	// Status keeps the executions with this status; "" keeps all.
	Status Status
	// NameContains keeps the executions whose name contains it (ASCII case ignored).
	NameContains string
	// Redriven keeps, when "REDRIVEN", the executions redriven at least once, when
	// "NOT_REDRIVEN" the others (ListExecutions' redriveFilter).
	Redriven string
	// VersionARN and AliasARN keep the executions started through that published version or
	// alias.
	VersionARN, AliasARN string
	// MapRunARN keeps the child executions of a map run; without it, children are left out.
	MapRunARN string
	// Before and After are keyset cursors (execution ids): Before asks for the page of older
	// executions, After for the page of newer ones. With neither, the newest page. Keyset
	// rather than offset paging, so executions that start meanwhile do not shift the pages.
	Before, After int64
	// Limit is the page size; 0 means 25.
	Limit int
}

// ExecutionPage is one page of a list of executions, newest first.
type ExecutionPage struct {
	Executions []Execution
	// HasNewer and HasOlder say whether executions matching the filter come before or after
	// this page.
	HasNewer, HasOlder bool
	// Total counts the executions matching the filter on every page.
	Total int
}

// SavedInput is an execution input the user saved under a name for one state machine.
type SavedInput struct {
	Name      string
	Input     string
	UpdatedAt time.Time
}

// Target is another Step Functions a machine is deployed to and pulled from: AWS itself
// (Endpoint ""), LocalStack, or another stepstudio.
type Target struct {
	ID   int64
	Name string
	// Endpoint is the Step Functions endpoint's URL, "" for AWS's own in Region.
	Endpoint string
	Region   string
	// Profile names the shared-config profile whose credentials are used; "" is the standard
	// chain (environment, shared files, SSO, instance role). An AccessKeyID replaces both.
	Profile string
	// AccessKeyID is the id of the access key pair given for the target (a stepstudio's key);
	// its secret is kept sealed and only the store's TargetSecret reads it.
	AccessKeyID string
	// RoleARN is the execution role a machine created on the target gets.
	RoleARN   string
	CreatedAt time.Time
}

// Deployment is one deploy of a machine's stored version to a target: the machine, version and
// alias ARNs it made there and the definition text sent.
type Deployment struct {
	ID         int64
	TargetID   int64
	TargetName string
	MachineID  int64
	// Revision is the machine's stored version that was deployed.
	Revision   int
	RemoteARN  string
	VersionARN string
	AliasARN   string
	Definition []byte
	DeployedAt time.Time
}

// Breakpoint pauses a debug run before it enters State: always, or when Condition holds on the
// state's input, from the HitCount-th time the state is reached (0 or 1: the first). Kept with
// the machine in the studio, never written into its ASL.
type Breakpoint struct {
	State   string `json:"state"`
	Enabled bool   `json:"enabled"`
	// Condition is "" (always), a JSONata expression "{% ... %}" over $states.input, or a
	// JSONPath test such as "$.amount > 100" or "$.kind == 'refund'".
	Condition string `json:"condition,omitempty"`
	HitCount  int    `json:"hitCount,omitempty"`
}

// DebugSettings are a machine's breakpoints and whether a debug run pauses when a state fails.
type DebugSettings struct {
	Breakpoints  []Breakpoint `json:"breakpoints"`
	BreakOnError bool         `json:"breakOnError"`
}
