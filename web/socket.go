package web

import (
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gorilla/websocket"
	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/designer"
	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/views"
)

// eventMessage is what the execution page's script receives for each history event: what
// the event changed on the graph and in the table (the page only applies it). The event's
// details are not in it: the event view asks for its rows a page at a time.
type eventMessage struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	State     string `json:"state,omitempty"`
	Timestamp string `json:"timestamp"`
	Failed    bool   `json:"failed,omitempty"`
	// Delta is what the event changed on the graph and in the table: the page only applies it.
	Delta views.Delta `json:"delta"`
	// Visits is how many visits the table has after the event.
	Visits int `json:"visits"`
	// Node is the SVG id of the event's state and Status that state's status in the whole
	// execution after the event, for scripts that follow one execution without a fold.
	Node   string `json:"node,omitempty"`
	Status string `json:"status,omitempty"`
	// Execution is set by the event that ends the execution.
	Execution *executionEnd `json:"execution,omitempty"`
	// Resync, instead of an event, is the whole picture after event ID, for a page that fell
	// further behind than the messages kept: it starts again from it.
	Resync *views.Snapshot `json:"resync,omitempty"`
	// Pauses, after a debug run's own event or its end, are its frames paused now.
	Pauses *[]views.Pause `json:"pauses,omitempty"`
}

type executionEnd struct {
	Status string `json:"status"`
	Output string `json:"output,omitempty"`
	Error  string `json:"error,omitempty"`
	Cause  string `json:"cause,omitempty"`
	Stop   string `json:"stop"`
	// StopDate is Stop as RFC 3339, for the page's duration; State the state that failed.
	StopDate string `json:"stopDate"`
	State    string `json:"state,omitempty"`
	// Visit is the visit whose failure ended the execution (0 for none), VisitState and
	// VisitNode its state's name and node.
	Visit      int64  `json:"visit,omitempty"`
	VisitState string `json:"visitState,omitempty"`
	VisitNode  string `json:"visitNode,omitempty"`
	// Caught is, when a Catch led to the Fail state that failed the execution, the visit whose
	// error it handled: the state that raised it, with its error and cause.
	Caught *caughtError `json:"caught,omitempty"`
}

type caughtError struct {
	Visit int64  `json:"visit"`
	State string `json:"state"`
	Node  string `json:"node"`
	Error string `json:"error"`
	Cause string `json:"cause"`
}

// newEventMessage is the message of ev, just folded into fold with delta as its changes. The
// visits are copied: the fold goes on changing them while the message waits to be sent.
func newEventMessage(ev runtime.Event, delta views.Delta, fold *views.Fold) eventMessage {
	for i, v := range delta.Visits {
		c := *v
		delta.Visits[i] = &c
	}
	m := eventMessage{
		ID:        ev.ID,
		Type:      string(ev.Type),
		State:     ev.State,
		Timestamp: ev.Timestamp.UTC().Format("2006-01-02 15:04:05.000 UTC"),
		Failed:    views.EventFailed(ev),
		Delta:     delta,
		Visits:    len(fold.Visits),
	}
	if ev.State != "" {
		if st := fold.Node("", designer.NodeID(ev.State)); st.Status != views.StateNotRun {
			m.Node, m.Status = designer.NodeID(ev.State), st.Status
		}
	}
	if _, ends := endStatus[ev.Type]; ends || ev.Type.IsStudioEvent() {
		pauses := fold.Pauses()
		m.Pauses = &pauses
	}
	if status, ok := endStatus[ev.Type]; ok {
		m.Execution = &executionEnd{Status: string(status), Output: ev.Details.Output,
			Error: ev.Details.Error, Cause: ev.Details.Cause, Stop: m.Timestamp,
			StopDate: ev.Timestamp.UTC().Format(time.RFC3339Nano), State: ev.State}
		if v := fold.FailedVisit(); v != nil && status != runtime.StatusSucceeded {
			m.Execution.Visit, m.Execution.VisitState, m.Execution.VisitNode = v.ID, v.State, v.Node
		}
		if v := fold.CaughtVisit(); v != nil && status == runtime.StatusFailed {
			m.Execution.Caught = &caughtError{Visit: v.ID, State: v.State, Node: v.Node, Error: v.Error, Cause: v.Cause}
		}
	}
	return m
}

// endStatus maps the events that end an execution to the status they leave.
var endStatus = map[runtime.EventType]runtime.Status{
	runtime.ExecutionSucceeded: runtime.StatusSucceeded,
	runtime.ExecutionFailed:    runtime.StatusFailed,
	runtime.ExecutionTimedOut:  runtime.StatusTimedOut,
	runtime.ExecutionAborted:   runtime.StatusAborted,
}

