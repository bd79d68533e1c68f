package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
)

// Record stores one history event of the execution with the given ARN and, in the same
// transaction, what the event changes: the execution's status and result when it ends, and
// the callback task a .waitForTaskToken Task waits on. It implements runtime.Recorder.
func (db *DB) Record(ctx context.Context, executionARN string, ev runtime.Event) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var execID int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM executions WHERE arn = ?`, executionARN).Scan(&execID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		return insertEvent(ctx, tx, execID, ev)
	})
	if err != nil {
		return fmt.Errorf("store: record %s of %s: %w", ev.Type, executionARN, err)
	}
	return nil
}

// insertEvent stores one event of an execution and what it changes (applyEvent).
func insertEvent(ctx context.Context, tx *sql.Tx, execID int64, ev runtime.Event) error {
	se, err := encodeEvent(ev)
	if err != nil {
		return err
	}
	return insertStored(ctx, tx, execID, se)
}

// insertStored stores an event in its stored form. The statements are prepared once per
// connection (the DSN's statement cache), so it needs no prepared statement of its own.
func insertStored(ctx context.Context, tx *sql.Tx, execID int64, se storedEvent) error {
	var err error
	if se.delta.base != 0 {
		_, err = tx.ExecContext(ctx, insertDeltaSQL, appendEventArgs(make([]any, 0, 12), execID, se)...)
	} else {
		_, err = tx.ExecContext(ctx, insertEventSQL, appendEventArgs(make([]any, 0, 12), execID, se)...)
	}
	if err != nil {
		return err
	}
	return applyEvent(ctx, tx, execID, se.ev, se.noTasks)
}

// applyEvent keeps the executions and callback_tasks rows in step with the history. noTasks
// says the execution is known to have no callback task, so there is none to decide or cancel.
func applyEvent(ctx context.Context, tx *sql.Tx, execID int64, ev runtime.Event, noTasks bool) error {
	d := ev.Details
	at := millis(ev.Timestamp)
	var err error
	switch ev.Type {
	case runtime.TaskSucceeded, runtime.TaskFailed, runtime.TaskTimedOut,
		runtime.ActivitySucceeded, runtime.ActivityFailed, runtime.ActivityTimedOut:
		if noTasks {
			return nil
		}
	}
	switch ev.Type {
	case runtime.ActivityScheduled:
		// An activity task waits for a worker as a callback task does for its callback.
		_, err = tx.ExecContext(ctx, `
			INSERT INTO callback_tasks (token, execution_id, state, resource, parameters, status, created_at,
				timeout_seconds, heartbeat_seconds, submitted_event)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.TaskToken, execID, ev.State, d.Resource, d.Input, resource.CallbackWaiting, at,
			d.TimeoutInSeconds, d.HeartbeatInSeconds, ev.ID)
	case runtime.TaskSubmitted:
		if d.TaskToken == "" {
			return nil
		}
		// The parameters the task was given are on its TaskScheduled event: the one before
		// the TaskStarted this event follows (the iterations of a Map schedule tasks of the
		// same state at once), else the state's latest.
		var scheduled string
		err = tx.QueryRowContext(ctx, `
			SELECT details FROM events WHERE execution_id = ? AND type = ? AND state = ? AND id < ?
			ORDER BY id = (SELECT previous_id FROM events WHERE execution_id = ? AND id = ?) DESC, id DESC
			LIMIT 1`,
			execID, runtime.TaskScheduled, ev.State, ev.ID, execID, ev.PreviousEventID).Scan(&scheduled)
		if err != nil {
			return fmt.Errorf("find TaskScheduled of %q: %w", ev.State, err)
		}
		var s runtime.EventDetails
		if err := json.Unmarshal([]byte(scheduled), &s); err != nil {
			return err
		}
		params := s.Parameters
		if params == "" {
			params = "{}"
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO callback_tasks (token, execution_id, state, resource, parameters, status, created_at,
				timeout_seconds, heartbeat_seconds, submitted_event)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.TaskToken, execID, ev.State, d.ResourceType+":"+d.Resource, params, resource.CallbackWaiting, at,
			s.TimeoutInSeconds, s.HeartbeatInSeconds, ev.ID)
	case runtime.TaskSucceeded, runtime.ActivitySucceeded:
		err = decideTask(ctx, tx, taskOf(execID, ev), resource.CallbackSucceeded, at, sql.NullString{String: d.Output, Valid: true}, "", "")
	case runtime.TaskFailed, runtime.ActivityFailed:
		err = decideTask(ctx, tx, taskOf(execID, ev), resource.CallbackFailed, at, sql.NullString{}, d.Error, d.Cause)
	case runtime.TaskTimedOut, runtime.ActivityTimedOut:
		if err = auditTimeout(ctx, tx, taskOf(execID, ev), at, d.Error, d.Cause); err != nil {
			return err
		}
		err = decideTask(ctx, tx, taskOf(execID, ev), resource.CallbackTimedOut, at, sql.NullString{}, d.Error, d.Cause)
	case runtime.ExecutionSucceeded:
		err = endExecution(ctx, tx, execID, noTasks, runtime.StatusSucceeded, at, sql.NullString{String: d.Output, Valid: true}, "", "")
	case runtime.ExecutionFailed:
		err = endExecution(ctx, tx, execID, noTasks, runtime.StatusFailed, at, sql.NullString{}, d.Error, d.Cause)
	case runtime.ExecutionTimedOut:
		err = endExecution(ctx, tx, execID, noTasks, runtime.StatusTimedOut, at, sql.NullString{}, d.Error, d.Cause)
	case runtime.ExecutionAborted:
		err = endExecution(ctx, tx, execID, noTasks, runtime.StatusAborted, at, sql.NullString{}, d.Error, d.Cause)
	case runtime.ExecutionRedriven:
		err = redriveExecution(ctx, tx, execID, d.RedriveCount, at)
	case runtime.StudioDebugPaused:
		_, err = tx.ExecContext(ctx, `UPDATE executions SET paused = paused + 1 WHERE id = ?`, execID)
	case runtime.StudioDebugResumed:
		_, err = tx.ExecContext(ctx, `UPDATE executions SET paused = max(paused - 1, 0) WHERE id = ?`, execID)
	}
	return err
}

