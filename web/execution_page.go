package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/views"
)

// drawRun draws the version an execution ran with each state marked as its folded history
// leaves it; more, when given, reads what else the page needs from the run while it is locked.
func (s *Server) drawRun(ctx context.Context, e resource.Execution, more func(*foldedRun)) ([]byte, error) {
	m, err := s.cfg.Store.FindMachineVersion(ctx, e.VersionID)
	if err != nil {
		return nil, err
	}
	svg, err := s.cfg.Graphs.RenderSVG(ctx, m.Definition)
	if err != nil {
		return nil, err
	}
	err = s.withRun(ctx, e, func(r *foldedRun) error {
		svg = views.MarkGraph(svg, r.fold)
		if more != nil {
			more(r)
		}
		return nil
	})
	return svg, err
}

// handleExecutionShow draws the execution page from the execution's folded run: the graph,
// the first page of the table and of the events; the script asks for the rest.
func (s *Server) handleExecutionShow(c echo.Context) error {
	ctx := c.Request().Context()
	e, err := s.findExecution(c)
	if err != nil {
		return err
	}
	d := views.ExecutionData{Execution: e}
	var eventIDs []int64
	var tokens []string
	d.Graph, err = s.drawRun(ctx, e, func(r *foldedRun) {
		d.Snapshot, d.Failed, d.Caught = r.fold.Snapshot(), r.failedVisit(), r.caughtVisit()
		d.Visits = r.visitPage("", 1)
		d.Events.Pager, eventIDs, d.Events.Scopes = r.eventPage("", 1)
		tokens = r.copyTokens()
	})
	if err != nil {
		return err
	}
	if d.Events.Rows, err = (localRun{s, e}).events(ctx, eventIDs, tokens); err != nil {
		return err
	}
	if d.Decisions, err = s.cfg.Store.FindAuditEvents(ctx, resource.AuditFilter{ExecutionID: e.ID}); err != nil {
		return err
	}
	if err := s.mapRunsOf(ctx, e, &d); err != nil {
		return err
	}
	if err := s.nestedOf(ctx, e, &d); err != nil {
		return err
	}
	d.MockedStates = s.mockedStates(e)
	return render(c, http.StatusOK, views.Execution(d))
}

// mapRunChildrenShown is how many children of each map run the execution page lists.
const mapRunChildrenShown = 50

// mapRunsOf fills the page's map runs (an execution with distributed Maps) and the map run
// of a map run's child.
func (s *Server) mapRunsOf(ctx context.Context, e resource.Execution, d *views.ExecutionData) error {
	if e.MapRunARN != "" {
		r, err := s.cfg.Store.FindMapRun(ctx, e.MapRunARN)
		if err == nil {
			d.MapRunOf = &r
		} else if !errors.Is(err, resource.ErrNotFound) {
			return err
		}
	}
	runs, err := s.cfg.Store.FindMapRuns(ctx, e.ID)
	if err != nil {
		return err
	}
	for _, r := range runs {
		v := views.MapRunView{Run: r}
		if v.Counts, err = s.cfg.Store.CountMapRunChildren(ctx, r.ARN); err != nil {
			return err
		}
		page, err := s.cfg.Store.FindExecutionPage(ctx, resource.ExecutionFilter{MapRunARN: r.ARN, Limit: mapRunChildrenShown})
		if err != nil {
			return err
		}
		v.Children, v.More = page.Executions, page.Total-len(page.Executions)
		d.MapRuns = append(d.MapRuns, v)
	}
	return nil
}

// nestedOf fills the page's links of nested executions: the parent whose task started the
// execution, and the children its tasks started.
func (s *Server) nestedOf(ctx context.Context, e resource.Execution, d *views.ExecutionData) error {
	if e.ParentARN != "" {
		p, err := s.cfg.Store.FindExecutionByARN(ctx, e.ParentARN)
		if err == nil {
			d.Parent = &p
		} else if !errors.Is(err, resource.ErrNotFound) {
			return err
		}
	}
	var err error
	d.Children, err = s.cfg.Store.FindChildExecutions(ctx, e.ARN)
	return err
}

