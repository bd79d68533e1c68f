package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
)

// CreateExecution stores a new RUNNING execution and, in the same transaction, the events
// given (its ExecutionStarted): a start is stored whole or not at all. e.ARN, e.Name,
// e.StateMachineID, e.VersionID, e.Input and e.StartedAt are used; it returns e with its id
// and status. ErrExists when the ARN is taken.
func (db *DB) CreateExecution(ctx context.Context, e resource.Execution, events ...runtime.Event) (resource.Execution, error) {
	var id int64
	// Encoded here, not in the writer's goroutine, which every start goes through.
	stored := make([]storedEvent, len(events))
	for i, ev := range events {
		var err error
		if stored[i], err = encodeEvent(ev); err != nil {
			return resource.Execution{}, fmt.Errorf("store: create execution %q: %w", e.Name, err)
		}
	}
	// Its statements do not stop halfway when the caller goes away (see errStartHalfDone).
	jobCtx := context.WithoutCancel(ctx)
	create := func(tx *sql.Tx) error {
		res, err := tx.ExecContext(jobCtx, `
			INSERT INTO executions (arn, name, machine_id, version_id, status, input, started_at, version_arn, alias_arn,
				map_run_arn, map_state, parent_arn, test_case, start_at, debug)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			e.ARN, e.Name, e.StateMachineID, e.VersionID, runtime.StatusRunning, string(e.Input), millis(e.StartedAt),
			e.VersionARN, e.AliasARN, e.MapRunARN, e.MapState, e.ParentARN, e.TestCase, e.StartAt, string(e.Debug))
		if isUniqueViolation(err) {
			return ErrExists
		}
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return errStartHalfDone{err}
		}
		for _, se := range stored {
			if err := insertStored(jobCtx, tx, id, se); err != nil {
				return errStartHalfDone{err}
			}
		}
		return nil
	}
	var err error
	if w := db.writer.Load(); w != nil {
		err = w.create(ctx, e.ARN, &id, create)
	} else {
		err = db.inTx(ctx, create)
	}
	if err != nil {
		return resource.Execution{}, fmt.Errorf("store: create execution %q: %w", e.Name, err)
	}
	// As stored, without reading it back: starts are on the hot path.
	e.ID, e.Status = id, runtime.StatusRunning
	e.StartedAt = fromMillis(millis(e.StartedAt))
	return e, nil
}

const executionColumns = `e.id, e.arn, e.name, e.machine_id, m.name, m.arn, e.version_id, e.status,
	e.input, e.output, e.error, e.cause, e.started_at, e.stopped_at, e.redrive_count, e.redrive_date, e.wake_at,
	e.version_arn, e.alias_arn, e.map_run_arn, e.map_state, e.parent_arn, e.test_case, e.start_at, e.debug, e.paused`

func scanExecution(row scanner) (resource.Execution, error) {
	var e resource.Execution
	var input string
	var output sql.NullString
	var started int64
	var stopped, redriven, wake sql.NullInt64
	var debug string
	err := row.Scan(&e.ID, &e.ARN, &e.Name, &e.StateMachineID, &e.StateMachineName, &e.StateMachineARN,
		&e.VersionID, &e.Status, &input, &output, &e.Error, &e.Cause, &started, &stopped,
		&e.RedriveCount, &redriven, &wake, &e.VersionARN, &e.AliasARN,
		&e.MapRunARN, &e.MapState, &e.ParentARN, &e.TestCase, &e.StartAt, &debug, &e.Paused)
	e.Input = []byte(input)
	if debug != "" {
		e.Debug = json.RawMessage(debug)
	}
	if output.Valid {
		e.Output = []byte(output.String)
	}
	e.StartedAt, e.StoppedAt = fromMillis(started), fromNullMillis(stopped)
	e.RedriveDate, e.WakeAt = fromNullMillis(redriven), fromNullMillis(wake)
	return e, err
}

// FindExecution returns the execution with the given id.
func (db *DB) FindExecution(ctx context.Context, id int64) (resource.Execution, error) {
	e, err := scanExecution(db.sql.QueryRowContext(ctx, `
		SELECT `+executionColumns+`
		FROM executions e JOIN state_machines m ON m.id = e.machine_id
		WHERE e.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return resource.Execution{}, fmt.Errorf("store: find execution %d: %w", id, err)
	}
	return e, nil
}

// FindExecutions returns executions newest first, those of one machine when machineID is not
// 0, at most limit of them (100 when limit is 0).
func (db *DB) FindExecutions(ctx context.Context, machineID int64, limit int) ([]resource.Execution, error) {
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
func (db *DB) FindRunningExecutions(ctx context.Context) ([]resource.Execution, error) {
	rows, err := db.sql.QueryContext(ctx, `
		SELECT `+executionColumns+`
		FROM executions e JOIN state_machines m ON m.id = e.machine_id
		WHERE e.status = ? ORDER BY e.id`, runtime.StatusRunning)
	return collect(rows, err, "find running executions", scanExecution)
}

// FindChildExecutions returns the executions that parentARN's states:startExecution tasks
// started, oldest first, at most 1,000.
func (db *DB) FindChildExecutions(ctx context.Context, parentARN string) ([]resource.Execution, error) {
	rows, err := db.sql.QueryContext(ctx, `
		SELECT `+executionColumns+`
		FROM executions e JOIN state_machines m ON m.id = e.machine_id
		WHERE e.parent_arn = ? ORDER BY e.id LIMIT 1000`, parentARN)
	return collect(rows, err, "find child executions", scanExecution)
}

// FindExecutionByARN returns the execution with the given ARN.
func (db *DB) FindExecutionByARN(ctx context.Context, arn string) (resource.Execution, error) {
	e, err := scanExecution(db.sql.QueryRowContext(ctx, `
		SELECT `+executionColumns+`
		FROM executions e JOIN state_machines m ON m.id = e.machine_id
		WHERE e.arn = ?`, arn))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return resource.Execution{}, fmt.Errorf("store: find execution %q: %w", arn, err)
	}
	return e, nil
}

// defaultPageSize is the number of executions a list page shows when the filter says none.
const defaultPageSize = 25

// FindExecutionPage returns one page of the executions that match f, newest first, with
// whether newer and older ones exist and how many match in all.
func (db *DB) FindExecutionPage(ctx context.Context, f resource.ExecutionFilter) (resource.ExecutionPage, error) {
	if f.Limit <= 0 {
		f.Limit = defaultPageSize
	}
	where, args := executionWhere(f)
	var page resource.ExecutionPage
	var err error
	if page.Executions, err = db.findPageRows(ctx, f, where, args); err != nil {
		return page, err
	}
	if err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM executions e WHERE `+where, args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("store: count executions: %w", err)
	}
	page.HasNewer, page.HasOlder, err = db.pageNeighbours(ctx, f, page.Executions, where, args)
	return page, err
}

// pageNeighbours says whether executions matching the filter come before and after a page.
// An empty page past a cursor has its neighbours on the cursor's other side.
func (db *DB) pageNeighbours(ctx context.Context, f resource.ExecutionFilter, list []resource.Execution, where string, args []any) (newer, older bool, err error) {
	exists := func(cond string, id int64) bool {
		if err != nil {
			return false
		}
		var found bool
		found, err = db.anyExecution(ctx, where+cond, append(slices.Clip(args), id))
		return found
	}
	switch {
	case len(list) > 0:
		newer = exists(` AND e.id > ?`, list[0].ID)
		older = exists(` AND e.id < ?`, list[len(list)-1].ID)
	case f.Before > 0:
		newer = exists(` AND e.id >= ?`, f.Before)
	case f.After > 0:
		older = exists(` AND e.id <= ?`, f.After)
	}
	return newer, older, err
}

// findPageRows reads the page itself. A page after a cursor is read upwards from it, then
// turned round, so that it holds the executions just newer than the cursor.
func (db *DB) findPageRows(ctx context.Context, f resource.ExecutionFilter, where string, args []any) ([]resource.Execution, error) {
	order := "DESC"
	switch {
	case f.Before > 0:
		where, args = where+` AND e.id < ?`, append(args, f.Before)
	case f.After > 0:
		where, args, order = where+` AND e.id > ?`, append(args, f.After), "ASC"
	}
	rows, err := db.sql.QueryContext(ctx, `
		SELECT `+executionColumns+`
		FROM executions e JOIN state_machines m ON m.id = e.machine_id
		WHERE `+where+` ORDER BY e.id `+order+` LIMIT ?`, append(args, f.Limit)...)
	list, err := collect(rows, err, "find execution page", scanExecution)
	if order == "ASC" {
		slices.Reverse(list)
	}
	return list, err
}

// executionWhere is the SQL condition (on executions as e) and its arguments for f's
// machine, status and name; the cursors are the caller's.
func executionWhere(f resource.ExecutionFilter) (string, []any) {
	// The executions of deleted machines are kept (see DeleteMachine) but listed no more.
	conds, args := []string{"e.machine_id NOT IN (SELECT id FROM state_machines WHERE deleted_at IS NOT NULL)"}, []any{}
	if f.MachineID != 0 {
		conds, args = append(conds, "e.machine_id = ?"), append(args, f.MachineID)
	}
	if f.Status == resource.StatusPaused {
		conds, args = append(conds, "e.status = ? AND e.paused > 0"), append(args, runtime.StatusRunning)
	} else if f.Status != "" {
		conds, args = append(conds, "e.status = ?"), append(args, f.Status)
	}
	// A map run's children are listed under it only, as on AWS.
	conds, args = append(conds, "e.map_run_arn = ?"), append(args, f.MapRunARN)
	switch f.Redriven {
	case "REDRIVEN":
		conds = append(conds, "e.redrive_count > 0")
	case "NOT_REDRIVEN":
		conds = append(conds, "e.redrive_count = 0")
	}
	if f.VersionARN != "" {
		conds, args = append(conds, "e.version_arn = ?"), append(args, f.VersionARN)
	}
	if f.AliasARN != "" {
		conds, args = append(conds, "e.alias_arn = ?"), append(args, f.AliasARN)
	}
	if f.NameContains != "" {
		conds, args = append(conds, `e.name LIKE ? ESCAPE '\'`), append(args, "%"+likeEscaper.Replace(f.NameContains)+"%")
	}
	return strings.Join(conds, " AND "), slices.Clip(args)
}

