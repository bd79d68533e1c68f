package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
)

// Retention says which finished executions DeleteExecutions deletes: those that finished
// before Before, and those that are not among the Keep most recently finished. A zero field
// sets no limit; the zero Retention deletes nothing. RUNNING executions are never deleted
// and never counted among the Keep.
type Retention struct {
	// Before deletes the executions that finished (stopped_at) before it.
	Before time.Time
	// Keep deletes all but the Keep most recently finished executions.
	Keep int
}

// A batch is what one transaction deletes: at most batchExecutions executions, and no more
// executions once their events reach batchEvents, so that a large prune holds the write lock
// for tens of milliseconds at a time and the history writer and the pages' writes come in
// between, whatever the length of the histories (up to 25,000 events each by default).
const (
	batchExecutions = 500
	batchEvents     = 50_000
)

// expiredWhere is the condition (on executions as e) that DeleteExecutions and
// CountExpiredExecutions share. Executions are ordered by (stopped_at, id): everything
// below the bound goes.
//
// Two executions are kept whatever their age: the one with the highest id, and the one
// with the newest callback task. Without AUTOINCREMENT, SQLite gives a new row the highest
// id plus one, so deleting the row with the highest id would hand its id to the next
// execution (or task); the audit rows, which keep the execution_id and task_id they name,
// and the pages' folds, cached by execution id, would then speak of the wrong one.
const expiredWhere = `e.stopped_at IS NOT NULL AND (e.stopped_at, e.id) < (?, ?) AND e.status <> ?
	AND e.id <> (SELECT coalesce(max(id), 0) FROM executions)
	AND e.id <> coalesce((SELECT execution_id FROM callback_tasks ORDER BY id DESC LIMIT 1), 0)`

// bound is the (stopped_at, id) below which finished executions expire under r, and whether
// there is one.
func (db *DB) bound(ctx context.Context, r Retention) (stoppedAt, id int64, ok bool, err error) {
	if !r.Before.IsZero() {
		// Ids start at 1, so (stopped_at, id) < (before, 0) is stopped_at < before.
		stoppedAt, id, ok = millis(r.Before), 0, true
	}
	if r.Keep <= 0 {
		return stoppedAt, id, ok, nil
	}
	var s, i int64
	err = db.sql.QueryRowContext(ctx, `
		SELECT stopped_at, id FROM executions
		WHERE stopped_at IS NOT NULL AND status <> ?
		ORDER BY stopped_at DESC, id DESC LIMIT 1 OFFSET ?`, runtime.StatusRunning, r.Keep-1).Scan(&s, &i)
	switch {
	case errors.Is(err, sql.ErrNoRows): // fewer than Keep have finished
		return stoppedAt, id, ok, nil
	case err != nil:
		return 0, 0, false, err
	}
	if !ok || s > stoppedAt || (s == stoppedAt && i > id) {
		stoppedAt, id = s, i
	}
	return stoppedAt, id, true, nil
}

// CountExpiredExecutions counts what DeleteExecutions would delete now under r: the
// executions and their history events.
func (db *DB) CountExpiredExecutions(ctx context.Context, r Retention) (executions, events int64, err error) {
	stoppedAt, id, ok, err := db.bound(ctx, r)
	if err != nil || !ok {
		return 0, 0, wrapRetention("count", err)
	}
	err = db.sql.QueryRowContext(ctx, `
		SELECT count(*), coalesce(sum((SELECT count(*) FROM events WHERE execution_id = e.id)), 0)
		FROM executions e WHERE `+expiredWhere, stoppedAt, id, runtime.StatusRunning).Scan(&executions, &events)
	return executions, events, wrapRetention("count", err)
}

// DeleteExecutions deletes the finished executions that r expires, oldest first, with their
// history events and callback tasks (ON DELETE CASCADE), in transactions of a batch each. It
// returns how many executions and events it deleted, also when ctx ends it midway. The audit
// log keeps its rows: they carry the names they show. The file does not shrink; SQLite reuses
// the freed pages.
func (db *DB) DeleteExecutions(ctx context.Context, r Retention) (executions, events int64, err error) {
	stoppedAt, id, ok, err := db.bound(ctx, r)
	if err != nil || !ok {
		return 0, 0, wrapRetention("delete", err)
	}
	for {
		n, m, err := db.deleteBatch(ctx, stoppedAt, id)
		executions, events = executions+n, events+m
		if err != nil || n == 0 {
			return executions, events, wrapRetention("delete", err)
		}
	}
}

// deleteBatch deletes, in one transaction, the oldest executions below the bound: a batch.
func (db *DB) deleteBatch(ctx context.Context, stoppedAt, id int64) (executions, events int64, err error) {
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		// An execution's last event id is the length of its history.
		rows, err := tx.QueryContext(ctx, `
			SELECT e.id, (SELECT coalesce(max(id), 0) FROM events WHERE execution_id = e.id)
			FROM executions e WHERE `+expiredWhere+`
			ORDER BY e.stopped_at, e.id LIMIT ?`, stoppedAt, id, runtime.StatusRunning, batchExecutions)
		if err != nil {
			return err
		}
		defer rows.Close()
		// Executions in the batch, until their events reach batchEvents.
		var ids []any
		for total := int64(0); total < batchEvents && rows.Next(); {
			var id, n int64
			if err := rows.Scan(&id, &n); err != nil {
				return err
			}
			ids, total = append(ids, id), total+n
		}
		if err := rows.Err(); err != nil || len(ids) == 0 {
			return err
		}
		rows.Close()
		in := "(?" + strings.Repeat(", ?", len(ids)-1) + ")"
		if events, err = execCount(ctx, tx, `DELETE FROM events WHERE execution_id IN `+in, ids...); err != nil {
			return err
		}
		executions, err = execCount(ctx, tx, `DELETE FROM executions WHERE id IN `+in, ids...)
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	return executions, events, nil
}

// execCount runs a statement and returns how many rows it changed.
func execCount(ctx context.Context, tx *sql.Tx, query string, args ...any) (int64, error) {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func wrapRetention(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("store: %s expired executions: %w", what, err)
}
