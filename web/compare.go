package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/views"
)

// handleCompare shows two executions of the same state machine side by side (?a=ID&b=ID).
func (s *Server) handleCompare(c echo.Context) error {
	ctx := c.Request().Context()
	a, err := s.compareSide(ctx, c.QueryParam("a"), "a")
	if err != nil {
		return err
	}
	b, err := s.compareSide(ctx, c.QueryParam("b"), "b")
	if err != nil {
		return err
	}
	if a.StateMachineID != b.StateMachineID {
		return badRequest(fmt.Sprintf("Execution %s belongs to %q and %s to %q: only executions of the same state machine can be compared.",
			a.Name, a.StateMachineName, b.Name, b.StateMachineName))
	}
	d := views.CompareData{A: a, B: b}
	if d.PathA, err = s.statesEntered(ctx, a.ID); err != nil {
		return err
	}
	if d.PathB, err = s.statesEntered(ctx, b.ID); err != nil {
		return err
	}
	return render(c, http.StatusOK, views.Compare(d))
}

// compareSide finds the execution a query parameter names: 400 when it names none, 404 when
// there is no such execution.
func (s *Server) compareSide(ctx context.Context, text, key string) (resource.Execution, error) {
	if text == "" {
		return resource.Execution{}, badRequest(fmt.Sprintf("Say which executions to compare: /executions/compare?a=ID&b=ID (%q is missing).", key))
	}
	id, err := strconv.ParseInt(text, 10, 64)
	if err != nil || id <= 0 {
		return resource.Execution{}, badRequest(fmt.Sprintf("%s=%q is not an execution id (a positive whole number).", key, text))
	}
	e, err := s.cfg.Store.FindExecution(ctx, id)
	if errors.Is(err, resource.ErrNotFound) {
		return e, notFound(fmt.Sprintf("There is no execution %d to compare.", id))
	}
	return e, err
}

// statesEntered is the path an execution took: the states it entered, in order.
func (s *Server) statesEntered(ctx context.Context, executionID int64) ([]string, error) {
	events, err := s.cfg.Store.FindEvents(ctx, executionID, 0)
	if err != nil {
		return nil, err
	}
	var path []string
	for _, ev := range events {
		if strings.HasSuffix(string(ev.Type), "StateEntered") {
			path = append(path, ev.State)
		}
	}
	return path, nil
}
