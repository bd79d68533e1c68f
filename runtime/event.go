package runtime

import "time"

// EventType is an AWS history event type, such as "TaskStateEntered".
type EventType string

// EndsExecution reports whether events of this type end an execution (until a redrive).
func (t EventType) EndsExecution() bool {
	switch t {
	case ExecutionSucceeded, ExecutionFailed, ExecutionTimedOut, ExecutionAborted:
		return true
	}
	return false
}

// The history event types the runtime emits (AWS's names).
const (
	ExecutionStarted   EventType = "ExecutionStarted"
	ExecutionSucceeded EventType = "ExecutionSucceeded"
	ExecutionFailed    EventType = "ExecutionFailed"
	ExecutionAborted   EventType = "ExecutionAborted"
	ExecutionTimedOut  EventType = "ExecutionTimedOut"
	ExecutionRedriven  EventType = "ExecutionRedriven"

	PassStateEntered     EventType = "PassStateEntered"
	PassStateExited      EventType = "PassStateExited"
	TaskStateEntered     EventType = "TaskStateEntered"
	TaskStateExited      EventType = "TaskStateExited"
	ChoiceStateEntered   EventType = "ChoiceStateEntered"
	ChoiceStateExited    EventType = "ChoiceStateExited"
	WaitStateEntered     EventType = "WaitStateEntered"
	WaitStateExited      EventType = "WaitStateExited"
	SucceedStateEntered  EventType = "SucceedStateEntered"
	SucceedStateExited   EventType = "SucceedStateExited"
	FailStateEntered     EventType = "FailStateEntered"
	ParallelStateEntered EventType = "ParallelStateEntered"
	ParallelStateExited  EventType = "ParallelStateExited"
	MapStateEntered      EventType = "MapStateEntered"
	MapStateExited       EventType = "MapStateExited"

	ParallelStateStarted   EventType = "ParallelStateStarted"
	ParallelStateSucceeded EventType = "ParallelStateSucceeded"
	ParallelStateFailed    EventType = "ParallelStateFailed"
	MapStateStarted        EventType = "MapStateStarted"
	MapStateSucceeded      EventType = "MapStateSucceeded"
	MapStateFailed         EventType = "MapStateFailed"
	MapIterationStarted    EventType = "MapIterationStarted"
	MapIterationSucceeded  EventType = "MapIterationSucceeded"
	MapIterationFailed     EventType = "MapIterationFailed"
	MapIterationAborted    EventType = "MapIterationAborted"
	ParallelStateAborted   EventType = "ParallelStateAborted"
	MapStateAborted        EventType = "MapStateAborted"
	TaskStateAborted       EventType = "TaskStateAborted"
	WaitStateAborted       EventType = "WaitStateAborted"
	// EvaluationFailed is recorded when a JSONata expression of a state fails
	// (States.QueryEvaluationError), before the state's failure goes on.
	EvaluationFailed EventType = "EvaluationFailed"

	TaskScheduled EventType = "TaskScheduled"
	TaskStarted   EventType = "TaskStarted"
	TaskSubmitted EventType = "TaskSubmitted"
	TaskSucceeded EventType = "TaskSucceeded"
	TaskFailed    EventType = "TaskFailed"
	TaskTimedOut  EventType = "TaskTimedOut"

	// The events of a Task whose Resource is an activity: scheduled, taken by a worker
	// (GetActivityTask), answered by it.
	ActivityScheduled EventType = "ActivityScheduled"
	ActivityStarted   EventType = "ActivityStarted"
	ActivitySucceeded EventType = "ActivitySucceeded"
	ActivityFailed    EventType = "ActivityFailed"
	ActivityTimedOut  EventType = "ActivityTimedOut"
	// The events of a Task whose Resource is a Lambda function's own ARN.
	LambdaFunctionScheduled EventType = "LambdaFunctionScheduled"
	LambdaFunctionStarted   EventType = "LambdaFunctionStarted"
	LambdaFunctionSucceeded EventType = "LambdaFunctionSucceeded"
	LambdaFunctionFailed    EventType = "LambdaFunctionFailed"
	LambdaFunctionTimedOut  EventType = "LambdaFunctionTimedOut"

	// ActivityScheduleFailed: the activity does not exist.
	ActivityScheduleFailed EventType = "ActivityScheduleFailed"

	// A distributed Map run by a MapRunner: its children are executions of their own.
	MapRunStarted   EventType = "MapRunStarted"
	MapRunSucceeded EventType = "MapRunSucceeded"
	MapRunFailed    EventType = "MapRunFailed"
	MapRunAborted   EventType = "MapRunAborted"
)

