package runtime

import (
	"encoding/json"
	"errors"
	"time"
)

// ErrNotFound says a stored resource does not exist. It is declared here so the store can
// return it and the web handlers can test for it without importing each other.
var ErrNotFound = errors.New("not found")

// ErrTaskChanged is returned for a claim, release or heartbeat on a callback task that is no
// longer as the change needs it: decided meanwhile, or claimed by someone else first.
var ErrTaskChanged = errors.New("the task changed meanwhile")

// ErrExists says a resource with the same name already exists.
var ErrExists = errors.New("already exists")

// The types below are the Step Functions resources as the studio keeps them: state machines
// with their versions, executions and waiting callback tasks. They live here, beside the
// language, because the store, the web handlers and the views all speak of them and runtime is
// the one package all three may import.

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
}

// ExecutionInfo is a stored execution: what DescribeExecution tells about it.
type ExecutionInfo struct {
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
	// WakeAt is when a RUNNING execution that sleeps, let go by the engine, is to be woken;
	// zero while its run is in memory.
	WakeAt time.Time
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

// StartInputOf is what starting, resuming or redriving the stored execution e of machine m
// with its parsed definition needs.
func StartInputOf(e ExecutionInfo, m StateMachine, def *Definition) StartInput {
	return StartInput{
		ExecutionARN:     e.ARN,
		ExecutionName:    e.Name,
		StateMachineARN:  m.ARN,
		StateMachineName: m.Name,
		StateMachineType: m.Type,
		Definition:       def,
		Input:            e.Input,
	}
}
