package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/stepstudio/stepstudio/runtime"
)

// CreateExecution stores a new RUNNING execution. e.ARN, e.Name, e.StateMachineID,
// e.VersionID, e.Input and e.StartedAt are used. ErrExists when the ARN is taken.
func (db *DB) CreateExecution(ctx context.Context, e runtime.ExecutionInfo) (runtime.ExecutionInfo, error) {
	res, err := db.sql.ExecContext(ctx, `
		INSERT INTO executions (arn, name, machine_id, version_id, status, input, started_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		e.ARN, e.Name, e.StateMachineID, e.VersionID, runtime.StatusRunning, string(e.Input), millis(e.StartedAt))
	if isUniqueViolation(err) {
		err = ErrExists
	}
	if err != nil {
		return runtime.ExecutionInfo{}, fmt.Errorf("store: create execution %q: %w", e.Name, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return runtime.ExecutionInfo{}, fmt.Errorf("store: create execution %q: %w", e.Name, err)
	}
	return db.FindExecution(ctx, id)
}

const executionColumns = `e.id, e.arn, e.name, e.machine_id, m.name, m.arn, e.version_id, e.status,
	e.input, e.output, e.error, e.cause, e.started_at, e.stopped_at`

func scanExecution(row scanner) (runtime.ExecutionInfo, error) {
	var e runtime.ExecutionInfo
	var input string
	var output sql.NullString
	var started int64
	var stopped sql.NullInt64
	err := row.Scan(&e.ID, &e.ARN, &e.Name, &e.StateMachineID, &e.StateMachineName, &e.StateMachineARN,
		&e.VersionID, &e.Status, &input, &output, &e.Error, &e.Cause, &started, &stopped)
	e.Input = []byte(input)
	if output.Valid {
		e.Output = []byte(output.String)
	}
	e.StartedAt, e.StoppedAt = fromMillis(started), fromNullMillis(stopped)
	return e, err
}

// FindExecution returns the execution with the given id.
func (db *DB) FindExecution(ctx context.Context, id int64) (runtime.ExecutionInfo, error) {
	e, err := scanExecution(db.sql.QueryRowContext(ctx, `
		SELECT `+executionColumns+`
		FROM executions e JOIN state_machines m ON m.id = e.machine_id
		WHERE e.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return runtime.ExecutionInfo{}, fmt.Errorf("store: find execution %d: %w", id, err)
	}
	return e, nil
}

// FindExecutions returns executions newest first, those of one machine when machineID is not
// 0, at most limit of them (100 when limit is 0).
func (db *DB) FindExecutions(ctx context.Context, machineID int64, limit int) ([]runtime.ExecutionInfo, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := db.sql.QueryContext(ctx, `
		SELECT `+executionColumns+`
		FROM executions e JOIN state_machines m ON m.id = e.machine_id
		WHERE (? = 0 OR e.machine_id = ?)
		ORDER BY e.id DESC LIMIT ?`, machineID, machineID, limit)
	return collect(rows, err, "find executions", scanExecution)
}

// FindRunningExecutions returns every execution still RUNNING, oldest first: after a
// restart, these are the executions to resume.
func (db *DB) FindRunningExecutions(ctx context.Context) ([]runtime.ExecutionInfo, error) {
	rows, err := db.sql.QueryContext(ctx, `
		SELECT `+executionColumns+`
		FROM executions e JOIN state_machines m ON m.id = e.machine_id
		WHERE e.status = ? ORDER BY e.id`, runtime.StatusRunning)
	return collect(rows, err, "find running executions", scanExecution)
}
