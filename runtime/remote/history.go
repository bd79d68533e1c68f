package remote

import (
	"encoding/json"
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/stepstudio/stepstudio/runtime"
)

// Events turns a target's history events into the studio's, so its pages fold and show them
// as they do a local run's. AWS's events name their state only when they enter or leave it;
// the others belong to the state of the event they follow (previousEventId), as the AWS
// console shows them, except the end of a Parallel or Map, which follows the last event of a
// branch or iteration. t carries what the events converted before tell of those that follow.
func (t *Tracker) Events(history []types.HistoryEvent) []runtime.Event {
	out := make([]runtime.Event, 0, len(history))
	for _, h := range history {
		ev := runtime.Event{ID: h.Id, PreviousEventID: h.PreviousEventId, Timestamp: aws.ToTime(h.Timestamp), Type: runtime.EventType(h.Type)}
		if d := detailsOf(h); d != nil {
			// The SDK's details structs name their fields as the studio's do, in Go's case:
			// JSON decoding matches them without regard to case.
			if data, err := json.Marshal(d); err == nil {
				json.Unmarshal(data, &ev.Details)
			}
		}
		t.place(&ev)
		out = append(out, ev)
	}
	return out
}

// Tracker follows a history's events to name the state of each, and the Parallel or Map state
// (if any) whose branch or iteration it happens in.
type Tracker struct {
	seen map[int64]placed
	// outer is the container a state's visits happen in, by state name (names are unique in
	// a state machine, so every iteration of a Map shares its states' containers).
	outer map[string]string
}

type placed struct {
	typ          types.HistoryEventType
	state, scope string
}

// NewTracker starts following a history from its first event.
func NewTracker() *Tracker {
	return &Tracker{seen: map[int64]placed{}, outer: map[string]string{}}
}

func (t *Tracker) place(ev *runtime.Event) {
	typ := types.HistoryEventType(ev.Type)
	prev := t.seen[ev.PreviousEventID]
	var p placed
	switch name := string(typ); {
	case typ == types.HistoryEventTypeExecutionStarted || typ == types.HistoryEventTypeExecutionSucceeded:
	case strings.HasSuffix(name, "StateEntered"):
		p.state, p.scope = ev.Details.Name, prev.scope
		if prev.typ == types.HistoryEventTypeParallelStateStarted || prev.typ == types.HistoryEventTypeMapIterationStarted {
			p.scope = prev.state // the first state of a branch or an iteration
		}
		t.outer[p.state] = p.scope
	case strings.HasSuffix(name, "StateExited") || strings.HasPrefix(name, "MapIteration"):
		p.state = ev.Details.Name
		p.scope = t.outer[p.state]
	case isContainerEnd(typ):
		p.state = prev.scope // the last event of a branch is in the Parallel's scope
		if prev.typ == types.HistoryEventTypeParallelStateStarted || prev.typ == types.HistoryEventTypeMapStateStarted ||
			strings.HasPrefix(string(prev.typ), "MapIteration") {
			p.state = prev.state
		}
		p.scope = t.outer[p.state]
	default:
		p.state, p.scope = prev.state, prev.scope
	}
	p.typ = typ
	t.seen[ev.ID] = p
	ev.State = p.state
}

// isContainerEnd reports the events that end a Parallel or Map state's run.
func isContainerEnd(typ types.HistoryEventType) bool {
	switch typ {
	case types.HistoryEventTypeParallelStateSucceeded, types.HistoryEventTypeParallelStateFailed, types.HistoryEventTypeParallelStateAborted,
		types.HistoryEventTypeMapStateSucceeded, types.HistoryEventTypeMapStateFailed, types.HistoryEventTypeMapStateAborted:
		return true
	}
	return false
}

// detailsOf is the event's one non-nil ...EventDetails field, nil for an event without one.
func detailsOf(h types.HistoryEvent) any {
	v := reflect.ValueOf(h)
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if strings.HasSuffix(v.Type().Field(i).Name, "EventDetails") && f.Kind() == reflect.Pointer && !f.IsNil() {
			return f.Interface()
		}
	}
	return nil
}
