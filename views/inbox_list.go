package views

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

// InboxFilter is the inbox's filter as the user typed it, to show it again in the form and to
// carry it to the websocket; the web package parses and checks it.
type InboxFilter struct {
	Machine  string
	State    string
	Q        string
	Older    string // minutes
	Deadline string // "", "set" or "none"
	Due      string // minutes
	Sort     string // "", "waiting" or "deadline"
}

// Query is the filter as URL query parameters, without the empty ones.
func (f InboxFilter) Query() url.Values {
	v := url.Values{}
	for _, p := range [][2]string{{"machine", f.Machine}, {"state", f.State}, {"q", f.Q}, {"older", f.Older},
		{"deadline", f.Deadline}, {"due", f.Due}, {"sort", f.Sort}} {
		if p[1] != "" {
			v.Set(p[0], p[1])
		}
	}
	return v
}

// Active reports whether the filter narrows the list (the sort order does not).
func (f InboxFilter) Active() bool {
	f.Sort = ""
	return len(f.Query()) > 0
}

// InboxRow is one waiting task as the inbox lists it.
type InboxRow struct {
	Task resource.CallbackTask
	// Deadline is when the task times out by itself (zero: never), DeadlineKind says whether
	// its TimeoutSeconds ("timeout") or HeartbeatSeconds ("heartbeat") sets it.
	Deadline     time.Time
	DeadlineKind string
	// Summary is a line of the Parameters' leaves, Parameters the whole of them indented;
	// both with the task token masked.
	Summary    string
	Parameters string
	// CanDecide is true when the viewer may decide from the list: nobody or they hold it.
	CanDecide bool
	// Version changes whenever what the row shows changes (but the passing time), so a live
	// page is sent only the rows that changed.
	Version string
}

// NewInboxRow prepares a waiting task for the viewer named viewer.
func NewInboxRow(t resource.CallbackTask, viewer string) InboxRow {
	// The list is seen by everyone, and the token alone decides the task through the API.
	params := []byte(MaskTokens(string(t.Parameters), t.Token))
	r := InboxRow{
		Task:       t,
		Summary:    ParamSummary(params, 160),
		Parameters: prettyJSON(params),
		CanDecide:  t.ClaimedBy == "" || t.ClaimedBy == viewer,
	}
	r.Deadline, r.DeadlineKind = TaskDeadline(t)
	r.Version = fmt.Sprintf("%s|%d|%d|%d|%t", t.ClaimedBy, t.ClaimedAt.UnixMilli(), t.LastHeartbeatAt.UnixMilli(),
		r.Deadline.UnixMilli(), r.CanDecide)
	return r
}

// TaskDeadline is when a waiting task times out unless decided: the nearer of its
// TimeoutSeconds after it started and its HeartbeatSeconds after the last heartbeat (or the
// start). The zero time means it waits for ever.
func TaskDeadline(t resource.CallbackTask) (time.Time, string) {
	var at time.Time
	kind := ""
	if t.TimeoutSeconds > 0 {
		at, kind = t.CreatedAt.Add(time.Duration(t.TimeoutSeconds)*time.Second), "timeout"
	}
	if t.HeartbeatSeconds > 0 {
		from := t.CreatedAt
		if t.LastHeartbeatAt.After(from) {
			from = t.LastHeartbeatAt
		}
		if hb := from.Add(time.Duration(t.HeartbeatSeconds) * time.Second); at.IsZero() || hb.Before(at) {
			at, kind = hb, "heartbeat"
		}
	}
	return at, kind
}

// ParamSummary writes the leaves of a JSON document as "path: value" pairs, in the
// document's order, cut to about max characters: enough to tell tasks apart at a glance.
func ParamSummary(raw []byte, max int) string {
	var parts []string
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := walkLeaves(dec, "", func(path, value string) { parts = append(parts, leafText(path, value)) }); err != nil && err != io.EOF {
		return cut(strings.Join(strings.Fields(string(raw)), " "), max)
	}
	if len(parts) == 0 {
		return ""
	}
	return cut(strings.Join(parts, " · "), max)
}

func leafText(path, value string) string {
	if path == "" {
		return value
	}
	return path + ": " + value
}

// walkLeaves reads one JSON value from dec and calls leaf for each scalar (and each empty
// object or array) with its dotted path.
func walkLeaves(dec *json.Decoder, path string, leaf func(path, value string)) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch v := tok.(type) {
	case json.Delim:
		return walkContainer(dec, path, v, leaf)
	case string:
		leaf(path, cut(v, 60))
	case nil:
		leaf(path, "null")
	default:
		leaf(path, fmt.Sprint(v))
	}
	return nil
}