// findExecutionPage finds the execution of a request for a page of its rows, and the page
// asked for: the page query parameter, a whole number from 1, 1 when absent.
func (s *Server) findExecutionPage(c echo.Context) (pageRun, int, error) {
	run, err := s.runOf(c)
	if err != nil {
		return nil, 0, err
	}
	text := c.QueryParam("page")
	if text == "" {
		return run, 1, nil
	}
	n, err := strconv.Atoi(text)
	if err != nil || n < 1 {
		return nil, 0, badRequest(fmt.Sprintf("The page %q is not a page number: give a whole number from 1.", text))
	}
	return run, n, nil
}

// handleExecutionVisits answers the visit table's request for a page of the visits of the
// whole execution or of one Map iteration or Parallel branch (scope).
func (s *Server) handleExecutionVisits(c echo.Context) error {
	run, page, err := s.findExecutionPage(c)
	if err != nil {
		return err
	}
	key := c.QueryParam("scope")
	var p views.VisitPage
	err = run.with(c.Request().Context(), func(r *foldedRun) error {
		if key != "" && !r.fold.HasScope(key) {
			return notFound(fmt.Sprintf("%s has no Map iteration or Parallel branch %q.", run.label(), key))
		}
		p = r.visitPage(key, page)
		return nil
	})
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.VisitRows(p))
}

// handleExecutionEvents answers the event view's request for a page of the events, all or
// those whose type or state contain the q parameter.
func (s *Server) handleExecutionEvents(c echo.Context) error {
	ctx := c.Request().Context()
	run, page, err := s.findExecutionPage(c)
	if err != nil {
		return err
	}
	p := views.EventPage{Filter: c.QueryParam("q")}
	var ids []int64
	var tokens []string
	err = run.with(ctx, func(r *foldedRun) error {
		p.Pager, ids, p.Scopes = r.eventPage(p.Filter, page)
		tokens = r.copyTokens()
		return nil
	})
	if err != nil {
		return err
	}
	if p.Rows, err = run.events(ctx, ids, tokens); err != nil {
		return err
	}
	return render(c, http.StatusOK, views.EventRows(p))
}

