package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/views"
)

// ListStore finds the pages of the executions lists and the execution a change names.
type ListStore interface {
	FindExecutionPage(ctx context.Context, f resource.ExecutionFilter) (resource.ExecutionPage, error)
	FindExecutionByARN(ctx context.Context, arn string) (resource.Execution, error)
}

// listPageSize is how many executions a list page shows.
const listPageSize = 25

func (s *Server) handleExecutionList(c echo.Context) error {
	return s.renderExecutionList(c, resource.StateMachine{})
}

func (s *Server) handleMachineExecutionList(c echo.Context) error {
	m, err := s.findMachine(c)
	if err != nil {
		return err
	}
	return s.renderExecutionList(c, m)
}

// renderExecutionList shows a page of the executions of m, or of all machines when m is zero.
func (s *Server) renderExecutionList(c echo.Context, m resource.StateMachine) error {
	f, err := listFilter(c)
	if err != nil {
		return err
	}
	f.MachineID = m.ID
	page, err := s.cfg.Store.FindExecutionPage(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.ExecutionList(views.ExecutionListData{
		Machine: m.Name, Status: f.Status, Search: f.NameContains,
		FirstPage: f.Before == 0 && f.After == 0, Page: page, PageSize: f.Limit,
	}))
}

// listFilter reads the list's query: status, q (a part of the name), and a page cursor, before
// or after an execution id. Anything else in them is a 400 that says what is allowed.
func listFilter(c echo.Context) (resource.ExecutionFilter, error) {
	f := resource.ExecutionFilter{
		Status:       runtime.Status(strings.ToUpper(strings.TrimSpace(c.QueryParam("status")))),
		NameContains: strings.TrimSpace(c.QueryParam("q")),
		Limit:        listPageSize,
	}
	if f.Status != "" && !slices.Contains(views.ListStatuses, f.Status) {
		return f, badRequest(fmt.Sprintf("There is no status %q: filter by RUNNING, PAUSED, SUCCEEDED, FAILED, TIMED_OUT or ABORTED.", c.QueryParam("status")))
	}
	if n := len([]rune(f.NameContains)); n > 80 {
		return f, badRequest(fmt.Sprintf("The search is %d characters long; execution names have at most 80.", n))
	}
	var err error
	if f.Before, err = cursor(c, "before"); err != nil {
		return f, err
	}
	if f.After, err = cursor(c, "after"); err != nil {
		return f, err
	}
	if f.Before > 0 && f.After > 0 {
		return f, badRequest("A page is either before or after an execution, not both: give one of \"before\" and \"after\".")
	}
	return f, nil
}

// cursor reads a page cursor: absent is 0, else a positive execution id.
func cursor(c echo.Context, key string) (int64, error) {
	text := c.QueryParam(key)
	if text == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(text, 10, 64)
	if err != nil || id <= 0 {
		return 0, badRequest(fmt.Sprintf("The page position %s=%q is not an execution id (a positive whole number); use the Newer and Older links.", key, text))
	}
	return id, nil
}

// changeMessage is what a list page hears when an execution starts or ends.
type changeMessage struct {
	ID        int64  `json:"id"`
	Status    string `json:"status"`
	StoppedAt string `json:"stoppedAt,omitempty"`
	// Matches says the execution passes the page's filter, so a first page shows it if new.
	Matches bool `json:"matches"`
	// Row is the execution's row as the page renders it, to replace or insert.
	Row string `json:"row"`
}

// handleExecutionListSocket pushes the changes of every execution to a list page: the
// page's filter (machine, status, q) decides which new executions it adds; the rows it
// shows it updates whatever their new status.
func (s *Server) handleExecutionListSocket(c echo.Context) error {
	f, err := listFilter(c)
	if err != nil {
		return err
	}
	machine := c.QueryParam("machine")
	sub := s.cfg.Hub.SubscribeChanges()
	defer sub.Close()
	conn, err := upgrade(c)
	if err != nil {
		return nil // the upgrader has already answered the client
	}
	defer conn.Close()
	gone := watchGone(conn)
	ping := time.NewTicker(pingPeriod)
	defer ping.Stop()
	for {
		select {
		case change, ok := <-sub.C:
			if !ok {
				// Dropped for falling behind: the page reconnects and reloads its rows.
				conn.WriteControl(websocket.CloseMessage,
					websocket.FormatCloseMessage(websocket.CloseTryAgainLater, "too slow"), time.Now().Add(writeWait))
				return nil
			}
			msg, err := s.changeMessage(c.Request().Context(), change, f, machine)
			if err != nil {
				s.log.Warn("executions list: a change names no stored execution", "arn", change.ARN, "err", err)
				continue
			}
			conn.SetWriteDeadline(time.Now().Add(writeWait))
			if err := conn.WriteJSON(msg); err != nil {
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

// changeMessage reads the execution a change names (the store has it: the hub hears of
// events after they are stored) and renders its row.
func (s *Server) changeMessage(ctx context.Context, change ExecutionChange, f resource.ExecutionFilter, machine string) (changeMessage, error) {
	e, err := s.cfg.Store.FindExecutionByARN(ctx, change.ARN)
	if err != nil {
		return changeMessage{}, err
	}
	var row bytes.Buffer
	if err := views.ExecutionRow(e).Render(ctx, &row); err != nil {
		return changeMessage{}, err
	}
	msg := changeMessage{ID: e.ID, Status: string(e.Status), Row: row.String(), Matches: matches(e, f, machine)}
	if !e.StoppedAt.IsZero() {
		msg.StoppedAt = e.StoppedAt.Format(time.RFC3339Nano)
	}
	return msg, nil
}

// matches applies a list's filter to one execution as the store's query does (the name
// search ignores ASCII case, like SQLite's LIKE).
func matches(e resource.Execution, f resource.ExecutionFilter, machine string) bool {
	return (machine == "" || e.StateMachineName == machine) &&
		(f.Status == "" || e.Status == f.Status || f.Status == resource.StatusPaused && e.Status == runtime.StatusRunning && e.Paused > 0) &&
		strings.Contains(asciiLower(e.Name), asciiLower(f.NameContains))
}

func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}
