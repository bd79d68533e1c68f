package lifecycle

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
)

// Resume continues every execution that was running when the studio last stopped and
// schedules the sleeping ones to be woken (WakeSleepers). An execution that cannot be
// resumed is logged and left as it is; it does not keep the studio from starting.
func (l *Executions) Resume(ctx context.Context) error {
	running, err := l.cfg.Store.FindRunningExecutions(ctx)
	if err != nil {
		return err
	}
	resumed, parked := 0, 0
	for _, e := range running {
		if !e.WakeAt.IsZero() {
			l.waker.add(e.ID, e.WakeAt)
			parked++
			continue
		}
		var err error
		if strings.Contains(e.ARN, ":express:") {
			err = l.rerunExpress(ctx, e)
		} else {
			err = l.resume(ctx, e, false, false)
		}
		if err != nil {
			l.log.Error("execution not resumed", "execution", e.ARN, "err", err)
			continue
		}
		resumed++
	}
	if len(running) > 0 {
		l.log.Info("resumed executions", "resumed", resumed, "sleeping", parked, "running", len(running))
	}
	return nil
}

// WakeSleepers wakes the sleeping executions as they come due, until ctx ends.
func (l *Executions) WakeSleepers(ctx context.Context) {
	l.waker.run(ctx, l.cfg.Clock, func(id int64) {
		e, err := l.cfg.Store.FindExecution(ctx, id)
		if err == nil && e.Status == runtime.StatusRunning && !e.WakeAt.IsZero() {
			err = l.wake(ctx, e, false)
		}
		if err != nil && ctx.Err() == nil {
			l.log.Error("execution not woken", "execution", id, "err", err)
		}
	})
}

// rerunExpress runs again, from its input, an Express execution that was running when the
// studio stopped: its history was in memory only, and Express executions run at least once.
func (l *Executions) rerunExpress(ctx context.Context, e resource.Execution) error {
	m, def, err := l.definitionOf(ctx, e)
	if err != nil {
		return err
	}
	return l.engine.Start(l.cfg.RunContext, childInput(runtime.StartInputOf(e, m, def), e))
}

// Park keeps an execution the engine let go while it sleeps, until wakeAt. It implements
// runtime.Parker. It takes no lock: nothing wakes the execution before it is parked (the
// waker hears of it here, and a decision or a stop waits for its run to end, which is after).
func (l *Executions) Park(ctx context.Context, executionARN string, wakeAt time.Time) error {
	e, err := l.cfg.Store.FindExecutionByARN(ctx, executionARN)
	if err != nil {
		return err
	}
	if err := l.cfg.Store.ParkExecution(ctx, e.ID, wakeAt); err != nil {
		return err
	}
	l.waker.add(e.ID, wakeAt)
	return nil
}

// wake resumes a sleeping execution; keep keeps its run in memory (to be stopped).
func (l *Executions) wake(ctx context.Context, e resource.Execution, keep bool) error {
	l.parking.Lock()
	defer l.parking.Unlock()
	latest, err := l.cfg.Store.FindExecution(ctx, e.ID)
	if err != nil {
		return err
	}
	if latest.Status != runtime.StatusRunning || latest.WakeAt.IsZero() {
		return nil // woken meanwhile (a decision, a stop)
	}
	return l.wakeParked(ctx, latest, keep)
}

// wakeParked is wake, under parking.
func (l *Executions) wakeParked(ctx context.Context, e resource.Execution, keep bool) error {
	l.waker.remove(e.ID)
	if err := l.cfg.Store.UnparkExecution(ctx, e.ID); err != nil {
		return err
	}
	return l.resume(ctx, e, keep, true)
}

// resume continues an execution from its stored history, with the callback tasks it waits on
// given their tokens back and the decisions stored for them taken; woken says a wake (under
// parking) resumes it, which notes the decisions it hands over (decideParked).
func (l *Executions) resume(ctx context.Context, e resource.Execution, keep, woken bool) error {
	m, def, err := l.definitionOf(ctx, e)
	if err != nil {
		return fmt.Errorf("its definition no longer parses: %w", err)
	}
	history, err := l.cfg.Store.FindEvents(ctx, e.ID, 0)
	if err != nil {
		return err
	}
	waiting, err := l.cfg.Store.FindWaitingTasksOf(ctx, e.ID)
	if err != nil {
		return err
	}
	giveTokensBack(history, waiting, l.began)
	if e.Paused > 0 {
		// Its frames pause again where they were, each recording its pause anew.
		if err := l.cfg.Store.ResetPaused(ctx, e.ID); err != nil {
			return err
		}
	}
	in := childInput(runtime.StartInputOf(e, m, def), e)
	in.KeepInMemory = keep
	if err := l.engine.Resume(l.cfg.RunContext, in, history); err != nil {
		return err
	}
	for _, t := range waiting {
		if !l.engine.IsWaiting(t.Token) {
			// The resumed execution does not wait on it (its iteration had ended): it can
			// never be decided.
			if err := l.cfg.Store.CancelCallbackTask(ctx, t.ID); err != nil {
				return err
			}
			continue
		}
		// A decision acknowledged before the studio stopped, which the execution had not
		// taken yet, is taken now.
		switch t.Decision {
		case resource.CallbackSucceeded:
			err = l.engine.SendTaskSuccess(t.Token, t.Output)
		case resource.CallbackFailed:
			err = l.engine.SendTaskFailure(t.Token, t.Error, t.Cause)
		}
		if err != nil {
			return fmt.Errorf("task %d's stored decision: %w", t.ID, err)
		}
		if woken && t.Decision != "" {
			if len(l.handedOver) >= 10_000 {
				clear(l.handedOver) // the decisions no request raced for
			}
			l.handedOver[t.ID] = true
		}
	}
	return nil
}

// giveTokensBack puts each waiting task's token on its TaskSubmitted event: the store keeps
// tokens out of the history, and the runtime needs them to wait again. With it goes when the
// task's HeartbeatSeconds count from: its last heartbeat, its submission, or began (the
// studio's start: a worker could not send heartbeats to a studio that was down), the latest.
func giveTokensBack(history []runtime.Event, waiting []resource.CallbackTask, began time.Time) {
	give := func(ev *runtime.Event, t resource.CallbackTask) {
		ev.Details.TaskToken = t.Token
		from := ev.Timestamp
		if t.Worker != "" {
			// An activity task a worker took: its heartbeats count from then.
			ev.Details.WorkerName, from = t.Worker, t.StartedAt
		}
		for _, at := range []time.Time{t.LastHeartbeatAt, began} {
			if at.After(from) {
				from = at
			}
		}
		ev.Details.HeartbeatFrom = from
	}
	for _, t := range waiting {
		if i := t.SubmittedEvent - 1; t.SubmittedEvent > 0 && i < int64(len(history)) && history[i].ID == t.SubmittedEvent {
			give(&history[i], t)
			continue
		}
		// Stored before the event was kept: the state's last submission.
		for i := len(history) - 1; i >= 0; i-- {
			if (history[i].Type == runtime.TaskSubmitted || history[i].Type == runtime.ActivityScheduled) && history[i].State == t.State {
				give(&history[i], t)
				break
			}
		}
	}
}
