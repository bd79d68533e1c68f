package store

import (
	"context"
	"fmt"
	"time"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

// FindSavedInputs returns the inputs saved for a state machine, by name.
func (db *DB) FindSavedInputs(ctx context.Context, machineID int64) ([]resource.SavedInput, error) {
	rows, err := db.sql.QueryContext(ctx, `
		SELECT name, input, updated_at FROM saved_inputs WHERE machine_id = ? ORDER BY name`, machineID)
	return collect(rows, err, "find saved inputs", func(row scanner) (resource.SavedInput, error) {
		var in resource.SavedInput
		var updated int64
		err := row.Scan(&in.Name, &in.Input, &updated)
		in.UpdatedAt = fromMillis(updated)
		return in, err
	})
}

// UpsertSavedInput saves input under name for a state machine, replacing what that name held:
// saving again under a name is how the user updates it.
func (db *DB) UpsertSavedInput(ctx context.Context, machineID int64, name, input string) error {
	_, err := db.sql.ExecContext(ctx, `
		INSERT INTO saved_inputs (machine_id, name, input, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (machine_id, name) DO UPDATE SET input = excluded.input, updated_at = excluded.updated_at`,
		machineID, name, input, millis(time.Now()))
	if err != nil {
		return fmt.Errorf("store: save input %q: %w", name, err)
	}
	return nil
}

// DeleteSavedInput deletes the input saved under name; ErrNotFound when there is none.
func (db *DB) DeleteSavedInput(ctx context.Context, machineID int64, name string) error {
	res, err := db.sql.ExecContext(ctx, `DELETE FROM saved_inputs WHERE machine_id = ? AND name = ?`, machineID, name)
	if err == nil {
		var n int64
		if n, err = res.RowsAffected(); err == nil && n == 0 {
			err = ErrNotFound
		}
	}
	if err != nil {
		return fmt.Errorf("store: delete saved input %q: %w", name, err)
	}
	return nil
}
