package web

import (
	"context"
	"errors"
	"fmt"

	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/views"
)

// pageRun is an execution the execution page shows, with where its history comes from: one of
// this studio's (its store) or a target's (its Step Functions API, remote_runs.go). The page's
// table, events, picker and per-state data are drawn the same from either.
type pageRun interface {
	// execution is the execution's summary.
	execution() resource.Execution
	// with calls fn with the run folded up to date, locked.
	with(ctx context.Context, fn func(*foldedRun) error) error
	// events reads events by id with the task tokens masked: those the run saw live (tokens) and
	// those stored, read after the events so that none is missed.
	events(ctx context.Context, ids []int64, tokens []string) ([]runtime.Event, error)
	// taskToken is the token of the callback task that event submitted, "" when not known.
	taskToken(ctx context.Context, submitted int64) (string, error)
	// storedTokens are the task tokens kept apart from the history, to mask.
	storedTokens(ctx context.Context) ([]string, error)
	// label names the execution in messages: "Execution 12".
	label() string
}

// runOf is the execution a request of the execution page is about: a target's when the route
// names one (/targets/:name/runs/:arn/...), else one of this studio's (/executions/:id/...).
func (s *Server) runOf(c echo.Context) (pageRun, error) {
	if c.Param("arn") != "" {
		return s.remoteRunOf(c)
	}
	e, err := s.findExecution(c)
	if err != nil {
		return nil, err
	}
	return localRun{s, e}, nil
}

// localRun is one of this studio's executions.
type localRun struct {
	s *Server
	e resource.Execution
}

func (r localRun) execution() resource.Execution { return r.e }

func (r localRun) with(ctx context.Context, fn func(*foldedRun) error) error {
	return r.s.withRun(ctx, r.e, fn)
}

func (r localRun) events(ctx context.Context, ids []int64, tokens []string) ([]runtime.Event, error) {
	events, err := r.s.cfg.Store.FindEventsByID(ctx, r.e.ID, ids)
	if err != nil {
		return nil, err
	}
	stored, err := r.storedTokens(ctx)
	if err != nil {
		return nil, err
	}
	return views.MaskEvents(events, append(tokens, stored...)...), nil
}

func (r localRun) storedTokens(ctx context.Context) ([]string, error) {
	return r.s.cfg.Store.FindExecutionTokens(ctx, r.e.ID)
}

func (r localRun) taskToken(ctx context.Context, submitted int64) (string, error) {
	t, err := r.s.cfg.Store.FindCallbackTaskSubmitted(ctx, r.e.ID, submitted)
	if errors.Is(err, resource.ErrNotFound) {
		return "", nil
	}
	return t.Token, err
}

func (r localRun) label() string { return fmt.Sprintf("Execution %d", r.e.ID) }
