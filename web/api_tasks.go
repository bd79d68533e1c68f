package web

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
)

// The callbacks: SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat answer a
// .waitForTaskToken task or an activity task by its token. A decision here and one from the
// inbox are the same decision (the lifecycle's Decide, under the task's lock): the first
// wins, the other is told the task is no longer there, and the audit names who decided.

// maxTokenLength is AWS's limit on a task token.
const maxTokenLength = 1024

type sendTaskSuccessRequest struct {
	TaskToken string `json:"taskToken"`
	Output    string `json:"output"`
}

type sendTaskFailureRequest struct {
	TaskToken string `json:"taskToken"`
	Error     string `json:"error"`
	Cause     string `json:"cause"`
}

type taskTokenRef struct {
	TaskToken string `json:"taskToken"`
}

func (s *Server) apiSendTaskSuccess(ctx context.Context, req *sendTaskSuccessRequest) (struct{}, error) {
	if err := firstOf(required("taskToken", req.TaskToken), required("output", req.Output)); err != nil {
		return struct{}{}, err
	}
	if len(req.Output) > maxInputBytes {
		return struct{}{}, newAPIError("InvalidOutput", fmt.Sprintf("Invalid Output: 'the output is %d bytes; at most %d are allowed'", len(req.Output), maxInputBytes))
	}
	if err := checkJSON([]byte(req.Output)); err != nil {
		return struct{}{}, newAPIError("InvalidOutput", fmt.Sprintf("Invalid Output: '%v'", err))
	}
	return struct{}{}, s.decideByToken(ctx, req.TaskToken, resource.AuditEvent{Action: resource.AuditApproved, Output: []byte(req.Output)})
}

func (s *Server) apiSendTaskFailure(ctx context.Context, req *sendTaskFailureRequest) (struct{}, error) {
	if err := firstOf(required("taskToken", req.TaskToken), checkFailure(req.Error, req.Cause)); err != nil {
		return struct{}{}, err
	}
	return struct{}{}, s.decideByToken(ctx, req.TaskToken, resource.AuditEvent{Action: resource.AuditRejected, Error: req.Error, Cause: req.Cause})
}

func (s *Server) apiSendTaskHeartbeat(ctx context.Context, req *taskTokenRef) (struct{}, error) {
	t, unlock, err := s.waitingTask(ctx, req.TaskToken)
	if err != nil {
		return struct{}{}, err
	}
	defer unlock()
	err = s.cfg.Lifecycle.Heartbeat(ctx, t, apiCaller(ctx).Name)
	if errors.Is(err, runtime.ErrTaskDoesNotExist) || errors.Is(err, resource.ErrTaskChanged) {
		return struct{}{}, taskTimedOut()
	}
	return struct{}{}, err
}

// decideByToken takes the decision on the task waiting with token.
func (s *Server) decideByToken(ctx context.Context, token string, ev resource.AuditEvent) error {
	t, unlock, err := s.waitingTask(ctx, token)
	if err != nil {
		return err
	}
	defer unlock()
	ev.User, ev.At = apiCaller(ctx).Name, time.Now()
	err = s.cfg.Lifecycle.Decide(ctx, t, ev)
	s.cfg.Hub.InboxChanged()
	switch {
	case errors.Is(err, runtime.ErrTaskDoesNotExist), errors.Is(err, resource.ErrTaskChanged):
		return taskTimedOut()
	case errors.Is(err, runtime.ErrInvalidOutput):
		return newAPIError("InvalidOutput", fmt.Sprintf("Invalid Output: '%v'", err))
	}
	return err
}

// waitingTask finds the task of a token and holds its lock (as the inbox's changes do):
// InvalidToken for a token the studio never gave, TaskTimedOut for a task that no longer
// waits, as AWS answers both.
func (s *Server) waitingTask(ctx context.Context, token string) (resource.CallbackTask, func(), error) {
	if err := required("taskToken", token); err != nil {
		return resource.CallbackTask{}, nil, err
	}
	if len(token) > maxTokenLength {
		return resource.CallbackTask{}, nil, invalidValue("taskToken", clip(token, 40), fmt.Sprintf("Member must have length less than or equal to %d", maxTokenLength))
	}
	t, err := s.findTaskByToken(ctx, token)
	if errors.Is(err, resource.ErrNotFound) {
		return t, nil, newAPIError("InvalidToken", "Invalid Token: 'Invalid token'")
	}
	if err != nil {
		return t, nil, err
	}
	unlock := s.tasks.lock(t.ID)
	if t, err = s.cfg.Store.FindCallbackTask(ctx, t.ID); err != nil {
		unlock()
		return t, nil, err
	}
	if t.Status != resource.CallbackWaiting || t.DecidedBy != "" || t.Decision != "" {
		unlock()
		return t, nil, taskTimedOut()
	}
	return t, unlock, nil
}

// storedTaskWait bounds how long an answer waits for its task to be stored: the call that
// carried the token (an SQS message, say) has been made, and its TaskSubmitted, which
// stores the task, is committed within milliseconds of it returning.
const storedTaskWait = 10 * time.Second

// findTaskByToken finds the callback task of a token. A worker may answer before the studio
// has stored the task, as soon as the call that gave it the token reaches it: on AWS the
// token is valid from then on, so the answer waits for the task to be stored (it is
// acknowledged only once it is stored itself) while the execution waits with the token.
func (s *Server) findTaskByToken(ctx context.Context, token string) (resource.CallbackTask, error) {
	deadline := time.Now().Add(storedTaskWait)
	for {
		t, err := s.cfg.Store.FindCallbackTaskByToken(ctx, token)
		if !errors.Is(err, resource.ErrNotFound) || !s.cfg.Lifecycle.IsWaiting(token) || time.Now().After(deadline) {
			return t, err
		}
		select {
		case <-ctx.Done():
			return t, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

func taskTimedOut() error {
	return newAPIError("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'")
}