// Event is one entry of an execution's history, numbered as AWS numbers them.
type Event struct {
	ID              int64
	PreviousEventID int64
	Timestamp       time.Time
	Type            EventType
	// State is the name of the state the event belongs to ("" for ExecutionStarted and
	// ExecutionSucceeded). ExecutionFailed carries the state that failed. It is not part of
	// AWS's event shape; the studio uses it to light up the graph.
	State   string
	Details EventDetails
}

// EventDetails holds the detail fields of every event type; each type fills the ones AWS
// gives it. JSON values (Input, Output, Parameters) are JSON text, as in AWS's history.
type EventDetails struct {
	Name         string `json:"name,omitempty"`
	Input        string `json:"input,omitempty"`
	Output       string `json:"output,omitempty"`
	Error        string `json:"error,omitempty"`
	Cause        string `json:"cause,omitempty"`
	Resource     string `json:"resource,omitempty"`
	ResourceType string `json:"resourceType,omitempty"`
	Parameters   string `json:"parameters,omitempty"`
	// RoleArn is on ExecutionStarted; Region, TimeoutInSeconds and HeartbeatInSeconds are
	// on TaskScheduled (the last two only when the Task sets them).
	RoleArn string `json:"roleArn,omitempty"`
	// StateMachineVersionArn and StateMachineAliasArn are on ExecutionStarted when the
	// execution was started through a published version or an alias.
	StateMachineVersionArn string `json:"stateMachineVersionArn,omitempty"`
	StateMachineAliasArn   string `json:"stateMachineAliasArn,omitempty"`
	Region                 string `json:"region,omitempty"`
	TimeoutInSeconds       int64  `json:"timeoutInSeconds,omitempty"`
	HeartbeatInSeconds     int64  `json:"heartbeatInSeconds,omitempty"`
	// TaskToken is set on the events of .waitForTaskToken tasks (TaskScheduled, TaskSubmitted
	// and the task's end), so a recorder can keep the token, tell which task an end is of
	// (the tasks of a Map's iterations share a state) and a page can mask it; it is never
	// part of the AWS-shaped JSON.
	TaskToken string `json:"-"`
	// HeartbeatFrom, on a TaskSubmitted given to Resume, is when the waiting task's
	// HeartbeatSeconds count from (its last heartbeat); zero counts them from the resume. The
	// history does not hold heartbeats: the resumer knows them.
	HeartbeatFrom time.Time `json:"-"`
	// Length is on MapStateStarted (the number of items); Index on the MapIteration events,
	// whose Name is the Map state's. Pointers, because 0 is a value to show.
	Length *int `json:"length,omitempty"`
	Index  *int `json:"index,omitempty"`
	// AssignedVariables is on StateExited when the state assigned variables: each value as
	// JSON text, as AWS shows them.
	AssignedVariables map[string]string `json:"assignedVariables,omitempty"`
	// WorkerName is on ActivityStarted: the worker that took the activity task. Given to
	// Resume on an ActivityScheduled, it says a worker took the task (HeartbeatFrom then
	// counts from when it did) even if the history has no ActivityStarted yet.
	WorkerName string `json:"workerName,omitempty"`
	// MapRunArn is on MapRunStarted.
	MapRunArn string `json:"mapRunArn,omitempty"`
	// State and Location are on EvaluationFailed: the state and the field whose expression
	// failed (such as "Output/result").
	State    string `json:"state,omitempty"`
	Location string `json:"location,omitempty"`
	// RedriveCount is on ExecutionRedriven: 1 for the first redrive.
	RedriveCount int `json:"redriveCount,omitempty"`
	// Mocked is on the TaskScheduled (LambdaFunctionScheduled) of a call a mock answered:
	// the studio's own mark, left out of the API's history.
	Mocked bool `json:"mocked,omitempty"`
	// Debug is on the studio's debug events (StudioDebugPaused, StudioDebugResumed).
	Debug *DebugDetails `json:"debug,omitempty"`
}