// handleExecutionScope gives the graph of one Map iteration or Parallel branch (the key
// parameter) as JSON, for the page's picker.
func (s *Server) handleExecutionScope(c echo.Context) error {
	run, err := s.runOf(c)
	if err != nil {
		return err
	}
	key := c.QueryParam("key")
	var view views.ScopeView
	err = run.with(c.Request().Context(), func(r *foldedRun) error {
		v, ok := r.fold.Scope(key)
		if !ok {
			return notFound(fmt.Sprintf("%s has no Map iteration or Parallel branch %q.", run.label(), key))
		}
		view = v
		return nil
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, view)
}

// handleExecutionExport downloads the execution as JSON: DescribeExecution's fields and the
// whole history as GetExecutionHistory gives it. The history is written as it is read from
// the store, an event at a time, so a long one is never held whole; a download the client
// abandons stops reading.
func (s *Server) handleExecutionExport(c echo.Context) error {
	ctx := c.Request().Context()
	e, err := s.findExecution(c)
	if err != nil {
		return err
	}
	// Admins get the history as recorded (tokens and all, for scripts that answer tasks);
	// everyone else gets it with the task tokens masked, as the pages show it.
	var tokens []string
	if !UserOf(c).Admin {
		if tokens, err = s.cfg.Store.FindExecutionTokens(ctx, e.ID); err != nil {
			return err
		}
	}
	head, err := json.MarshalIndent(exportOf(e), "", "  ")
	if err != nil {
		return err
	}
	w := c.Response()
	w.Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="execution-%s.json"`, e.Name))
	w.Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSON)
	w.WriteHeader(http.StatusOK)
	// The head without its closing brace, then the events, then the brace.
	w.Write(head[:len(head)-2])
	w.Write([]byte(",\n  \"events\": ["))
	n := 0
	err = s.cfg.Store.EachEvent(ctx, e.ID, 0, func(ev runtime.Event) error {
		text, err := json.MarshalIndent(historyEventOf(views.MaskEvent(ev, tokens...)), "    ", "  ")
		if err != nil {
			return err
		}
		if n > 0 {
			w.Write([]byte(","))
		}
		n++
		w.Write([]byte("\n    "))
		_, err = w.Write(text)
		return err
	})
	if err != nil {
		// The status is sent: all that is left is to cut the document short, which no JSON
		// reader mistakes for a whole one.
		s.log.Info("export cut short", "execution", e.ID, "err", err)
		return nil
	}
	_, err = w.Write([]byte("\n  ]\n}\n"))
	return err
}

// executionExport is DescribeExecution's answer; the export adds the history after it.
type executionExport struct {
	ExecutionArn    string          `json:"executionArn"`
	StateMachineArn string          `json:"stateMachineArn"`
	Name            string          `json:"name"`
	Status          string          `json:"status"`
	StartDate       time.Time       `json:"startDate"`
	StopDate        *time.Time      `json:"stopDate,omitempty"`
	Input           string          `json:"input"`
	Output          string          `json:"output,omitempty"`
	Error           string          `json:"error,omitempty"`
	Cause           string          `json:"cause,omitempty"`
	RedriveCount    int             `json:"redriveCount"`
	InputDetails    includedDetails `json:"inputDetails"`
}

type includedDetails struct {
	Included bool `json:"included"`
}

func exportOf(e resource.Execution) executionExport {
	x := executionExport{ExecutionArn: e.ARN, StateMachineArn: e.StateMachineARN, Name: e.Name,
		Status: string(e.Status), StartDate: e.StartedAt.UTC(), Input: string(e.Input), Output: string(e.Output),
		Error: e.Error, Cause: e.Cause, RedriveCount: e.RedriveCount, InputDetails: includedDetails{true}}
	if !e.StoppedAt.IsZero() {
		stop := e.StoppedAt.UTC()
		x.StopDate = &stop
	}
	return x
}

// historyEvent is an event as GetExecutionHistory gives it: the details under the key named
// after the event type (see detailsKey).
type historyEvent map[string]any

func historyEventOf(ev runtime.Event) historyEvent {
	h := historyEvent{"id": ev.ID, "previousEventId": ev.PreviousEventID,
		"timestamp": ev.Timestamp.UTC().Format(time.RFC3339Nano), "type": string(ev.Type)}
	if key := detailsKey(ev.Type); key != "" {
		h[key] = ev.Details
	}
	return h
}

// detailsKey is the field that holds an event type's details in AWS's history, "" for the
// types without details (ParallelStateStarted, TaskStateAborted...).
func detailsKey(t runtime.EventType) string {
	name := string(t)
	switch {
	case strings.HasSuffix(name, "StateEntered"):
		return "stateEnteredEventDetails"
	case strings.HasSuffix(name, "StateExited"):
		return "stateExitedEventDetails"
	case t == runtime.ParallelStateStarted, t == runtime.ParallelStateSucceeded, t == runtime.MapStateSucceeded,
		strings.HasSuffix(name, "StateAborted"):
		return ""
	}
	return lowerFirst(name) + "EventDetails"
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// handleExecutionVisit shows one visit of a state: its input and output, and the value after
// each step of its data flow, recomputed from the state's definition, its recorded input and
// its recorded result.
func (s *Server) handleExecutionVisit(c echo.Context) error {
	ctx := c.Request().Context()
	run, err := s.runOf(c)
	if err != nil {
		return err
	}
	e := run.execution()
	id, err := strconv.ParseInt(c.Param("visit"), 10, 64)
	if err != nil {
		return notFound(fmt.Sprintf("There is no state visit %q: visits are named by the id of their StateEntered event.", c.Param("visit")))
	}
	var v *views.Visit
	var definition []byte
	var tokens []string
	if err := run.with(ctx, func(r *foldedRun) error {
		v, definition, tokens = r.visit(id), r.definition, r.copyTokens()
		return nil
	}); err != nil {
		return err
	}
	if v == nil {
		return notFound(fmt.Sprintf("Event %d of %s does not enter a state.", id, lowerFirst(run.label())))
	}
	// The fold keeps no payloads: they are in the events the visit names.
	events, err := run.events(ctx, []int64{v.ID, v.OutputEvent, v.ResultEvent}, tokens)
	if err != nil {
		return err
	}
	_, remote := run.(*remoteRun)
	d := views.VisitData{ExecutionID: e.ID, Remote: remote, Visit: v}
	var result string
	for _, ev := range events {
		switch ev.ID {
		case v.ID:
			d.Input = ev.Details.Input
		case v.OutputEvent:
			d.Output = ev.Details.Output
		case v.ResultEvent:
			result = ev.Details.Output
		}
	}
	if d.Steps, d.Problem, err = s.recompute(ctx, run, definition, v, d.Input, result); err != nil {
		return err
	}
	if d.Steps != nil {
		stored, err := run.storedTokens(ctx)
		if err != nil {
			return err
		}
		masked := views.MaskTestStateResult(*d.Steps, append(tokens, stored...)...)
		d.Steps = &masked
	}
	return render(c, http.StatusOK, views.VisitDetails(d))
}

// recompute runs the visited state again on its recorded input, with its recorded result (or
// error) as the task's answer and the run's context object, to show the value after each
// step. A Map or Parallel runs its iterations or branches again; when they call tasks the
// studio cannot run, the recomputed steps stop there, and problem says so. The error is the
// store's.
func (s *Server) recompute(ctx context.Context, run pageRun, definition []byte, v *views.Visit,
	input, result string) (*runtime.TestStateResult, string, error) {
	e := run.execution()
	def, err := s.definition(resource.StateMachine{VersionID: e.VersionID, Definition: definition})
	if err != nil {
		return nil, "The definition could not be read: " + err.Error(), nil
	}
	if input == "" {
		input = "{}"
	}
	runContext, err := visitContext(ctx, run, v)
	if err != nil {
		return nil, "", err
	}
	opts := runtime.TestStateOptions{Start: e.StartedAt, Context: runContext}
	if result != "" {
		opts.MockResult = json.RawMessage(result)
	} else if v.Error != "" {
		opts.MockError = &runtime.Error{Name: v.Error, Cause: v.Cause}
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	res, err := runtime.TestState(ctx, def, v.State, json.RawMessage(input), opts)
	if err != nil {
		return nil, "The steps could not be recomputed: " + err.Error(), nil
	}
	return &res, "", nil
}

// visitContext is the context object ($$, $states.context) the visit saw, as far as the
// history tells: the execution, the machine, the state's name, entry time and retries,
// and the task token of a .waitForTaskToken task. TestState lays it over its own.
func visitContext(ctx context.Context, run pageRun, v *views.Visit) (json.RawMessage, error) {
	e := run.execution()
	execution := map[string]any{"Id": e.ARN, "Name": e.Name, "Input": json.RawMessage(e.Input),
		"StartTime": runtime.FormatContextTime(e.StartedAt)}
	if len(e.Input) == 0 {
		execution["Input"] = map[string]any{}
	}
	if e.RedriveCount > 0 {
		execution["RedriveCount"], execution["RedriveTime"] = e.RedriveCount, runtime.FormatContextTime(e.RedriveDate)
	}
	state := map[string]any{"Name": v.State, "EnteredTime": runtime.FormatContextTime(v.EnteredAt())}
	if v.Retries > 0 {
		state["RetryCount"] = v.Retries
	}
	c := map[string]any{"Execution": execution, "State": state,
		"StateMachine": map[string]any{"Id": e.StateMachineARN, "Name": e.StateMachineName}}
	if v.SubmittedEvent != 0 {
		token, err := run.taskToken(ctx, v.SubmittedEvent)
		if err != nil {
			return nil, err
		}
		if token != "" {
			c["Task"] = map[string]any{"Token": token}
		}
	}
	return mustJSON(c), nil
}
