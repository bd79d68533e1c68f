package views

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strconv"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
)

// MachineURL is the page of the named state machine.
func MachineURL(name string) string { return "/machines/" + url.PathEscape(name) }

// ExecutionURL is the page of the execution with the given id.
func ExecutionURL(id int64) string { return "/executions/" + strconv.FormatInt(id, 10) }

// TaskURL is the address of the callback task with the given id.
func TaskURL(id int64) string { return "/inbox/" + strconv.FormatInt(id, 10) }

func itoa(n int) string { return strconv.Itoa(n) }

func i64toa(n int64) string { return strconv.FormatInt(n, 10) }

func navClass(active bool) string {
	if active {
		return "active"
	}
	return ""
}

func statusClass(status string) string { return "status-" + status }

// clockTime is the time of day of t in UTC to the millisecond: what tells the events of
// one execution apart (the date is in formatTime, the cell's title).
func clockTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("15:04:05.000")
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05.000 UTC")
}

// prettyJSON indents JSON text for reading; text that is not JSON is shown as it is.
func prettyJSON(raw []byte) string {
	if len(raw) == 0 {
		return ""
	}
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return string(raw)
	}
	return b.String()
}

// EventSummary is the one-line gist of an event's details for the history table.
func EventSummary(ev runtime.Event) string {
	d := ev.Details
	switch {
	case d.Error != "" || d.Cause != "":
		return d.Error + ": " + d.Cause
	case d.Output != "":
		return "output " + d.Output
	case d.Parameters != "":
		return "parameters " + d.Parameters
	case d.Input != "":
		return "input " + d.Input
	}
	return ""
}

func (f DecisionForm) outputFor(id int64) string {
	if f.TaskID == id && f.Output != "" {
		return f.Output
	}
	return `{"approved": true}`
}

func (f DecisionForm) errorFor(id int64) string {
	if f.TaskID == id && f.Output == "" { // a refused rejection: what was typed
		return f.Error
	}
	return "Rejected"
}

func (f DecisionForm) causeFor(id int64) string {
	if f.TaskID == id {
		return f.Cause
	}
	return ""
}

// pagerText says where a paged list stands: "page 2 of 40 · 1,000 events". The page script
// shows the server's text as it is.
func pagerText(p Pager, noun string) string {
	return "page " + itoa(p.Page) + " of " + itoa(p.Pages) + " · " + itoa(p.Total) + " " + noun
}
