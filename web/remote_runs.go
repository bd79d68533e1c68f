package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/designer"
	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/remote"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/views"
)

// A target's execution is shown on the execution page as one of the studio's: its history,
// read through the target's GetExecutionHistory, is folded as a local run's is. The studio
// keeps no copy in its database (it is the target's); it keeps the runs being looked at in
// memory, and follows a running one by polling, faster while it changes and slower while it
// does not.

// remoteRunsKept is how many targets' executions the studio keeps folded at once.
const remoteRunsKept = 32

// remotePollMin and remotePollMax bound the wait between two polls of a running execution's
// history: it doubles while nothing changes, and starts again from the least on news.
const (
	remotePollMin = 500 * time.Millisecond
	remotePollMax = 8 * time.Second
)

// remoteRefresh is how old a run's view may be when a page asks for rows: older, it polls the
// target first.
const remoteRefresh = time.Second

// remoteRuns keeps the targets' executions being looked at.
type remoteRuns struct {
	mu    sync.Mutex
	runs  map[string]*remoteRun
	clock uint64
}

// remoteRun is a target's execution, folded. Its foldedRun's mutex guards everything.
type remoteRun struct {
	target, arn string
	client      *remote.Client
	used        uint64 // guarded by remoteRuns.mu

	fold    *foldedRun
	tracker *remote.Tracker
	read    []runtime.Event // every event read, in order (ids count from 1)
	exec    remote.Execution
	polled  time.Time
}

// remoteRunOf is the run a request about a target's execution names.
func (s *Server) remoteRunOf(c echo.Context) (*remoteRun, error) {
	if s.cfg.Remote == nil {
		return nil, notFound("This studio has no targets.")
	}
	target, arn := c.Param("name"), c.Param("arn")
	if unescaped, err := url.PathUnescape(arn); err == nil {
		arn = unescaped
	}
	key := target + "\x00" + arn
	s.remotes.mu.Lock()
	r := s.remotes.runs[key]
	s.remotes.clock++
	if r != nil {
		r.used = s.remotes.clock
	}
	s.remotes.mu.Unlock()
	if r != nil {
		return r, nil
	}
	client, _, err := s.cfg.Remote.Client(c.Request().Context(), target)
	if err != nil {
		return nil, err
	}
	r = &remoteRun{target: target, arn: arn, client: client, fold: &foldedRun{}, tracker: remote.NewTracker()}
	s.remotes.mu.Lock()
	defer s.remotes.mu.Unlock()
	if s.remotes.runs == nil {
		s.remotes.runs = map[string]*remoteRun{}
	}
	if kept := s.remotes.runs[key]; kept != nil {
		return kept, nil // another request made it meanwhile
	}
	for len(s.remotes.runs) >= remoteRunsKept {
		var oldest string
		for k, o := range s.remotes.runs {
			if oldest == "" || o.used < s.remotes.runs[oldest].used {
				oldest = k
			}
		}
		delete(s.remotes.runs, oldest)
	}
	r.used = s.remotes.clock
	s.remotes.runs[key] = r
	return r, nil
}

// poll reads what the target recorded since the last poll and folds it; it returns whether
// anything new came. r.fold.mu is held.
func (r *remoteRun) poll(ctx context.Context) (bool, error) {
	if !r.fold.loaded {
		definition, err := r.client.Definition(ctx, r.arn)
		if err != nil {
			return false, err
		}
		g, err := designer.NewGraph(definition)
		if err != nil {
			return false, fmt.Errorf("web: graph of %s: %w", r.arn, err)
		}
		r.fold.definition, r.fold.fold, r.fold.loaded = definition, views.NewFold(views.NewRunGraph(g)), true
	}
	ended := r.exec.Status != "" && r.exec.Status != string(runtime.StatusRunning)
	if ended && !r.polled.IsZero() {
		return false, nil // an ended execution changes only when it is redriven: see redrive
	}
	exec, err := r.client.Describe(ctx, r.arn)
	if err != nil {
		return false, err
	}
	history, err := r.client.History(ctx, r.arn, r.fold.fold.Last())
	if err != nil {
		return false, err
	}
	for _, ev := range r.tracker.Events(history) {
		r.fold.apply(ev)
		r.read = append(r.read, ev)
	}
	if r.fold.end != nil && exec.Status == string(runtime.StatusRunning) {
		// It ended between the two calls: describe it again for its end's summary.
		if exec, err = r.client.Describe(ctx, r.arn); err != nil {
			return false, err
		}
	}
	news := len(history) > 0 || exec.Status != r.exec.Status
	r.exec, r.polled = exec, time.Now()
	return news, nil
}

