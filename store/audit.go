package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

// ClaimCallbackTask makes user the holder of a waiting task nobody holds, and audits it in
// the same transaction. Of two claims at once exactly one wins; the other gets
// resource.ErrTaskChanged.
func (db *DB) ClaimCallbackTask(ctx context.Context, id int64, user string, at time.Time) error {
	return db.changeTask(ctx, id, "claim", resource.AuditEvent{User: user, Action: resource.AuditClaimed, At: at}, `
		UPDATE callback_tasks SET claimed_by = ?, claimed_at = ?
		WHERE id = ? AND status = ? AND claimed_by = ''`,
		user, millis(at), id, resource.CallbackWaiting)
}

// ReleaseCallbackTask gives up holder's claim on a waiting task; user is who releases it (the
// holder or an admin, whose release names the holder in the audit row's cause).
func (db *DB) ReleaseCallbackTask(ctx context.Context, id int64, holder, user string, at time.Time) error {
	ev := resource.AuditEvent{User: user, Action: resource.AuditReleased, At: at}
	if holder != user {
		ev.Cause = "held by " + holder
	}
	return db.changeTask(ctx, id, "release", ev, `
		UPDATE callback_tasks SET claimed_by = '', claimed_at = NULL
		WHERE id = ? AND status = ? AND claimed_by = ?`,
		id, resource.CallbackWaiting, holder)
}

// RecordHeartbeat notes that user sent a heartbeat for a waiting task, which restarts its
// HeartbeatSeconds.
func (db *DB) RecordHeartbeat(ctx context.Context, id int64, user string, at time.Time) error {
	return db.changeTask(ctx, id, "heartbeat", resource.AuditEvent{User: user, Action: resource.AuditHeartbeat, At: at}, `
		UPDATE callback_tasks SET last_heartbeat_at = ? WHERE id = ? AND status = ?`,
		millis(at), id, resource.CallbackWaiting)
}

// DecideCallbackTask stores a decision on a waiting task, an approval (ev.Output) or a
// rejection (ev.Error, ev.Cause), with its audit row, in one transaction: the decision is
// stored before it is acknowledged or handed to the execution, so a crash between the two
// loses nothing (a restart hands it over, see CallbackTask.Decision). A task already decided,
// or no longer waiting, is left as it is: the error then says so (resource.ErrTaskChanged).
func (db *DB) DecideCallbackTask(ctx context.Context, id int64, ev resource.AuditEvent) error {
	decision, output := resource.CallbackSucceeded, sql.NullString{String: string(ev.Output), Valid: ev.Action == resource.AuditApproved}
	if ev.Action != resource.AuditApproved {
		decision = resource.CallbackFailed
	}
	return db.changeTask(ctx, id, "decide", ev, `
		UPDATE callback_tasks SET decision = ?, output = ?, error = ?, cause = ?, decided_by = ?
		WHERE id = ? AND status = ? AND decision = ''`,
		decision, output, ev.Error, ev.Cause, ev.User, id, resource.CallbackWaiting)
}

// UndoDecision takes back a decision the execution refused, because the task ended between
// the two (it timed out, its execution stopped): the task no longer says it was decided, and
// the audit row of the decision goes, since nothing was decided.
func (db *DB) UndoDecision(ctx context.Context, id int64, ev resource.AuditEvent) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `
			UPDATE callback_tasks SET decision = '', output = NULL, error = '', cause = '', decided_by = ''
			WHERE id = ? AND status = ? AND decision != ''`, id, resource.CallbackWaiting); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `
			DELETE FROM audit_events WHERE id = (
				SELECT max(id) FROM audit_events WHERE task_id = ? AND action = ? AND user_name = ?)`,
			id, ev.Action, ev.User)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: undo decision of task %d: %w", id, err)
	}
	return nil
}

