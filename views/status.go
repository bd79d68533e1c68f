package views

import (
	"strings"

	"github.com/stepstudio/stepstudio/runtime"
)

// The statuses a state shows on the graph of an execution.
const (
	StateRunning   = "running"
	StateWaiting   = "waiting"
	StateSucceeded = "succeeded"
	StateFailed    = "failed"
)

// StateStatus says which state an event changes and to what status; ok is false for events
// that change no state's colour (ExecutionStarted, TaskScheduled, ...). The page script and
// the server both colour the graph from it, so a reload shows what the live page showed.
func StateStatus(ev runtime.Event) (state, status string, ok bool) {
	if ev.State == "" {
		return "", "", false
	}
	t := string(ev.Type)
	switch {
	case strings.HasSuffix(t, "StateEntered"):
		return ev.State, StateRunning, true
	case strings.HasSuffix(t, "StateExited"):
		return ev.State, StateSucceeded, true
	case ev.Type == runtime.TaskSubmitted && ev.Details.TaskToken != "",
		ev.Type == runtime.TaskSubmitted && strings.HasSuffix(ev.Details.Resource, ".waitForTaskToken"):
		return ev.State, StateWaiting, true
	case ev.Type == runtime.TaskSucceeded:
		return ev.State, StateRunning, true
	case ev.Type == runtime.TaskFailed, ev.Type == runtime.TaskTimedOut,
		ev.Type == runtime.ExecutionFailed, ev.Type == runtime.ExecutionTimedOut:
		return ev.State, StateFailed, true
	}
	return "", "", false
}

// StateStatuses folds a history into the latest status of each state.
func StateStatuses(events []runtime.Event) map[string]string {
	out := map[string]string{}
	for _, ev := range events {
		if state, status, ok := StateStatus(ev); ok {
			out[state] = status
		}
	}
	return out
}