var upgrader = websocket.Upgrader{
	ReadBufferSize:  1024,
	WriteBufferSize: 16 * 1024,
	// Only pages served by this server may listen: the Origin must name this host.
	CheckOrigin: func(r *http.Request) bool {
		origin := r.Header.Get("Origin")
		if origin == "" {
			return true // not a browser
		}
		u, err := url.Parse(origin)
		return err == nil && u.Host == r.Host
	},
}

// socketSendBuffer bounds the kernel's send buffer of each websocket. Left to itself the
// kernel grows it to megabytes, which a browser that stopped reading fills without anyone
// noticing; bounded, the socket's writer blocks soon, the hub drops the subscriber
// (subscriberBuffer) and the page catches up from the store when it reads again. 256 KiB is
// about a thousand messages, and still 2.5 MB/s to a browser 100 ms away.
const socketSendBuffer = 256 << 10

// upgrade turns the request into a websocket with a bounded send buffer.
func upgrade(c echo.Context) (*websocket.Conn, error) {
	conn, err := upgrader.Upgrade(c.Response(), c.Request(), nil)
	if err != nil {
		return nil, err
	}
	if tcp, ok := conn.NetConn().(*net.TCPConn); ok {
		tcp.SetWriteBuffer(socketSendBuffer) // best effort: the default only drops stalled pages later
	}
	return conn, nil
}

// watchGone reads the socket until it fails, and closes the returned channel then: the pages
// send nothing, so reading only notices that the page went away (and answers pings).
func watchGone(conn *websocket.Conn) <-chan struct{} {
	gone := make(chan struct{})
	go func() {
		defer close(gone)
		for {
			if _, _, err := conn.NextReader(); err != nil {
				return
			}
		}
	}()
	return gone
}

const (
	writeWait  = 10 * time.Second
	pingPeriod = 30 * time.Second
)

// handleExecutionSocket streams an execution's history as the page folds it: first what
// happened after the `after` query parameter (the last event the page was drawn from), then
// each event as it is recorded, each exactly once and in order, each with what it changed (a
// views.Delta). It subscribes before reading the store, so no event falls between the two.
// The folding is the execution's shared run (runfolds.go): each event is folded once
// however many pages watch it.
func (s *Server) handleExecutionSocket(c echo.Context) error {
	ctx := c.Request().Context()
	e, err := s.findExecution(c)
	if err != nil {
		return err
	}
	after, _ := strconv.ParseInt(c.QueryParam("after"), 10, 64)
	sub := s.cfg.Hub.Subscribe(e.ARN)
	defer sub.Close()
	var run *foldedRun
	var backlog []eventMessage
	if err := s.withRun(ctx, e, func(r *foldedRun) error {
		run, backlog = r, catchUpMessages(r, after)
		return nil
	}); err != nil {
		return err
	}
	conn, err := upgrade(c)
	if err != nil {
		return nil // the upgrader has already answered the client
	}
	defer conn.Close()

	gone := watchGone(conn)

	last := after
	send := func(msgs []eventMessage) error {
		for _, m := range msgs {
			if m.ID <= last && m.Resync == nil {
				continue // already sent
			}
			last = m.ID
			conn.SetWriteDeadline(time.Now().Add(writeWait))
			if err := conn.WriteJSON(m); err != nil {
				return err
			}
		}
		return nil
	}
	if err := send(backlog); err != nil {
		return nil
	}
	ping := time.NewTicker(pingPeriod)
	defer ping.Stop()
	for {
		select {
		case events, ok := <-sub.C:
			if !ok {
				// Dropped for falling behind: close, and the page reconnects from its last event.
				conn.WriteControl(websocket.CloseMessage,
					websocket.FormatCloseMessage(websocket.CloseTryAgainLater, "too slow"), time.Now().Add(writeWait))
				return nil
			}
			if events[len(events)-1].ID <= last {
				continue
			}
			run.mu.Lock()
			var err error
			for _, ev := range events {
				if err = s.feed(ctx, run, e, ev); err != nil {
					break
				}
			}
			msgs := catchUpMessages(run, last)
			run.mu.Unlock()
			if err != nil || send(msgs) != nil {
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

// catchUpMessages are the messages that bring a page drawn up to event `after` to where the
// run is: the events since, or the whole picture when they are no longer kept. r.mu is held.
func catchUpMessages(r *foldedRun, after int64) []eventMessage {
	msgs, ok := r.since(after)
	if ok {
		return msgs
	}
	snap := r.fold.Snapshot()
	return []eventMessage{{ID: snap.Last, Type: "Resync", Resync: &snap, Visits: snap.Visits, Execution: r.end}}
}
