package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

const mapRunColumns = `r.id, r.arn, r.execution_id, e.arn, r.state, r.execution_type, r.status, r.items, r.max_concurrency,
	r.tolerated_failure_count, r.tolerated_failure_percentage, r.started_at, r.stopped_at, r.error, r.cause`

func scanMapRun(row scanner) (resource.MapRun, error) {
	var r resource.MapRun
	var started int64
	var stopped sql.NullInt64
	err := row.Scan(&r.ID, &r.ARN, &r.ExecutionID, &r.ExecutionARN, &r.State, &r.ExecutionType, &r.Status, &r.Items,
		&r.MaxConcurrency, &r.ToleratedFailureCount, &r.ToleratedFailurePercentage, &started, &stopped, &r.Error, &r.Cause)
	r.StartedAt, r.StoppedAt = fromMillis(started), fromNullMillis(stopped)
	return r, err
}

// CreateMapRun keeps a new map run of the execution r.ExecutionID; one that exists (a
// restart starts it again) is left as it is.
func (db *DB) CreateMapRun(ctx context.Context, r resource.MapRun) error {
	_, err := db.sql.ExecContext(ctx, `INSERT INTO map_runs (arn, execution_id, state, execution_type, status, items,
			max_concurrency, tolerated_failure_count, tolerated_failure_percentage, started_at)
		VALUES (?, ?, ?, ?, 'RUNNING', ?, ?, ?, ?, ?) ON CONFLICT (arn) DO NOTHING`,
		r.ARN, r.ExecutionID, r.State, r.ExecutionType, r.Items, r.MaxConcurrency, r.ToleratedFailureCount,
		r.ToleratedFailurePercentage, millis(r.StartedAt))
	if err != nil {
		return fmt.Errorf("store: create map run %s: %w", r.ARN, err)
	}
	return nil
}

// EndMapRun keeps how a map run ended.
func (db *DB) EndMapRun(ctx context.Context, arn, status, errName, cause string, at time.Time) error {
	res, err := db.sql.ExecContext(ctx, `UPDATE map_runs SET status = ?, stopped_at = ?, error = ?, cause = ? WHERE arn = ?`,
		status, millis(at), errName, cause, arn)
	if err == nil {
		err = oneRow(res)
	}
	if err != nil {
		return fmt.Errorf("store: end map run %s: %w", arn, err)
	}
	return nil
}

// UpdateMapRun changes a map run's MaxConcurrency and tolerated failures (nil: unchanged).
func (db *DB) UpdateMapRun(ctx context.Context, arn string, maxConcurrency, toleratedCount *int, toleratedPercentage *float64) error {
	res, err := db.sql.ExecContext(ctx, `UPDATE map_runs SET max_concurrency = coalesce(?, max_concurrency),
			tolerated_failure_count = coalesce(?, tolerated_failure_count),
			tolerated_failure_percentage = coalesce(?, tolerated_failure_percentage)
		WHERE arn = ?`, maxConcurrency, toleratedCount, toleratedPercentage, arn)
	if err == nil {
		err = oneRow(res)
	}
	if err != nil {
		return fmt.Errorf("store: update map run %s: %w", arn, err)
	}
	return nil
}

// FindMapRun returns the map run with the given ARN.
func (db *DB) FindMapRun(ctx context.Context, arn string) (resource.MapRun, error) {
	r, err := scanMapRun(db.sql.QueryRowContext(ctx, `SELECT `+mapRunColumns+`
		FROM map_runs r JOIN executions e ON e.id = r.execution_id WHERE r.arn = ?`, arn))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return r, fmt.Errorf("store: find map run %s: %w", arn, err)
	}
	return r, nil
}

// FindMapRuns returns the map runs of an execution, newest first.
func (db *DB) FindMapRuns(ctx context.Context, executionID int64) ([]resource.MapRun, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+mapRunColumns+`
		FROM map_runs r JOIN executions e ON e.id = r.execution_id WHERE r.execution_id = ? ORDER BY r.id DESC`, executionID)
	return collect(rows, err, "find map runs", scanMapRun)
}

// CountMapRunChildren counts a map run's child executions by status.
func (db *DB) CountMapRunChildren(ctx context.Context, arn string) (map[resource.Status]int, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT status, count(*) FROM executions WHERE map_run_arn = ? GROUP BY status`, arn)
	if err != nil {
		return nil, fmt.Errorf("store: count the children of %s: %w", arn, err)
	}
	defer rows.Close()
	out := map[resource.Status]int{}
	for rows.Next() {
		var s resource.Status
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}
