package main

import (
	"context"

	"github.com/stepstudio/stepstudio/runtime/integration"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/web"
)

// laterServer is the web server as the nested-execution integration's Executions: the
// lifecycle (and the executions it resumes) exist before the server, so a call waits until
// the server is set.
type laterServer struct {
	ready  chan struct{}
	server *web.Server
}

var _ integration.Executions = (*laterServer)(nil)

func newLaterServer() *laterServer { return &laterServer{ready: make(chan struct{})} }

// set gives the server; once.
func (l *laterServer) set(s *web.Server) {
	l.server = s
	close(l.ready)
}

func (l *laterServer) get(ctx context.Context) (*web.Server, error) {
	select {
	case <-l.ready:
		return l.server, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (l *laterServer) StartExecution(ctx context.Context, parentARN, machineARN, name, input string) (resource.Execution, error) {
	s, err := l.get(ctx)
	if err != nil {
		return resource.Execution{}, err
	}
	return s.StartExecution(ctx, parentARN, machineARN, name, input)
}

func (l *laterServer) AwaitExecution(ctx context.Context, arn string) (resource.Execution, error) {
	s, err := l.get(ctx)
	if err != nil {
		return resource.Execution{}, err
	}
	return s.AwaitExecution(ctx, arn)
}

func (l *laterServer) StopExecution(ctx context.Context, arn, errName, cause string) error {
	s, err := l.get(ctx)
	if err != nil {
		return err
	}
	return s.StopExecution(ctx, arn, errName, cause)
}
