package views

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

// TaskData is what the task page shows: one callback task, waiting or decided.
type TaskData struct {
	Task      resource.CallbackTask
	Execution resource.Execution
	// Viewer is who looks at the page; Admin whether they may act on tasks others hold.
	Viewer string
	Admin  bool
	// Graph is the execution's graph, marked by MarkGraph, the task's state flagged.
	Graph []byte
	// Audit is what was done to the task, newest first.
	Audit []resource.AuditEvent
	// Now is when the page was drawn: the countdowns start from it.
	Now time.Time
	// Notice confirms the last action; Problem says why a decision was refused, and Form
	// keeps what was typed for it.
	Notice  string
	Problem string
	Form    TaskForm
}

// TaskForm is what the user typed in the approve and reject forms.
type TaskForm struct {
	Output, Error, Cause string
}

// FormField is one field of the form a Task's Parameters may describe under "form" (see the
// README): its values become the approval's output, one key per field.
type FormField struct {
	Name     string   `json:"name"`
	Type     string   `json:"type"` // text, number, boolean or select
	Label    string   `json:"label"`
	Required bool     `json:"required"`
	Options  []string `json:"options"`
	Default  any      `json:"default"`
}

// holds reports whether the viewer is the task's claimant: only they see its token.
func (d TaskData) holds() bool { return d.Task.ClaimedBy != "" && d.Task.ClaimedBy == d.Viewer }

// mayAct reports whether the viewer may decide, release or heartbeat the task.
func (d TaskData) mayAct() bool { return d.Task.ClaimedBy == "" || d.holds() || d.Admin }

// waiting reports whether the task can still be decided.
func (d TaskData) waiting() bool {
	return d.Task.Status == resource.CallbackWaiting && d.Task.DecidedBy == ""
}

// masked hides the task token from whoever does not hold the task.
func (d TaskData) masked(text string) string {
	if d.holds() {
		return text
	}
	return MaskTokens(text, d.Task.Token)
}

func (d TaskData) parameters() string { return d.masked(prettyJSON(d.Task.Parameters)) }

// taskParam is one top-level field of the Parameters, its value as short JSON (a string as
// it is).
type taskParam struct{ Name, Value string }

// params lists the Parameters' top-level fields in their order; not an object: none.
func (d TaskData) params() []taskParam {
	dec := json.NewDecoder(bytes.NewReader(d.Task.Parameters))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	hideForm := len(d.formFields()) > 0 // shown as the form itself
	var out []taskParam
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return out
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return out
		}
		if hideForm && key == "form" {
			continue
		}
		out = append(out, taskParam{Name: fmt.Sprint(key), Value: d.masked(paramValue(v))})
	}
	return out
}

func paramValue(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	var b bytes.Buffer
	if json.Compact(&b, v) != nil {
		return string(v)
	}
	return clip(b.String(), 300)
}

// formFields reads the form the Parameters describe; fields without a name or of an unknown
// type are left out, so a mistake there never hides the JSON editor.
func (d TaskData) formFields() []FormField {
	var p struct {
		Form struct {
			Fields []FormField `json:"fields"`
		} `json:"form"`
	}
	if json.Unmarshal(d.Task.Parameters, &p) != nil {
		return nil
	}
	var out []FormField
	for _, f := range p.Form.Fields {
		switch {
		case f.Name == "":
		case f.Type == "" || f.Type == "text" || f.Type == "number" || f.Type == "boolean":
			out = append(out, f)
		case f.Type == "select" && len(f.Options) > 0:
			out = append(out, f)
		}
	}
	return out
}

// label is what the form shows for a field: its label, else its name.
func (f FormField) label() string {
	if f.Label != "" {
		return f.Label
	}
	return f.Name
}

func (f FormField) defaultText() string {
	if f.Default == nil {
		return ""
	}
	return fmt.Sprint(f.Default)
}

func (f FormField) checked() bool { b, _ := f.Default.(bool); return b }

// formOutput is the output the form's defaults make, as the page's script would write it.
func formOutput(fields []FormField) string {
	var b strings.Builder
	b.WriteString("{")
	n := 0
	for _, f := range fields {
		v, ok := fieldDefault(f)
		if !ok {
			continue
		}
		if n > 0 {
			b.WriteString(",")
		}
		n++
		k, _ := json.Marshal(f.Name)
		val, _ := json.Marshal(v)
		fmt.Fprintf(&b, "\n  %s: %s", k, val)
	}
	if n > 0 {
		b.WriteString("\n")
	}
	b.WriteString("}")
	return b.String()
}

// fieldDefault is a field's value before anything is typed: a boolean is false, an empty
// text or number is left out.
func fieldDefault(f FormField) (any, bool) {
	switch f.Type {
	case "boolean":
		return f.checked(), true
	case "select":
		if s := f.defaultText(); s != "" {
			return s, true
		}
		return f.Options[0], true
	}
	if f.Default == nil {
		return nil, false
	}
	return f.Default, true
}

