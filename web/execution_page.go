package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/designer"
	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/views"
)

// executionRun is an execution with what its page is drawn from: the definition it ran (even
// if the machine changed since), its graph and its history.
type executionRun struct {
	info       runtime.ExecutionInfo
	definition []byte
	graph      views.RunGraph
	events     []runtime.Event
	// tokens are the execution's task tokens, masked in events (views.MaskTokens).
	tokens []string
}

// loadRun reads an execution's definition and its history after the event `after`.
func (s *Server) loadRun(ctx context.Context, e runtime.ExecutionInfo, after int64) (executionRun, error) {
	m, err := s.cfg.Store.FindMachineVersion(ctx, e.VersionID)
	if err != nil {
		return executionRun{}, err
	}
	g, err := designer.NewGraph(m.Definition)
	if err != nil {
		return executionRun{}, fmt.Errorf("web: graph of version %d: %w", e.VersionID, err)
	}
	events, err := s.cfg.Store.FindEvents(ctx, e.ID, after)
	if err != nil {
		return executionRun{}, err
	}
	// The pages drawn from the run are seen by everyone: no full task token in them.
	tokens, err := s.cfg.Store.FindExecutionTokens(ctx, e.ID)
	if err != nil {
		return executionRun{}, err
	}
	return executionRun{info: e, definition: m.Definition, graph: views.NewRunGraph(g),
		events: views.MaskEvents(events, tokens...), tokens: tokens}, nil
}

// drawRun draws the version an execution ran, each state marked as its history leaves it,
// and returns the fold that marked it.
func (s *Server) drawRun(ctx context.Context, run executionRun) ([]byte, *views.Fold, error) {
	svg, err := s.cfg.Graphs.RenderSVG(ctx, run.definition)
	if err != nil {
		return nil, nil, err
	}
	fold := views.FoldEvents(run.graph, run.events)
	return views.MarkGraph(svg, fold), fold, nil
}

func (s *Server) handleExecutionShow(c echo.Context) error {
	ctx := c.Request().Context()
	e, err := s.findExecution(c)
	if err != nil {
		return err
	}
	run, err := s.loadRun(ctx, e, 0)
	if err != nil {
		return err
	}
	graph, fold, err := s.drawRun(ctx, run)
	if err != nil {
		return err
	}
	decisions, err := s.cfg.Store.FindAuditEvents(ctx, runtime.AuditFilter{ExecutionID: e.ID})
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.Execution(views.ExecutionData{
		Execution: e,
		Graph:     graph,
		Events:    run.events,
		Fold:      fold,
		Decisions: decisions,
	}))
}

// handleExecutionExport downloads the execution as JSON: DescribeExecution's fields and the
// whole history as GetExecutionHistory gives it.
func (s *Server) handleExecutionExport(c echo.Context) error {
	e, err := s.findExecution(c)
	if err != nil {
		return err
	}
	events, err := s.cfg.Store.FindEvents(c.Request().Context(), e.ID, 0)
	if err != nil {
		return err
	}
	// Admins get the history as recorded (tokens and all, for scripts that answer tasks);
	// everyone else gets it with the task tokens masked, as the pages show it.
	if !UserOf(c).Admin {
		tokens, err := s.cfg.Store.FindExecutionTokens(c.Request().Context(), e.ID)
		if err != nil {
			return err
		}
		events = views.MaskEvents(events, tokens...)
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="execution-%s.json"`, e.Name))
	return c.JSONPretty(http.StatusOK, exportOf(e, events), "  ")
}

// executionExport is DescribeExecution's answer with the history added.
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
	Events          []historyEvent  `json:"events"`
	InputDetails    includedDetails `json:"inputDetails"`
}

type includedDetails struct {
	Included bool `json:"included"`
}

func exportOf(e runtime.ExecutionInfo, events []runtime.Event) executionExport {
	x := executionExport{ExecutionArn: e.ARN, StateMachineArn: e.StateMachineARN, Name: e.Name,
		Status: string(e.Status), StartDate: e.StartedAt.UTC(), Input: string(e.Input), Output: string(e.Output),
		Error: e.Error, Cause: e.Cause, RedriveCount: e.RedriveCount, InputDetails: includedDetails{true},
		Events: make([]historyEvent, 0, len(events))}
	if !e.StoppedAt.IsZero() {
		stop := e.StoppedAt.UTC()
		x.StopDate = &stop
	}
	for _, ev := range events {
		x.Events = append(x.Events, historyEventOf(ev))
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
	e, err := s.findExecution(c)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Param("visit"), 10, 64)
	if err != nil {
		return notFound(fmt.Sprintf("There is no state visit %q: visits are named by the id of their StateEntered event.", c.Param("visit")))
	}
	run, err := s.loadRun(ctx, e, 0)
	if err != nil {
		return err
	}
	v := views.FoldEvents(run.graph, run.events).Visit(id)
	if v == nil {
		return notFound(fmt.Sprintf("Event %d of execution %d does not enter a state.", id, e.ID))
	}
	steps, problem := s.recompute(ctx, run, v)
	return render(c, http.StatusOK, views.VisitDetails(views.VisitData{Visit: v, Steps: steps, Problem: problem}))
}

// recompute runs the visited state again on its recorded input, with its recorded result (or
// error) as the task's answer, to show the value after each step. A Map or Parallel runs its
// iterations or branches again; when they call tasks the studio cannot run, the recomputed
// steps stop there, and problem says so.
func (s *Server) recompute(ctx context.Context, run executionRun, v *views.Visit) (*runtime.TestStateResult, string) {
	def, err := s.definition(runtime.StateMachine{VersionID: run.info.VersionID, Definition: run.definition})
	if err != nil {
		return nil, "The definition could not be read: " + err.Error()
	}
	input := v.Input
	if input == "" {
		input = "{}"
	}
	opts := runtime.TestStateOptions{Start: run.info.StartedAt}
	if v.Result != "" {
		opts.MockResult = json.RawMessage(v.Result)
	} else if v.Error != "" {
		opts.MockError = &runtime.Error{Name: v.Error, Cause: v.Cause}
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	res, err := runtime.TestState(ctx, def, v.State, json.RawMessage(input), opts)
	if err != nil {
		return nil, "The steps could not be recomputed: " + err.Error()
	}
	return &res, ""
}
