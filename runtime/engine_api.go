package runtime

import (
	"context"
	"encoding/json"
	"time"
)

// Clock is the runtime's only source of time. Nothing in runtime calls time.Now or sleeps,
// so a one-hour Wait is tested instantly with a fake clock.
type Clock interface {
	Now() time.Time
	// NewTimer returns a timer that fires once d has passed on this clock.
	NewTimer(d time.Duration) Timer
}

// VirtualClock is a Clock on which time moves only when something waits for it (as in
// `stepstudio test`): work done between two waits takes no time.
type VirtualClock interface {
	Clock
	Virtual() bool
}

func isVirtual(c Clock) bool {
	v, ok := c.(VirtualClock)
	return ok && v.Virtual()
}

// Timer is a one-shot timer created by a Clock.
type Timer interface {
	C() <-chan time.Time
	// Stop prevents the timer from firing; it reports whether it stopped it.
	Stop() bool
}

// TaskRequest is what a Task state asks its TaskInvoker to run.
type TaskRequest struct {
	ExecutionARN string
	StateName    string
	// Resource is the Task's Resource as written (for example
	// "arn:aws:states:::sqs:sendMessage.waitForTaskToken").
	Resource string
	// Input is the effective input: the state input after InputPath and Parameters.
	Input json.RawMessage
	// TaskToken is set for .waitForTaskToken resources; the execution then waits for
	// Engine.SendTaskSuccess or Engine.SendTaskFailure with this token.
	TaskToken string
	// StateMachineName is the machine's name ("parent/label" in a map run's child);
	// TestCase the mock test case the execution runs with ("" for none); Invocation
	// numbers the calls of this state in the execution from 0, across retries, Map
	// iterations and restarts. A mock file's responses are picked by the three.
	StateMachineName string
	TestCase         string
	Invocation       int
}

// JobRunner is a TaskInvoker that runs .sync resources (the "run a job" pattern) as AWS
// does: Invoke starts the job and returns what started it, recorded as TaskSubmitted, and
// AwaitJob waits for the job's end and gives the task's result. A restart that finds the
// job submitted awaits it again instead of failing the call: the job lives on its own.
type JobRunner interface {
	AwaitJob(ctx context.Context, req TaskRequest, submitted json.RawMessage) (json.RawMessage, error)
}

// Mocks answers task calls in place of their resources (Step Functions Local's mock file).
// ok is false for a call that is not mocked; otherwise output is the call's result or err
// (a *Error) its failure. A mocked .waitForTaskToken or .sync task does not wait: the
// mocked response is its result.
type Mocks interface {
	Mock(req TaskRequest) (output json.RawMessage, err error, ok bool)
}

// TaskInvoker runs the Resource of a Task state. An error that is a *Error fails the task
// with that error name and cause; any other error fails it as States.TaskFailed.
// For a .waitForTaskToken resource the returned output is ignored: the result is the output
// of the callback.
type TaskInvoker interface {
	Invoke(ctx context.Context, req TaskRequest) (json.RawMessage, error)
}

// Recorder receives every history event of every execution, in order, once. An execution
// whose event cannot be recorded stops (nothing more can be recorded for it).
type Recorder interface {
	Record(ctx context.Context, executionARN string, ev Event) error
}

// Flusher is a Recorder whose Record may return before the event is durable (it writes in
// batches). Flush returns once every event the execution recorded before it is. The engine
// flushes before what others can see or what cannot be undone: a task call, a sleep (a Wait,
// a retry's backoff, a callback's wait), a stop, a redrive and the end; between them an
// execution's pure steps (Pass, Choice, data flow) go on without waiting, since a restart
// that finds them unrecorded simply runs them again, the same way.
type Flusher interface {
	Flush(ctx context.Context, executionARN string) error
}
