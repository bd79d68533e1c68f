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
