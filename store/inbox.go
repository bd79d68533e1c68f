package store

import (
	"context"
	"fmt"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

// CountCallbackTasks counts the callback tasks with the given status and no decision on its
// way to their execution, for the inbox's badge on every page; activity tasks, which are for
// workers, are not counted (see notActivity).
func (db *DB) CountCallbackTasks(ctx context.Context, status resource.CallbackStatus) (int, error) {
	var n int
	if err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM callback_tasks t WHERE status = ? AND decision = '' AND `+notActivity,
		status).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count callback tasks: %w", err)
	}
	return n, nil
}
