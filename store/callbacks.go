package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

const callbackColumns = `t.id, t.token, t.execution_id, e.name, e.arn, m.name, t.state, t.resource,
	t.parameters, t.status, t.created_at, t.decided_at, t.output, t.error, t.cause,
	t.timeout_seconds, t.heartbeat_seconds, t.last_heartbeat_at, t.claimed_by, t.claimed_at, t.decided_by,
	t.submitted_event, t.decision, t.worker, t.started_at`

const callbackJoins = `callback_tasks t
	JOIN executions e ON e.id = t.execution_id
	JOIN state_machines m ON m.id = e.machine_id`

func scanCallback(row scanner) (resource.CallbackTask, error) {
	var t resource.CallbackTask
	var params string
	var output sql.NullString
	var created int64
	var decided, heartbeat, claimed, started sql.NullInt64
	err := row.Scan(&t.ID, &t.Token, &t.ExecutionID, &t.ExecutionName, &t.ExecutionARN, &t.StateMachineName,
		&t.State, &t.Resource, &params, &t.Status, &created, &decided, &output, &t.Error, &t.Cause,
		&t.TimeoutSeconds, &t.HeartbeatSeconds, &heartbeat, &t.ClaimedBy, &claimed, &t.DecidedBy, &t.SubmittedEvent, &t.Decision,
		&t.Worker, &started)
	t.Parameters = []byte(params)
	if output.Valid {
		t.Output = []byte(output.String)
	}
	t.CreatedAt, t.DecidedAt = fromMillis(created), fromNullMillis(decided)
	t.LastHeartbeatAt, t.ClaimedAt = fromNullMillis(heartbeat), fromNullMillis(claimed)
	t.StartedAt = fromNullMillis(started)
	return t, err
}

// FindCallbackTask returns the callback task with the given id.
func (db *DB) FindCallbackTask(ctx context.Context, id int64) (resource.CallbackTask, error) {
	t, err := scanCallback(db.sql.QueryRowContext(ctx,
		`SELECT `+callbackColumns+` FROM `+callbackJoins+` WHERE t.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return resource.CallbackTask{}, fmt.Errorf("store: find callback task %d: %w", id, err)
	}
	return t, nil
}

// FindCallbackTaskByToken returns the callback task with the given task token.
func (db *DB) FindCallbackTaskByToken(ctx context.Context, token string) (resource.CallbackTask, error) {
	t, err := scanCallback(db.sql.QueryRowContext(ctx,
		`SELECT `+callbackColumns+` FROM `+callbackJoins+` WHERE t.token = ?`, token))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return resource.CallbackTask{}, fmt.Errorf("store: find callback task by token: %w", err)
	}
	return t, nil
}

// notActivity leaves activity tasks out (on callback_tasks t): they are the workers', who
// take them with GetActivityTask, not the inbox's. Their resource is the activity's ARN; a
// .waitForTaskToken task's is its resource type and name ("sqs:sendMessage.waitForTaskToken").
const notActivity = `t.resource NOT LIKE 'arn:%'`

// FindCallbackTasks returns the .waitForTaskToken tasks with the given status ("" for all),
// oldest first, so the longest waiting is on top: the inbox's (activity tasks are left out).
func (db *DB) FindCallbackTasks(ctx context.Context, status resource.CallbackStatus) ([]resource.CallbackTask, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+callbackColumns+` FROM `+callbackJoins+`
		WHERE (? = '' OR t.status = ?) AND `+notActivity+` ORDER BY t.id`, status, status)
	return collect(rows, err, "find callback tasks", scanCallback)
}

// FindWaitingTasksOf returns the callback tasks of one execution that still wait, oldest
// first (by the callback_tasks(execution_id, status) index).
func (db *DB) FindWaitingTasksOf(ctx context.Context, executionID int64) ([]resource.CallbackTask, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+callbackColumns+` FROM `+callbackJoins+`
		WHERE t.execution_id = ? AND t.status = ? ORDER BY t.id`, executionID, resource.CallbackWaiting)
	return collect(rows, err, "find waiting tasks", scanCallback)
}

// FindCallbackTaskSubmitted returns the callback task of an execution whose TaskSubmitted
// event is eventID: the task one visit of a Task state submitted, whose token its $$ had.
func (db *DB) FindCallbackTaskSubmitted(ctx context.Context, executionID, eventID int64) (resource.CallbackTask, error) {
	t, err := scanCallback(db.sql.QueryRowContext(ctx, `SELECT `+callbackColumns+` FROM `+callbackJoins+`
		WHERE t.execution_id = ? AND t.submitted_event = ? ORDER BY t.id DESC LIMIT 1`, executionID, eventID))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return resource.CallbackTask{}, fmt.Errorf("store: find callback task of event %d of execution %d: %w", eventID, executionID, err)
	}
	return t, nil
}

// FindExecutionTokens returns the task tokens of an execution's callback tasks, so pages can
// mask them wherever the history shows them.
func (db *DB) FindExecutionTokens(ctx context.Context, executionID int64) ([]string, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT token FROM callback_tasks WHERE execution_id = ? ORDER BY id`, executionID)
	return collect(rows, err, "find execution tokens", func(r scanner) (string, error) {
		var tok string
		return tok, r.Scan(&tok)
	})
}

// CancelCallbackTask marks a waiting callback task as one that can no longer be decided,
// leaving a task already decided as it is.
func (db *DB) CancelCallbackTask(ctx context.Context, id int64) error {
	_, err := db.sql.ExecContext(ctx, `UPDATE callback_tasks SET status = ?, decided_at = ? WHERE id = ? AND status = ?`,
		resource.CallbackCancelled, millis(time.Now()), id, resource.CallbackWaiting)
	if err != nil {
		return fmt.Errorf("store: cancel callback task %d: %w", id, err)
	}
	return nil
}
