package views

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
)

// FormatMillis shows a duration in milliseconds as people read it: "350 ms", "2.5 s",
// "3 min 20 s". The page script formats the same way (execution-fold.js).
func FormatMillis(ms int64) string {
	switch {
	case ms < 1000:
		return fmt.Sprintf("%d ms", ms)
	case ms < 60_000:
		return strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.3f", float64(ms)/1000), "0"), "0") + " s"
	case ms < 3_600_000:
		return fmt.Sprintf("%d min %d s", ms/60_000, ms%60_000/1000)
	}
	return fmt.Sprintf("%d h %d min", ms/3_600_000, ms%3_600_000/60_000)
}

func isoTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// executionDuration is the time from start to stop; while the execution runs, the script
// keeps it counting.
func executionDuration(e resource.Execution) string {
	if e.StoppedAt.IsZero() {
		return "running"
	}
	return FormatMillis(e.StoppedAt.Sub(e.StartedAt).Milliseconds())
}

func visitDuration(v *Visit) string {
	if !v.Ended {
		return "running"
	}
	return FormatMillis(v.Duration)
}

func visitID(v *Visit) string {
	if v == nil {
		return ""
	}
	return i64toa(v.ID)
}

// isExpress reports an Express execution, by its ARN (arn:aws:states:…:express:…).
func isExpress(e resource.Execution) bool { return strings.Contains(e.ARN, ":express:") }

func visitNode(v *Visit) string {
	if v == nil {
		return ""
	}
	return v.Node
}

// orNone is the visit v points at, or a visit with nothing in it (no state, error or cause).
func orNone(v *Visit) Visit {
	if v == nil {
		return Visit{}
	}
	return *v
}

func noOutput(v *Visit) string {
	if v.Ended {
		return "None: the state did not exit normally."
	}
	return "None yet: the state has not exited."
}

func redrivable(s runtime.Status) bool {
	return s == runtime.StatusFailed || s == runtime.StatusAborted || s == runtime.StatusTimedOut
}

// EventFailed reports the events the event view marks as failures.
func EventFailed(ev runtime.Event) bool {
	t := string(ev.Type)
	return strings.HasSuffix(t, "Failed") || strings.HasSuffix(t, "TimedOut") || strings.HasSuffix(t, "Aborted")
}

// EventDetailsJSON is an event's details as indented JSON, for the event view's expanded row.
func EventDetailsJSON(ev runtime.Event) string {
	b, err := json.MarshalIndent(struct {
		ID              int64                `json:"id"`
		PreviousEventID int64                `json:"previousEventId"`
		Timestamp       string               `json:"timestamp"`
		Type            runtime.EventType    `json:"type"`
		Details         runtime.EventDetails `json:"details"`
	}{ev.ID, ev.PreviousEventID, ev.Timestamp.UTC().Format(time.RFC3339Nano), ev.Type, ev.Details}, "", "  ")
	if err != nil {
		return ""
	}
	return string(b)
}