func (r *remoteRun) with(ctx context.Context, fn func(*foldedRun) error) error {
	r.fold.mu.Lock()
	defer r.fold.mu.Unlock()
	if time.Since(r.polled) > remoteRefresh {
		if _, err := r.poll(ctx); err != nil {
			return err
		}
	}
	return fn(r.fold)
}

func (r *remoteRun) execution() resource.Execution {
	r.fold.mu.Lock()
	defer r.fold.mu.Unlock()
	return r.executionLocked()
}

// executionLocked is the execution as the page shows it. r.fold.mu is held.
func (r *remoteRun) executionLocked() resource.Execution {
	e := resource.Execution{ARN: r.arn, Name: r.exec.Name, StateMachineARN: r.exec.MachineARN, Status: runtime.Status(r.exec.Status),
		Error: r.exec.Error, Cause: r.exec.Cause, StartedAt: r.exec.StartedAt, StoppedAt: r.exec.StoppedAt}
	if m := r.exec.MachineARN; m != "" {
		e.StateMachineName = m[strings.LastIndex(m, ":")+1:]
	}
	if r.exec.Input != "" {
		e.Input = json.RawMessage(r.exec.Input)
	}
	if r.exec.Output != "" {
		e.Output = json.RawMessage(r.exec.Output)
	}
	return e
}

func (r *remoteRun) events(_ context.Context, ids []int64, tokens []string) ([]runtime.Event, error) {
	r.fold.mu.Lock()
	defer r.fold.mu.Unlock()
	out := make([]runtime.Event, 0, len(ids))
	for _, id := range ids {
		if id >= 1 && id <= int64(len(r.read)) {
			out = append(out, r.read[id-1])
		}
	}
	return views.MaskEvents(out, tokens...), nil
}

// remoteToken stands for a callback's task token in the per-step view of a target's run: its
// history holds the token only where the task's Parameters put it, not where a step shows it.
const remoteToken = "(the task token on the target)"

func (r *remoteRun) taskToken(context.Context, int64) (string, error) { return remoteToken, nil }

func (r *remoteRun) storedTokens(context.Context) ([]string, error) { return nil, nil }

func (r *remoteRun) label() string { return "Execution " + r.arn }

// base is the URL of the run's page in the studio.
func (r *remoteRun) base() string {
	return views.RemoteRunURL(r.target, r.arn)
}

// handleRemoteRunShow draws a target's execution as the execution page draws the studio's.
func (s *Server) handleRemoteRunShow(c echo.Context) error {
	ctx := c.Request().Context()
	r, err := s.remoteRunOf(c)
	if err != nil {
		return err
	}
	d := views.ExecutionData{Remote: &views.RemoteExecution{Target: r.target, Base: r.base()}}
	var eventIDs []int64
	var tokens []string
	var definition []byte
	err = r.with(ctx, func(f *foldedRun) error {
		d.Execution = r.executionLocked()
		d.Remote.Runs = views.RemoteRunsURL(r.target, d.Execution.StateMachineName)
		d.Snapshot, d.Failed, d.Caught = f.fold.Snapshot(), f.failedVisit(), f.caughtVisit()
		d.Visits = f.visitPage("", 1)
		d.Events.Pager, eventIDs, d.Events.Scopes = f.eventPage("", 1)
		tokens, definition = f.copyTokens(), f.definition
		return nil
	})
	if err != nil {
		return err
	}
	svg, err := s.cfg.Graphs.RenderSVG(ctx, definition)
	if err != nil {
		return err
	}
	err = r.with(ctx, func(f *foldedRun) error {
		svg = views.MarkGraph(svg, f.fold)
		return nil
	})
	if err != nil {
		return err
	}
	d.Graph = svg
	if d.Events.Rows, err = r.events(ctx, eventIDs, tokens); err != nil {
		return err
	}
	return render(c, http.StatusOK, views.Execution(d))
}

