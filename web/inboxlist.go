package web

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/views"
)

// InboxStore counts the waiting tasks for the navigation's badge.
type InboxStore interface {
	CountCallbackTasks(ctx context.Context, status resource.CallbackStatus) (int, error)
}

const (
	// inboxPageSize is how many tasks the list shows; more say to narrow the filters.
	inboxPageSize = 200
	// maxFilterMinutes bounds the minutes of the time filters: a year.
	maxFilterMinutes = 525600
	// inboxRecheck is how often a list filtered on time (waiting longer than, due within)
	// looks again, since tasks enter those windows without any event.
	inboxRecheck = 5 * time.Second
)

// inboxQuery is the inbox's filter and order, parsed from the query parameters.
type inboxQuery struct {
	text           views.InboxFilter
	machine, state string
	q              string // lower case
	older          time.Duration
	deadline       string
	due            time.Duration
	hasDue         bool
	byDeadline     bool
}

// parseInboxQuery reads machine, state, q, older (minutes), deadline (set or none), due
// (minutes) and sort (waiting or deadline); a value it cannot use is a 400 that says what is
// allowed.
func parseInboxQuery(c echo.Context) (inboxQuery, error) {
	t := views.InboxFilter{
		Machine: strings.TrimSpace(c.QueryParam("machine")), State: strings.TrimSpace(c.QueryParam("state")),
		Q: strings.TrimSpace(c.QueryParam("q")), Older: strings.TrimSpace(c.QueryParam("older")),
		Deadline: strings.TrimSpace(c.QueryParam("deadline")), Due: strings.TrimSpace(c.QueryParam("due")),
		Sort: strings.TrimSpace(c.QueryParam("sort")),
	}
	f := inboxQuery{text: t, machine: t.Machine, state: t.State, q: strings.ToLower(t.Q), deadline: t.Deadline}
	for _, p := range []struct {
		name, value string
		max         int
	}{{"machine", t.Machine, 80}, {"state", t.State, 80}, {"q", t.Q, 200}} {
		if n := len([]rune(p.value)); n > p.max {
			return f, badRequest(fmt.Sprintf("The filter %s is %d characters long; at most %d are allowed.", p.name, n, p.max))
		}
	}
	var err error
	if f.older, _, err = minutesParam("older", "Waiting over", t.Older); err != nil {
		return f, err
	}
	if f.due, f.hasDue, err = minutesParam("due", "Due within", t.Due); err != nil {
		return f, err
	}
	switch t.Deadline {
	case "", "set", "none":
	default:
		return f, badRequest(fmt.Sprintf("There is no deadline filter %q: use \"set\" (has a deadline) or \"none\" (no deadline), or leave it out.", t.Deadline))
	}
	if f.hasDue && t.Deadline == "none" {
		return f, badRequest("A task without a deadline is never due: give either deadline=none or due, not both.")
	}
	switch t.Sort {
	case "", "waiting":
	case "deadline":
		f.byDeadline = true
	default:
		return f, badRequest(fmt.Sprintf("There is no sort order %q: sort by \"waiting\" (longest waiting first) or \"deadline\" (nearest first).", t.Sort))
	}
	return f, nil
}

// minutesParam reads a whole number of minutes; ok is false when it is absent.
func minutesParam(key, label, text string) (d time.Duration, ok bool, err error) {
	if text == "" {
		return 0, false, nil
	}
	n, err := strconv.Atoi(text)
	if err != nil || n < 0 || n > maxFilterMinutes {
		return 0, false, badRequest(fmt.Sprintf("%s (%s=%q) must be a whole number of minutes from 0 to %d.", label, key, text, maxFilterMinutes))
	}
	return time.Duration(n) * time.Minute, true, nil
}

// timed reports whether the filter depends on the clock as well as on the tasks.
func (f inboxQuery) timed() bool { return f.older > 0 || f.hasDue }

// keep applies the filter to one row at now.
func (f inboxQuery) keep(r views.InboxRow, now time.Time) bool {
	t := r.Task
	switch {
	case f.machine != "" && t.StateMachineName != f.machine,
		f.state != "" && t.State != f.state,
		f.older > 0 && now.Sub(t.CreatedAt) <= f.older,
		f.deadline == "set" && r.Deadline.IsZero(),
		f.deadline == "none" && !r.Deadline.IsZero(),
		f.hasDue && (r.Deadline.IsZero() || r.Deadline.Sub(now) > f.due):
		return false
	}
	return f.q == "" || slices.ContainsFunc([]string{t.StateMachineName, t.State, t.ExecutionName, r.Parameters},
		func(s string) bool { return strings.Contains(strings.ToLower(s), f.q) })
}