func walkContainer(dec *json.Decoder, path string, open json.Delim, leaf func(path, value string)) error {
	empty := true
	for i := 0; dec.More(); i++ {
		empty = false
		child := path + "[" + strconv.Itoa(i) + "]"
		if open == '{' {
			key, err := dec.Token()
			if err != nil {
				return err
			}
			child = joinPath(path, fmt.Sprint(key))
		}
		if err := walkLeaves(dec, child, leaf); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing delimiter
		return err
	}
	if empty {
		leaf(path, map[json.Delim]string{'{': "{}", '[': "[]"}[open])
	}
	return nil
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// cut shortens s to at most max characters, marking the cut with an ellipsis.
func cut(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max-1]) + "…"
}

// Waited says how long a task has waited, as the page's script keeps saying it.
func Waited(d time.Duration) string {
	switch {
	case d < 10*time.Second:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%d d %d h", int(d.Hours())/24, int(d.Hours())%24)
}

// DueIn says how long a task has before its deadline, as the page's script keeps saying it.
func DueIn(d time.Duration) string {
	if d <= 0 {
		return "overdue"
	}
	s := int(d.Round(time.Second).Seconds())
	if s < 3600 {
		return fmt.Sprintf("due in %d:%02d", s/60, s%60)
	}
	if s < 86400 {
		return fmt.Sprintf("due in %d h %d min", s/3600, s/60%60)
	}
	return fmt.Sprintf("due in %d d %d h", s/86400, s/3600%24)
}

// dueClass marks a deadline that is near (under five minutes) or past.
func dueClass(d time.Duration) string {
	switch {
	case d <= 0:
		return "due overdue"
	case d < 5*time.Minute:
		return "due soon"
	}
	return "due"
}

func millisText(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// socketPath is the websocket of the page's list: it pushes the rows its filter selects.
func (d InboxData) socketPath() string {
	q := d.Filter.Query()
	if len(q) == 0 {
		return "/inbox/ws"
	}
	return "/inbox/ws?" + q.Encode()
}

// InboxSummary says how many tasks wait and, under a filter, how many of them it shows.
func InboxSummary(total, matched int, filtered bool) string {
	tasks := func(n int) string {
		if n == 1 {
			return "1 task waiting"
		}
		return strconv.Itoa(n) + " tasks waiting"
	}
	if !filtered {
		return tasks(total)
	}
	return fmt.Sprintf("%d of %s match", matched, tasks(total))
}

// InboxMore says the list shows only the first tasks that match.
func InboxMore(matched, shown int) string {
	return fmt.Sprintf("Showing the first %d of %d matching tasks; narrow the filters to see the others.", shown, matched)
}

// withCurrent is names with current added when it is not among them, so that a filter on a
// machine or state that no longer waits still shows what it is.
func withCurrent(names []string, current string) []string {
	if current == "" || slices.Contains(names, current) {
		return names
	}
	return append(slices.Clone(names), current)
}

// shortResource is the service action of a resource such as
// "arn:aws:states:::sqs:sendMessage.waitForTaskToken" (sqs:sendMessage).
func shortResource(resource string) string {
	r := strings.TrimSuffix(resource, ".waitForTaskToken")
	if i := strings.LastIndex(r, ":::"); i >= 0 {
		r = r[i+3:]
	}
	return r
}

func deadlineTitle(r InboxRow) string {
	if r.DeadlineKind == "heartbeat" {
		return fmt.Sprintf("times out at %s unless a heartbeat comes (HeartbeatSeconds %d)", formatTime(r.Deadline), r.Task.HeartbeatSeconds)
	}
	return fmt.Sprintf("times out at %s (TimeoutSeconds %d)", formatTime(r.Deadline), r.Task.TimeoutSeconds)
}

type inboxCountKey struct{}

// WithInboxCount returns ctx carrying how to count the waiting tasks for the navigation's
// badge. It is a function so that only pages that draw the navigation pay for the query.
func WithInboxCount(ctx context.Context, count func() (int, error)) context.Context {
	return context.WithValue(ctx, inboxCountKey{}, count)
}

// inboxCount is the badge's number; ok is false where there is none to show (no count in
// ctx, or it failed: the page is still worth showing without it).
func inboxCount(ctx context.Context) (n int, ok bool) {
	count, _ := ctx.Value(inboxCountKey{}).(func() (int, error))
	if count == nil {
		return 0, false
	}
	n, err := count()
	return n, err == nil
}

func inboxCountTitle(n int) string {
	if n == 1 {
		return "1 task waits for a decision"
	}
	return strconv.Itoa(n) + " tasks wait for a decision"
}
