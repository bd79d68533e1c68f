package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestTaskLookupsByExecutionUseTheirIndex checks SQLite's plan for the shapes in which the
// store looks an execution's tasks up (FindExecutionTokens; decideTask, endExecution and
// auditTimeout; the ON DELETE CASCADE of an execution): with no index on execution_id they
// read every task ever stored, or every waiting one through callback_tasks_status.
func TestTaskLookupsByExecutionUseTheirIndex(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "test.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	tests := []struct {
		name, query, want string
	}{
		{"tokens of an execution", `SELECT token FROM callback_tasks WHERE execution_id = ? ORDER BY id`,
			"callback_tasks_execution (execution_id=?)"},
		{"a state's waiting tasks", `UPDATE callback_tasks SET status = ? WHERE execution_id = ? AND state = ? AND status = ?`,
			"callback_tasks_execution (execution_id=? AND status=?)"},
		{"an execution's waiting tasks", `UPDATE callback_tasks SET status = ? WHERE execution_id = ? AND status = ?`,
			"callback_tasks_execution (execution_id=? AND status=?)"},
		{"what a deleted execution cascades to", `SELECT 1 FROM callback_tasks WHERE execution_id = ?`,
			"COVERING INDEX callback_tasks_execution (execution_id=?)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := make([]any, strings.Count(tt.query, "?"))
			rows, err := db.sql.QueryContext(ctx, "EXPLAIN QUERY PLAN "+tt.query, args...)
			plan, err := collect(rows, err, "explain", func(r scanner) (string, error) {
				var id, parent, unused int
				var detail string
				err := r.Scan(&id, &parent, &unused, &detail)
				return detail, err
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(plan, "; "); !strings.Contains(got, tt.want) {
				t.Errorf("plan %q, want it to use %q", got, tt.want)
			}
		})
	}
}