// sort orders rows longest waiting first, or nearest deadline first with the tasks that
// have none last (then longest waiting first among equals).
func (f inboxQuery) sort(rows []views.InboxRow) {
	slices.SortStableFunc(rows, func(a, b views.InboxRow) int {
		if f.byDeadline {
			if c := compareDeadlines(a.Deadline, b.Deadline); c != 0 {
				return c
			}
		}
		if c := a.Task.CreatedAt.Compare(b.Task.CreatedAt); c != 0 {
			return c
		}
		return int(a.Task.ID - b.Task.ID)
	})
}

func compareDeadlines(a, b time.Time) int {
	switch {
	case a.IsZero() && b.IsZero():
		return 0
	case a.IsZero():
		return 1
	case b.IsZero():
		return -1
	}
	return a.Compare(b)
}

// inboxList is what one look at the waiting tasks finds for a filter.
type inboxList struct {
	rows             []views.InboxRow
	total, matched   int
	machines, states []string
}

// findInboxList reads the waiting tasks and filters, sorts and cuts them in Go: the waiting
// set is small (each is a person's to-do), and the live socket applies the same filter to
// every change with the same code.
func (s *Server) findInboxList(ctx context.Context, f inboxQuery, viewer string, now time.Time) (inboxList, error) {
	tasks, err := s.cfg.Store.FindCallbackTasks(ctx, resource.CallbackWaiting)
	if err != nil {
		return inboxList{}, err
	}
	l := inboxList{total: len(tasks)}
	for _, t := range tasks {
		l.machines = appendNew(l.machines, t.StateMachineName)
		l.states = appendNew(l.states, t.State)
		if r := views.NewInboxRow(t, viewer); f.keep(r, now) {
			l.rows = append(l.rows, r)
		}
	}
	slices.Sort(l.machines)
	slices.Sort(l.states)
	f.sort(l.rows)
	l.matched = len(l.rows)
	l.rows = l.rows[:min(len(l.rows), inboxPageSize)]
	return l, nil
}

func appendNew(names []string, name string) []string {
	if slices.Contains(names, name) {
		return names
	}
	return append(names, name)
}

// inboxData is the page for a list, with the notice or problem of a decision in d.
func inboxData(d views.InboxData, f inboxQuery, l inboxList, now time.Time) views.InboxData {
	d.Rows, d.Filter, d.Total, d.Matched = l.rows, f.text, l.total, l.matched
	d.Machines, d.States, d.Now = l.machines, l.states, now
	return d
}

// inboxMessage is what the inbox's websocket sends after each change: the waiting count (all
// a count-only listener gets) and, for a list, the ids it shows in order with the rows that
// are new or changed since the last message (every row in the first one).
type inboxMessage struct {
	Count   int               `json:"count"`
	Summary string            `json:"summary,omitempty"`
	Matched int               `json:"matched"`
	More    string            `json:"more,omitempty"`
	Order   []int64           `json:"order,omitempty"`
	Rows    map[string]string `json:"rows,omitempty"`
	// Machines and States are the filter's choices: the names the waiting tasks have.
	Machines []string `json:"machines,omitempty"`
	States   []string `json:"states,omitempty"`
}

// inboxFeed remembers what a socket last sent, to send only what changed.
type inboxFeed struct {
	sent    map[int64]string // row id -> version
	last    inboxMessage
	started bool
}

// next is the message that brings the page from what was sent to l, and whether there is
// anything to send at all (a plain Task's end changes nothing).
func (feed *inboxFeed) next(ctx context.Context, f inboxQuery, l inboxList, now time.Time) (inboxMessage, bool, error) {
	msg := inboxMessage{Count: l.total, Matched: l.matched, Order: []int64{}, Rows: map[string]string{},
		Summary: views.InboxSummary(l.total, l.matched, f.text.Active()), Machines: l.machines, States: l.states}
	if l.matched > len(l.rows) {
		msg.More = views.InboxMore(l.matched, len(l.rows))
	}
	sent := make(map[int64]string, len(l.rows))
	for _, r := range l.rows {
		msg.Order = append(msg.Order, r.Task.ID)
		sent[r.Task.ID] = r.Version
		if v, ok := feed.sent[r.Task.ID]; ok && v == r.Version {
			continue
		}
		var b bytes.Buffer
		if err := views.InboxTask(r, views.DecisionForm{}, now).Render(ctx, &b); err != nil {
			return msg, false, err
		}
		msg.Rows[strconv.FormatInt(r.Task.ID, 10)] = b.String()
	}
	changed := !feed.started || len(msg.Rows) > 0 || msg.Count != feed.last.Count ||
		msg.Matched != feed.last.Matched || !slices.Equal(msg.Order, feed.last.Order) ||
		!slices.Equal(msg.Machines, feed.last.Machines) || !slices.Equal(msg.States, feed.last.States)
	feed.sent, feed.last, feed.started = sent, msg, true
	return msg, changed, nil
}