// output is what the approve form's editor holds: what was typed, else the form's values,
// else {"approved": true}.
func (d TaskData) output() string {
	if d.Form.Output != "" {
		return d.Form.Output
	}
	if fields := d.formFields(); len(fields) > 0 {
		return formOutput(fields)
	}
	return `{"approved": true}`
}

func (d TaskData) rejectError() string {
	if d.Form.Error != "" || d.Form.Cause != "" {
		return d.Form.Error
	}
	return "Rejected"
}

// timeoutAt is when the task times out (zero: it waits for ever).
func (d TaskData) timeoutAt() time.Time {
	if d.Task.TimeoutSeconds <= 0 {
		return time.Time{}
	}
	return d.Task.CreatedAt.Add(time.Duration(d.Task.TimeoutSeconds) * time.Second)
}

// heartbeatAt is when the task times out unless a heartbeat comes first.
func (d TaskData) heartbeatAt() time.Time {
	if d.Task.HeartbeatSeconds <= 0 {
		return time.Time{}
	}
	from := d.Task.CreatedAt
	if d.Task.LastHeartbeatAt.After(from) {
		from = d.Task.LastHeartbeatAt
	}
	return from.Add(time.Duration(d.Task.HeartbeatSeconds) * time.Second)
}

// waitedFor says how long the task waited: until now, or until it was decided.
func (d TaskData) waitedFor() string {
	end := d.Now
	if !d.Task.DecidedAt.IsZero() {
		end = d.Task.DecidedAt
	}
	return spanText(end.Sub(d.Task.CreatedAt))
}

// timeLeft is the countdown's text before the script takes over.
func timeLeft(at, now time.Time) string {
	left := at.Sub(now)
	if left <= 0 {
		return "passed"
	}
	return spanText(left) + " left"
}

// spanText writes a duration as the page's script does (static/src/task.js).
func spanText(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%d s", s)
	case s < 3600:
		return fmt.Sprintf("%d min %d s", s/60, s%60)
	case s < 86400:
		return fmt.Sprintf("%d h %d min", s/3600, s/60%60)
	}
	return fmt.Sprintf("%d d %d h", s/86400, s/3600%24)
}

// outcome says how a task that no longer waits ended.
func (d TaskData) outcome() string {
	t := d.Task
	by := ""
	if t.DecidedBy != "" {
		by = " by " + t.DecidedBy
	}
	switch t.Status {
	case resource.CallbackSucceeded:
		return "Approved" + by + " at " + formatTime(t.DecidedAt) + "."
	case resource.CallbackFailed:
		return "Rejected" + by + " at " + formatTime(t.DecidedAt) + "."
	case resource.CallbackTimedOut:
		return "Timed out at " + formatTime(t.DecidedAt) + " (" + t.Error + ")."
	case resource.CallbackCancelled:
		return "Its execution ended at " + formatTime(t.DecidedAt) + " while it waited: nobody can decide it any more."
	}
	return "Decided" + by + "; the execution is taking the decision."
}

// AuditUser names who acted: the studio itself for a timeout, the name tried for a login.
func AuditUser(ev resource.AuditEvent) string {
	switch {
	case ev.User != "":
		return ev.User
	case isLoginAudit(ev):
		return "(no name)"
	}
	return "(studio)"
}

// AuditActionLabel is an action as the pages say it.
func AuditActionLabel(a resource.AuditAction) string {
	switch a {
	case resource.AuditTimedOut:
		return "timed out"
	case resource.AuditLoginFailed:
		return "login failed"
	case resource.AuditLoginThrottled:
		return "login throttled"
	}
	return string(a)
}

// isLoginAudit reports whether a row is a refused login, which names no task or execution.
func isLoginAudit(ev resource.AuditEvent) bool {
	return ev.Action == resource.AuditLoginFailed || ev.Action == resource.AuditLoginThrottled
}

// auditDetail is a row's output, or error and cause, or where a refused login came from.
func auditDetail(ev resource.AuditEvent) string {
	switch {
	case isLoginAudit(ev) && ev.Cause != "":
		return "from " + ev.Address + "; " + ev.Cause
	case isLoginAudit(ev):
		return "from " + ev.Address
	case len(ev.Output) > 0:
		var b bytes.Buffer
		if json.Compact(&b, ev.Output) != nil {
			return clip(string(ev.Output), 200)
		}
		return clip(b.String(), 200)
	case ev.Error != "" && ev.Cause != "":
		return ev.Error + ": " + ev.Cause
	}
	return ev.Error + ev.Cause
}

// AuditActions are the actions the audit page filters by.
var AuditActions = []resource.AuditAction{resource.AuditClaimed, resource.AuditReleased, resource.AuditApproved,
	resource.AuditRejected, resource.AuditHeartbeat, resource.AuditTimedOut, resource.AuditLoginFailed, resource.AuditLoginThrottled}

// AuditData is what the audit page shows: a page of rows, newest first.
type AuditData struct {
	Events []resource.AuditEvent
	User   string
	Action string
	// Older is the query of the next page ("" for none).
	Older string
}

// clip shortens s to at most max characters, marking the cut with an ellipsis.
func clip(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max-1]) + "…"
}