// changeTask runs one conditional update of a task and, when it changed the row, adds the
// audit row in the same transaction.
func (db *DB) changeTask(ctx context.Context, id int64, what string, ev resource.AuditEvent, update string, args ...any) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, update, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, taskMissingOrChanged(ctx, tx, id))
		}
		return insertAudit(ctx, tx, id, ev)
	})
	if err != nil {
		return fmt.Errorf("store: %s task %d: %w", what, id, err)
	}
	return nil
}

func taskMissingOrChanged(ctx context.Context, tx *sql.Tx, id int64) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM callback_tasks WHERE id = ?`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return resource.ErrTaskChanged
}

// insertAudit adds an audit row for the task, copying the names it shows from the task.
func insertAudit(ctx context.Context, tx *sql.Tx, taskID int64, ev resource.AuditEvent) error {
	var output sql.NullString
	if ev.Output != nil {
		output = sql.NullString{String: string(ev.Output), Valid: true}
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO audit_events (at, user_name, action, task_id, execution_id, execution_name, state, output, error, cause)
		SELECT ?, ?, ?, t.id, t.execution_id, e.name, t.state, ?, ?, ?
		FROM callback_tasks t JOIN executions e ON e.id = t.execution_id WHERE t.id = ?`,
		millis(ev.At), ev.User, ev.Action, output, ev.Error, ev.Cause, taskID)
	return err
}

// RecordLoginRefused adds the audit row of a refused login: ev carries the action, the name
// tried (User), the client's Address, the time and, for a throttled one, the wait in Cause.
// The row names no task.
func (db *DB) RecordLoginRefused(ctx context.Context, ev resource.AuditEvent) error {
	_, err := db.sql.ExecContext(ctx, `
		INSERT INTO audit_events (at, user_name, action, task_id, execution_id, execution_name, state, cause, client_address)
		VALUES (?, ?, ?, 0, 0, '', '', ?, ?)`,
		millis(ev.At), ev.User, ev.Action, ev.Cause, ev.Address)
	if err != nil {
		return fmt.Errorf("store: record %s of %q: %w", ev.Action, ev.User, err)
	}
	return nil
}

// auditTimeout audits the tasks of a state that time out, in the transaction that records
// their TaskTimedOut; it runs before they stop waiting, so it finds them.
func auditTimeout(ctx context.Context, tx *sql.Tx, task taskMatch, at int64, errName, cause string) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO audit_events (at, user_name, action, task_id, execution_id, execution_name, state, error, cause)
		SELECT ?, '', ?, t.id, t.execution_id, e.name, t.state, ?, ?
		FROM callback_tasks t JOIN executions e ON e.id = t.execution_id
		WHERE `+task.where, append([]any{at, resource.AuditTimedOut, errName, cause}, task.args...)...)
	return err
}

// FindAuditEvents returns the audit rows that match the filter, newest first.
func (db *DB) FindAuditEvents(ctx context.Context, f resource.AuditFilter) ([]resource.AuditEvent, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if f.User != "" {
		add("user_name = ?", f.User)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.TaskID != 0 {
		add("task_id = ?", f.TaskID)
	}
	if f.ExecutionID != 0 {
		add("execution_id = ?", f.ExecutionID)
	}
	if f.Before != 0 {
		add("id < ?", f.Before)
	}
	q := `SELECT id, at, user_name, action, task_id, execution_id, execution_name, state, output, error, cause,
		client_address FROM audit_events`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := db.sql.QueryContext(ctx, q, args...)
	return collect(rows, err, "find audit events", scanAudit)
}

func scanAudit(row scanner) (resource.AuditEvent, error) {
	var ev resource.AuditEvent
	var at int64
	var output sql.NullString
	err := row.Scan(&ev.ID, &at, &ev.User, &ev.Action, &ev.TaskID, &ev.ExecutionID, &ev.ExecutionName,
		&ev.State, &output, &ev.Error, &ev.Cause, &ev.Address)
	ev.At = fromMillis(at)
	if output.Valid {
		ev.Output = []byte(output.String)
	}
	return ev, err
}