// likeEscaper makes LIKE's wildcards in a search text match themselves.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

func (db *DB) anyExecution(ctx context.Context, where string, args []any) (bool, error) {
	var found bool
	err := db.sql.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM executions e WHERE `+where+`)`, args...).Scan(&found)
	if err != nil {
		return false, fmt.Errorf("store: find executions: %w", err)
	}
	return found, nil
}

// ParkExecution notes that a running execution sleeps, let go by the engine, until wakeAt.
func (db *DB) ParkExecution(ctx context.Context, id int64, wakeAt time.Time) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE executions SET wake_at = ? WHERE id = ? AND status = ?`,
			millis(wakeAt), id, runtime.StatusRunning)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: park execution %d: %w", id, err)
	}
	return nil
}

// UnparkExecution notes that a parked execution runs again.
func (db *DB) UnparkExecution(ctx context.Context, id int64) error {
	err := db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE executions SET wake_at = NULL WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: unpark execution %d: %w", id, err)
	}
	return nil
}

// ResetPaused forgets the pauses of a debug run: a restart records them again.
func (db *DB) ResetPaused(ctx context.Context, id int64) error {
	if _, err := db.sql.ExecContext(ctx, `UPDATE executions SET paused = 0 WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: reset the pauses of execution %d: %w", id, err)
	}
	return nil
}
