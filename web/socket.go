package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/gorilla/websocket"
	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/designer"
	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/views"
)

// eventMessage is what the execution page's script receives for each history event.
type eventMessage struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	State     string `json:"state,omitempty"`
	Timestamp string `json:"timestamp"`
	Summary   string `json:"summary,omitempty"`
	// Details is the event's details as the history shows them (JSON), Failed whether it is
	// a failure, for the event view.
	Details string `json:"details,omitempty"`
	Failed  bool   `json:"failed,omitempty"`
	// Delta is what the event changed on the graph and in the table: the page only applies it.
	Delta views.Delta `json:"delta"`
	// Node is the SVG id of the event's state and Status that state's status in the whole
	// execution after the event, for scripts that follow one execution without a fold.
	Node   string `json:"node,omitempty"`
	Status string `json:"status,omitempty"`
	// Execution is set by the event that ends the execution.
	Execution *executionEnd `json:"execution,omitempty"`
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
}

func newEventMessage(ev runtime.Event, delta views.Delta, fold *views.Fold) eventMessage {
	m := eventMessage{
		ID:        ev.ID,
		Type:      string(ev.Type),
		State:     ev.State,
		Timestamp: ev.Timestamp.UTC().Format("2006-01-02 15:04:05.000 UTC"),
		Summary:   views.EventSummary(ev),
		Details:   views.EventDetailsJSON(ev),
		Failed:    views.EventFailed(ev),
		Delta:     delta,
	}
	if ev.State != "" {
		if st := fold.Node("", designer.NodeID(ev.State)); st.Status != views.StateNotRun {
			m.Node, m.Status = designer.NodeID(ev.State), st.Status
		}
	}
	if status, ok := endStatus[ev.Type]; ok {
		m.Execution = &executionEnd{Status: string(status), Output: ev.Details.Output,
			Error: ev.Details.Error, Cause: ev.Details.Cause, Stop: m.Timestamp,
			StopDate: ev.Timestamp.UTC().Format(time.RFC3339Nano), State: ev.State}
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

// handleExecutionSocket streams an execution's history: first the stored events after the
// `after` query parameter, then live ones as they are recorded, each exactly once and in
// order, each with what it changed (a views.Delta). It subscribes before reading the store,
// so no event falls between the two, and folds the events up to `after` first, so the deltas
// continue the page it rendered.
func (s *Server) handleExecutionSocket(c echo.Context) error {
	e, err := s.findExecution(c)
	if err != nil {
		return err
	}
	after, _ := strconv.ParseInt(c.QueryParam("after"), 10, 64)
	sub := s.cfg.Hub.Subscribe(e.ARN)
	defer sub.Close()
	run, err := s.loadRun(c.Request().Context(), e, 0)
	if err != nil {
		return err
	}
	fold := views.NewFold(run.graph)
	backlog := run.events
	for len(backlog) > 0 && backlog[0].ID <= after {
		fold.Apply(backlog[0])
		backlog = backlog[1:]
	}
	conn, err := upgrader.Upgrade(c.Response(), c.Request(), nil)
	if err != nil {
		return nil // the upgrader has already answered the client
	}
	defer conn.Close()

	gone := watchGone(conn)

	last := after
	tokens := run.tokens
	send := func(ev runtime.Event) error {
		if ev.ID <= last {
			return nil // already sent from the backlog
		}
		last = ev.ID
		// A live TaskScheduled carries the token its Parameters may show: mask it from then on.
		if tok := ev.Details.TaskToken; tok != "" && !slices.Contains(tokens, tok) {
			tokens = append(tokens, tok)
		}
		ev = views.MaskEvent(ev, tokens...)
		delta := fold.Apply(ev)
		conn.SetWriteDeadline(time.Now().Add(writeWait))
		return conn.WriteJSON(newEventMessage(ev, delta, fold))
	}
	for _, ev := range backlog {
		if err := send(ev); err != nil {
			return nil
		}
	}
	ping := time.NewTicker(pingPeriod)
	defer ping.Stop()
	for {
		select {
		case ev, ok := <-sub.C:
			if !ok {
				// Dropped for falling behind: close, and the page reconnects from its last event.
				conn.WriteControl(websocket.CloseMessage,
					websocket.FormatCloseMessage(websocket.CloseTryAgainLater, "too slow"), time.Now().Add(writeWait))
				return nil
			}
			if err := send(ev); err != nil {
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
