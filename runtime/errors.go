package runtime

import (
	"errors"
	"fmt"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"slices"
)

// Error is a failure in the States Language sense: a named error (States.Timeout,
// States.TaskFailed, or a name of the workflow's own) with AWS's cause text. Retry and Catch
// match on Name.
type Error struct {
	Name  string
	Cause string

	// location is the field a States.QueryEvaluationError arose in, and evaluationRecorded
	// whether its EvaluationFailed event is in the history already.
	location           string
	evaluationRecorded bool
}

// Error renders the failure as "Name: Cause".
func (e *Error) Error() string {
	if e.Cause == "" {
		return e.Name
	}
	return e.Name + ": " + e.Cause
}

// The predefined error names of the States Language.
const (
	ErrNameAll                  = "States.ALL"
	ErrNameTimeout              = "States.Timeout"
	ErrNameHeartbeatTimeout     = "States.HeartbeatTimeout"
	ErrNameTaskFailed           = "States.TaskFailed"
	ErrNamePermissions          = "States.Permissions"
	ErrNameResultPathMatch      = "States.ResultPathMatchFailure"
	ErrNameParameterPathFailure = "States.ParameterPathFailure"
	ErrNameIntrinsicFailure     = "States.IntrinsicFailure"
	ErrNameNoChoiceMatched      = "States.NoChoiceMatched"
	ErrNameBranchFailed         = "States.BranchFailed"
	ErrNameDataLimitExceeded    = "States.DataLimitExceeded"
	ErrNameRuntime              = "States.Runtime"
	ErrNameQueryEvaluation      = "States.QueryEvaluationError"
	ErrNameExceedTolerated      = "States.ExceedToleratedFailureThreshold"
)

// Sentinel errors of the callback API.
var (
	// ErrTaskDoesNotExist says no task waits for the token: it is unknown, was already
	// decided, or its task ended (timed out, execution stopped).
	ErrTaskDoesNotExist = errors.New("runtime: task does not exist")
	// ErrInvalidOutput says the output given to SendTaskSuccess is not JSON.
	ErrInvalidOutput = errors.New("runtime: task output is not valid JSON")
	// ErrExpressCallback refuses an Express execution of a machine with a Task that waits
	// for a callback, which AWS does not run either.
	ErrExpressCallback = errors.New("an Express state machine cannot wait for a task token (.waitForTaskToken) or run an activity, as on AWS; make it Standard to wait for a callback or a worker")
)

// Status is the status of an execution, with AWS's names (resource.Status).
type Status = resource.Status

// The execution statuses.
const (
	StatusRunning   = resource.StatusRunning
	StatusSucceeded = resource.StatusSucceeded
	StatusFailed    = resource.StatusFailed
	StatusTimedOut  = resource.StatusTimedOut
	StatusAborted   = resource.StatusAborted
)

// runtimeError is a States.Runtime failure raised while running a state. The execution
// adds AWS's prefix naming the state (statePrefix) when it fails with it.
// asFailure is the *Error in err's chain, or nil. Unlike errors.As at the call site, it
// allocates nothing when err is nil, the common case on a hot path.
func asFailure(err error) *Error {
	if err == nil {
		return nil
	}
	var f *Error
	if errors.As(err, &f) {
		return f
	}
	return nil
}

func runtimeError(format string, args ...any) *Error {
	return &Error{Name: ErrNameRuntime, Cause: fmt.Sprintf(format, args...)}
}

// statePrefix is how AWS introduces a failure inside a state.
func statePrefix(state string, enteredID int64) string {
	return fmt.Sprintf("An error occurred while executing the state '%s' (entered at the event id #%d). ", state, enteredID)
}

// matches reports whether a Retrier's or Catcher's ErrorEquals covers the error name.
// States.ALL covers everything but States.Runtime and States.DataLimitExceeded;
// States.TaskFailed covers every task failure but States.Timeout (AWS: "any known error
// name except States.Timeout"); States.Runtime is never
// retried or caught, even when named.
func matches(errorEquals []string, name string, fromTask bool) bool {
	if name == ErrNameRuntime {
		return false
	}
	if slices.Contains(errorEquals, name) {
		return true
	}
	if name == ErrNameDataLimitExceeded {
		return false
	}
	if slices.Contains(errorEquals, ErrNameAll) {
		return true
	}
	if fromTask && slices.Contains(errorEquals, ErrNameTaskFailed) {
		return name != ErrNameTimeout
	}
	return false
}