// taskMatch picks out the waiting callback task a task event ends, in a WHERE clause over
// callback_tasks t: by the token the runtime hands the store with the event, or, for an
// event without one (a plain Task's), by the execution and the state.
type taskMatch struct {
	where string
	args  []any
}

func taskOf(execID int64, ev runtime.Event) taskMatch {
	if tok := ev.Details.TaskToken; tok != "" {
		return taskMatch{"t.token = ? AND t.status = ?", []any{tok, resource.CallbackWaiting}}
	}
	return taskMatch{"t.execution_id = ? AND t.state = ? AND t.status = ?", []any{execID, ev.State, resource.CallbackWaiting}}
}

func decideTask(ctx context.Context, tx *sql.Tx, task taskMatch, status resource.CallbackStatus,
	at int64, output sql.NullString, errName, cause string) error {
	_, err := tx.ExecContext(ctx, `
		UPDATE callback_tasks AS t SET status = ?, decided_at = ?, output = ?, error = ?, cause = ?
		WHERE `+task.where, append([]any{status, at, output, errName, cause}, task.args...)...)
	return err
}

func endExecution(ctx context.Context, tx *sql.Tx, execID int64, noTasks bool, status runtime.Status,
	at int64, output sql.NullString, errName, cause string) error {
	if _, err := tx.ExecContext(ctx, `
		UPDATE executions SET status = ?, stopped_at = ?, output = ?, error = ?, cause = ?, paused = 0 WHERE id = ?`,
		status, at, output, errName, cause, execID); err != nil {
		return err
	}
	if noTasks {
		return nil
	}
	// A task still waiting when its execution ends can no longer be decided.
	_, err := tx.ExecContext(ctx, `
		UPDATE callback_tasks SET status = ?, decided_at = ? WHERE execution_id = ? AND status = ?`,
		resource.CallbackCancelled, at, execID, resource.CallbackWaiting)
	return err
}

