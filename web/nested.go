package web

import (
	"context"
	"errors"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/integration"
	"github.com/stepstudio/stepstudio/runtime/resource"
)

// The server starts, awaits and stops nested executions (integration.Executions) for the
// states:startExecution tasks of its executions, as its API would for a client.
var _ integration.Executions = (*Server)(nil)

// StartExecution starts a child execution as the API's StartExecution does, with the
// parent recorded; what the API would refuse is an *integration.StartError.
func (s *Server) StartExecution(ctx context.Context, parentARN, machineARN, name, input string) (resource.Execution, error) {
	e, err := s.startThroughAPI(ctx, &startExecutionRequest{StateMachineArn: machineARN, Name: name, Input: input, parent: parentARN}, false)
	var ae *apiError
	if errors.As(err, &ae) {
		return e, &integration.StartError{Code: ae.code, Message: ae.message}
	}
	return e, err
}

// awaitRecheck is how often a wait for an execution's end looks at the store without news
// from the hub: an execution that sleeps parked publishes nothing until it wakes.
const awaitRecheck = 5 * time.Second

// AwaitExecution returns the execution once it has ended: told by the hub when it records its
// end, checked in the store after each such news (and every awaitRecheck, should the hub
// drop a slow subscriber).
func (s *Server) AwaitExecution(ctx context.Context, arn string) (resource.Execution, error) {
	sub := s.cfg.Hub.Subscribe(arn) // before the first look, so that no end goes unheard
	defer func() { sub.Close() }()
	tick := time.NewTicker(awaitRecheck)
	defer tick.Stop()
	for {
		e, err := s.cfg.Store.FindExecutionByARN(ctx, arn)
		if err != nil || e.Status != runtime.StatusRunning {
			return e, err
		}
		for news := false; !news; {
			select {
			case <-ctx.Done():
				return e, ctx.Err()
			case <-tick.C:
				news = true
			case events, ok := <-sub.C:
				if !ok { // dropped for falling behind: listen again, and look
					sub.Close()
					sub = s.cfg.Hub.Subscribe(arn)
				}
				news = !ok || endsExecution(events)
			}
		}
	}
}

// endsExecution reports whether events hold the end of their execution.
func endsExecution(events []runtime.Event) bool {
	for _, ev := range events {
		if ev.Type.EndsExecution() {
			return true
		}
	}
	return false
}

// StopExecution stops a child whose parent was stopped.
func (s *Server) StopExecution(ctx context.Context, arn, errName, cause string) error {
	e, err := s.cfg.Store.FindExecutionByARN(ctx, arn)
	if err != nil {
		return err
	}
	return s.cfg.Lifecycle.Stop(ctx, e, errName, cause)
}
