package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

const activityColumns = `id, name, arn, created_at`

func scanActivity(row scanner) (resource.Activity, error) {
	var a resource.Activity
	var created int64
	err := row.Scan(&a.ID, &a.Name, &a.ARN, &created)
	a.CreatedAt = fromMillis(created)
	return a, err
}

// CreateActivity stores an activity, or returns the one of that name (CreateActivity is
// idempotent on the name).
func (db *DB) CreateActivity(ctx context.Context, a resource.Activity) (resource.Activity, error) {
	_, err := db.sql.ExecContext(ctx, `INSERT INTO activities (name, arn, created_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO NOTHING`, a.Name, a.ARN, millis(time.Now()))
	if err != nil {
		return a, fmt.Errorf("store: create activity %q: %w", a.Name, err)
	}
	return db.FindActivity(ctx, a.ARN)
}

// FindActivity returns the activity with the given ARN.
func (db *DB) FindActivity(ctx context.Context, arn string) (resource.Activity, error) {
	a, err := scanActivity(db.sql.QueryRowContext(ctx, `SELECT `+activityColumns+` FROM activities WHERE arn = ?`, arn))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("store: find activity %q: %w", arn, err)
	}
	return a, nil
}

// FindActivities returns every activity, by name.
func (db *DB) FindActivities(ctx context.Context) ([]resource.Activity, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+activityColumns+` FROM activities ORDER BY name`)
	return collect(rows, err, "find activities", scanActivity)
}

// DeleteActivity deletes an activity and its tags. Tasks waiting for it keep waiting (as on
// AWS) until their timeouts.
func (db *DB) DeleteActivity(ctx context.Context, arn string) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM activities WHERE arn = ?`, arn)
		if err != nil {
			return err
		}
		if err := oneRow(res); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM tags WHERE resource_arn = ?`, arn)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete activity %q: %w", arn, err)
	}
	return nil
}

// TakeActivityTask gives the longest waiting task of an activity to a worker, once: the
// task is marked as the worker's in the same statement that finds it, so two pollers never
// get the same task. ErrNotFound when no task waits.
func (db *DB) TakeActivityTask(ctx context.Context, activityARN, worker string, at time.Time) (resource.CallbackTask, error) {
	var id int64
	err := db.sql.QueryRowContext(ctx, `
		UPDATE callback_tasks SET worker = ?, started_at = ?
		WHERE id = (SELECT id FROM callback_tasks WHERE resource = ? AND status = 'WAITING' AND started_at IS NULL
			ORDER BY id LIMIT 1)
		RETURNING id`, worker, millis(at), activityARN).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return resource.CallbackTask{}, ErrNotFound
	}
	if err != nil {
		return resource.CallbackTask{}, fmt.Errorf("store: take a task of %s: %w", activityARN, err)
	}
	return db.FindCallbackTask(ctx, id)
}

// CountActivityTasks counts the tasks of an activity that wait for a worker and those a
// worker has taken that wait for their result.
func (db *DB) CountActivityTasks(ctx context.Context, activityARN string) (waiting, started int, err error) {
	err = db.sql.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE started_at IS NULL), count(*) FILTER (WHERE started_at IS NOT NULL)
		FROM callback_tasks WHERE resource = ? AND status = 'WAITING'`, activityARN).Scan(&waiting, &started)
	if err != nil {
		err = fmt.Errorf("store: count the tasks of %s: %w", activityARN, err)
	}
	return waiting, started, err
}

// FindActivityTasks returns up to limit tasks of an activity that wait, for a worker or for
// the result of the worker that took them, the longest waiting first (by the
// callback_tasks(resource, id) index).
func (db *DB) FindActivityTasks(ctx context.Context, activityARN string, limit int) ([]resource.CallbackTask, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+callbackColumns+` FROM `+callbackJoins+`
		WHERE t.resource = ? AND t.status = ? ORDER BY t.id LIMIT ?`, activityARN, resource.CallbackWaiting, limit)
	return collect(rows, err, "find the tasks of "+activityARN, scanCallback)
}