// redriveExecution makes a redriven execution RUNNING again: the end it had is no longer
// its result.
func redriveExecution(ctx context.Context, tx *sql.Tx, execID int64, count int, at int64) error {
	_, err := tx.ExecContext(ctx, `
		UPDATE executions SET status = ?, stopped_at = NULL, output = NULL, error = '', cause = '',
			redrive_count = ?, redrive_date = ?
		WHERE id = ?`,
		runtime.StatusRunning, count, at, execID)
	return err
}

// FindEvents returns the history of an execution after the event id afterID (0 for all), in order.
func (db *DB) FindEvents(ctx context.Context, executionID, afterID int64) ([]runtime.Event, error) {
	var out []runtime.Event
	err := db.EachEvent(ctx, executionID, afterID, func(ev runtime.Event) error {
		out = append(out, ev)
		return nil
	})
	return out, err
}

// EachEvent hands the history of an execution after the event id afterID to fn, in order, one
// event at a time, so that a long history is never held whole. It stops at fn's first error,
// or when ctx ends (the client went away), and returns that error.
func (db *DB) EachEvent(ctx context.Context, executionID, afterID int64, fn func(runtime.Event) error) error {
	if h := db.express.Load(); h != nil {
		if events, ok := h.events(executionID, afterID); ok {
			for _, ev := range events {
				if err := fn(ev); err != nil {
					return err
				}
			}
			return ctx.Err()
		}
	}
	rows, err := db.sql.QueryContext(ctx, `
		SELECT `+eventColumns+`
		FROM events WHERE execution_id = ? AND id > ? ORDER BY id`, executionID, afterID)
	if err != nil {
		return fmt.Errorf("store: find events of %d: %w", executionID, err)
	}
	defer rows.Close()
	h := newHistoryReader(db.sql, executionID)
	for rows.Next() {
		ev, err := h.scan(ctx, rows)
		if err != nil {
			return err
		}
		if err := fn(ev); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: find events of %d: %w", executionID, err)
	}
	// Rows end quietly when ctx is cancelled mid-way: say so, or the caller takes what it
	// got for the whole history.
	return ctx.Err()
}

// LastEventID returns the id of an execution's last event; ids run from 1 without gaps.
func (db *DB) LastEventID(ctx context.Context, executionID int64) (int64, error) {
	if h := db.express.Load(); h != nil {
		if events, ok := h.events(executionID, 0); ok {
			if len(events) == 0 {
				return 0, nil
			}
			return events[len(events)-1].ID, nil
		}
	}
	var id int64
	if err := db.sql.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM events WHERE execution_id = ?`, executionID).Scan(&id); err != nil {
		return 0, fmt.Errorf("store: find the last event of %d: %w", executionID, err)
	}
	return id, nil
}

// FindEventsByID returns the events of an execution with the given ids, in id order; ids
// that do not exist are left out.
func (db *DB) FindEventsByID(ctx context.Context, executionID int64, ids []int64) ([]runtime.Event, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if h := db.express.Load(); h != nil {
		if events, ok := h.events(executionID, 0); ok {
			return slices.DeleteFunc(events, func(ev runtime.Event) bool { return !slices.Contains(ids, ev.ID) }), nil
		}
	}
	args := make([]any, 0, len(ids)+1)
	args = append(args, executionID)
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := db.sql.QueryContext(ctx, `
		SELECT `+eventColumns+`
		FROM events WHERE execution_id = ? AND id IN (?`+strings.Repeat(", ?", len(ids)-1)+`) ORDER BY id`, args...)
	h := newHistoryReader(db.sql, executionID)
	return collect(rows, err, fmt.Sprintf("find events of %d", executionID), func(r scanner) (runtime.Event, error) {
		return h.scan(ctx, r)
	})
}
