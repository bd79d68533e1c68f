package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/store"
)

// resumeExecutions continues every execution that was running when the studio last stopped,
// so a task waiting in the inbox can still be decided after a restart. An execution that
// cannot be resumed is logged and left as it is; it does not keep the studio from starting.
func resumeExecutions(ctx, runCtx context.Context, db *store.DB, engine *runtime.Engine, log *slog.Logger) error {
	running, err := db.FindRunningExecutions(ctx)
	if err != nil {
		return err
	}
	if len(running) == 0 {
		return nil
	}
	waiting, err := db.FindCallbackTasks(ctx, runtime.CallbackWaiting)
	if err != nil {
		return err
	}
	resumed := 0
	for _, e := range running {
		if err := resumeExecution(ctx, runCtx, db, engine, e, waiting); err != nil {
			log.Error("execution not resumed", "execution", e.ARN, "err", err)
			continue
		}
		resumed++
	}
	log.Info("resumed executions", "resumed", resumed, "running", len(running))
	return nil
}

func resumeExecution(ctx, runCtx context.Context, db *store.DB, engine *runtime.Engine, e runtime.ExecutionInfo, waiting []runtime.CallbackTask) error {
	m, err := db.FindMachineVersion(ctx, e.VersionID)
	if err != nil {
		return err
	}
	def, err := runtime.Parse(m.Definition)
	if err != nil {
		return fmt.Errorf("its definition no longer parses: %w", err)
	}
	history, err := db.FindEvents(ctx, e.ID, 0)
	if err != nil {
		return err
	}
	// The store keeps task tokens out of the history; the runtime needs each waiting one back
	// on its TaskSubmitted event to wait on it again.
	for _, t := range waiting {
		if t.ExecutionID != e.ID {
			continue
		}
		if i := t.SubmittedEvent - 1; t.SubmittedEvent > 0 && i < int64(len(history)) && history[i].ID == t.SubmittedEvent {
			history[i].Details.TaskToken = t.Token
			continue
		}
		// Stored before the event was kept: the state's last submission.
		for i := len(history) - 1; i >= 0; i-- {
			if history[i].Type == runtime.TaskSubmitted && history[i].State == t.State {
				history[i].Details.TaskToken = t.Token
				break
			}
		}
	}
	err = engine.Resume(runCtx, runtime.StartInputOf(e, m, def), history)
	if err != nil {
		return err
	}
	for _, t := range waiting {
		if t.ExecutionID != e.ID {
			continue
		}
		if !engine.IsWaiting(t.Token) {
			// The resumed execution does not wait on it (its iteration had ended): it can
			// never be decided.
			if err := db.CancelCallbackTask(ctx, t.ID); err != nil {
				return err
			}
			continue
		}
		// A decision acknowledged before the studio stopped, which the execution had not
		// taken yet, is taken now.
		switch t.Decision {
		case runtime.CallbackSucceeded:
			err = engine.SendTaskSuccess(t.Token, t.Output)
		case runtime.CallbackFailed:
			err = engine.SendTaskFailure(t.Token, t.Error, t.Cause)
		}
		if err != nil {
			return fmt.Errorf("task %d's stored decision: %w", t.ID, err)
		}
	}
	return nil
}