// handleInboxSocket pushes the inbox's changes: with only=count, the number of waiting tasks
// whenever it changes (the navigation's badge on every page); else, for the list's filter
// (the page's own query), the list as it is now, then what changes in it. A page that
// reconnects is sent the whole list again, so it never misses a change.
func (s *Server) handleInboxSocket(c echo.Context) error {
	f, err := parseInboxQuery(c)
	if err != nil {
		return err
	}
	countOnly := c.QueryParam("only") == "count"
	viewer := UserOf(c).Name
	ctx := c.Request().Context()
	// Subscribed before the first look, so no change falls between the two.
	sub := s.cfg.Hub.SubscribeInbox()
	defer sub.Close()
	conn, err := upgrade(c)
	if err != nil {
		return nil // the upgrader has already answered the client
	}
	defer conn.Close()
	gone := watchGone(conn)

	var feed inboxFeed
	push := func() error {
		msg, changed, err := s.inboxUpdate(ctx, &feed, f, countOnly, viewer)
		if err != nil {
			s.log.Warn("inbox socket: cannot read the waiting tasks", "err", err)
			return nil // the next change tries again
		}
		if !changed {
			return nil
		}
		conn.SetWriteDeadline(time.Now().Add(writeWait))
		return conn.WriteJSON(msg)
	}
	if err := push(); err != nil {
		return nil
	}
	ping := time.NewTicker(pingPeriod)
	defer ping.Stop()
	var recheck <-chan time.Time
	if f.timed() && !countOnly {
		t := time.NewTicker(inboxRecheck)
		defer t.Stop()
		recheck = t.C
	}
	for {
		select {
		case _, ok := <-sub.C:
			if !ok {
				// Dropped for falling behind: the page reconnects and gets the whole list.
				conn.WriteControl(websocket.CloseMessage,
					websocket.FormatCloseMessage(websocket.CloseTryAgainLater, "too slow"), time.Now().Add(writeWait))
				return nil
			}
			drain(sub.C) // one look covers every change already queued
			if err := push(); err != nil {
				return nil
			}
		case <-recheck:
			if err := push(); err != nil {
				return nil
			}
		case <-ping.C:
			if err := conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)); err != nil {
				return nil
			}
		case <-gone:
			return nil
		case <-s.cfg.RunContext.Done():
			return nil
		}
	}
}

// inboxUpdate looks at the waiting tasks again and says what the socket should send.
func (s *Server) inboxUpdate(ctx context.Context, feed *inboxFeed, f inboxQuery, countOnly bool, viewer string) (inboxMessage, bool, error) {
	if countOnly {
		n, err := s.cfg.Store.CountCallbackTasks(ctx, resource.CallbackWaiting)
		if err != nil {
			return inboxMessage{}, false, err
		}
		changed := !feed.started || n != feed.last.Count
		feed.last, feed.started = inboxMessage{Count: n}, true
		return feed.last, changed, nil
	}
	now := time.Now()
	l, err := s.findInboxList(ctx, f, viewer, now)
	if err != nil {
		return inboxMessage{}, false, err
	}
	return feed.next(ctx, f, l, now)
}

// drain empties the changes already waiting in c without blocking; it stops at a closed
// channel, which the next receive then reports.
func drain(c <-chan InboxChange) {
	for {
		select {
		case _, ok := <-c:
			if !ok {
				return
			}
		default:
			return
		}
	}
}

// countInbox lets every page's navigation count the waiting tasks, when it draws its badge.
func (s *Server) countInbox(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if UserOf(c).Name == "" {
			return next(c) // the login page: nobody to show the inbox to yet
		}
		ctx := c.Request().Context()
		count := func() (int, error) { return s.cfg.Store.CountCallbackTasks(ctx, resource.CallbackWaiting) }
		c.SetRequest(c.Request().WithContext(views.WithInboxCount(ctx, count)))
		return next(c)
	}
}

// renderInboxList renders the list for the request's filter, with d's notice or problem.
func (s *Server) renderInboxList(c echo.Context, status int, d views.InboxData) error {
	f, err := parseInboxQuery(c)
	if err != nil {
		return err
	}
	now := time.Now()
	l, err := s.findInboxList(c.Request().Context(), f, UserOf(c).Name, now)
	if err != nil {
		return err
	}
	return render(c, status, views.Inbox(inboxData(d, f, l, now)))
}