// handleRemoteRunSocket streams a target's execution to its page as the studio's own are
// streamed (handleExecutionSocket), from polls of the target's history: every poll's news at
// once, the wait between polls doubling while nothing changes.
func (s *Server) handleRemoteRunSocket(c echo.Context) error {
	ctx := c.Request().Context()
	r, err := s.remoteRunOf(c)
	if err != nil {
		return err
	}
	after, _ := strconv.ParseInt(c.QueryParam("after"), 10, 64)
	conn, err := upgrade(c)
	if err != nil {
		return nil
	}
	defer conn.Close()
	gone := watchGone(conn)
	last := after
	wait := remotePollMin
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-timer.C:
		case <-gone:
			return nil
		case <-s.cfg.RunContext.Done():
			return nil
		}
		r.fold.mu.Lock()
		news, err := r.poll(ctx)
		msgs := catchUpMessages(r.fold, last)
		ended := r.exec.Status != string(runtime.StatusRunning)
		r.fold.mu.Unlock()
		if err != nil {
			// The target failed to answer: say so on the page's socket and let it reconnect.
			conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseTryAgainLater, "the target did not answer"), time.Now().Add(writeWait))
			return nil
		}
		for _, m := range msgs {
			if m.ID <= last && m.Resync == nil {
				continue
			}
			last = m.ID
			conn.SetWriteDeadline(time.Now().Add(writeWait))
			if err := conn.WriteJSON(m); err != nil {
				return nil
			}
		}
		if ended {
			// The page stops listening once the run ended; the socket waits for it to go.
			<-gone
			return nil
		}
		if news {
			wait = remotePollMin
		} else {
			wait = min(2*wait, remotePollMax)
		}
		timer.Reset(wait)
	}
}

// handleRemoteRunStop stops a target's execution there, with the error and cause given.
func (s *Server) handleRemoteRunStop(c echo.Context) error {
	r, err := s.remoteRunOf(c)
	if err != nil {
		return err
	}
	errName, cause := c.FormValue("error"), c.FormValue("cause")
	if len(errName) > maxErrorLen || len(cause) > maxCauseLen {
		return badRequest(fmt.Sprintf("The error may be at most %d characters and the cause at most %d.", maxErrorLen, maxCauseLen))
	}
	if err := r.client.Stop(c.Request().Context(), r.arn, errName, cause); err != nil {
		return err
	}
	r.forget()
	return c.Redirect(http.StatusSeeOther, r.base())
}

// handleRemoteRunRedrive redrives a target's execution there.
func (s *Server) handleRemoteRunRedrive(c echo.Context) error {
	r, err := s.remoteRunOf(c)
	if err != nil {
		return err
	}
	if err := r.client.Redrive(c.Request().Context(), r.arn); err != nil {
		return err
	}
	r.forget()
	return c.Redirect(http.StatusSeeOther, r.base())
}

// forget makes the next look poll the target, even for an execution that had ended.
func (r *remoteRun) forget() {
	r.fold.mu.Lock()
	r.exec.Status, r.polled = string(runtime.StatusRunning), time.Time{}
	r.fold.mu.Unlock()
}

// handleRemoteRunList lists a target's executions of a machine, newest first, with a form to
// start one there.
func (s *Server) handleRemoteRunList(c echo.Context) error {
	return s.renderRemoteRuns(c, http.StatusOK, "{}", "")
}

// renderRemoteRuns draws the list with the start form holding input and problem.
func (s *Server) renderRemoteRuns(c echo.Context, status int, input, problem string) error {
	if s.cfg.Remote == nil {
		return notFound("This studio has no targets.")
	}
	ctx := c.Request().Context()
	target, machine := c.Param("name"), c.Param("machine")
	client, _, err := s.cfg.Remote.Client(ctx, target)
	if err != nil {
		return err
	}
	d := views.RemoteRunsData{Target: target, Machine: machine, Input: input, Problem: problem}
	if d.MachineARN, err = client.MachineARN(ctx, machine); err != nil {
		return err
	}
	runs, err := client.Executions(ctx, d.MachineARN, 100)
	if err != nil {
		return err
	}
	for _, e := range runs {
		d.Runs = append(d.Runs, views.RemoteRun{Name: e.Name, Status: e.Status, StartedAt: e.StartedAt, StoppedAt: e.StoppedAt,
			URL: views.RemoteRunURL(target, e.ARN)})
	}
	return render(c, status, views.RemoteRuns(d))
}

// handleRemoteRunStart starts an execution of the machine on the target with the input given,
// and opens its page.
func (s *Server) handleRemoteRunStart(c echo.Context) error {
	if s.cfg.Remote == nil {
		return notFound("This studio has no targets.")
	}
	ctx := c.Request().Context()
	input := strings.TrimSpace(c.FormValue("input"))
	if input == "" {
		input = "{}"
	}
	if problem := inputProblem([]byte(input)); problem != "" {
		return s.renderRemoteRuns(c, http.StatusBadRequest, input, problem)
	}
	target, machine := c.Param("name"), c.Param("machine")
	client, _, err := s.cfg.Remote.Client(ctx, target)
	if err != nil {
		return err
	}
	arn, err := client.MachineARN(ctx, machine)
	if err != nil {
		return err
	}
	exec, err := client.Start(ctx, arn, "", input)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, views.RemoteRunURL(target, exec))
}
