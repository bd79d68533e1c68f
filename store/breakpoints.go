package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

// FindDebugSettings returns a machine's breakpoints and break-on-error setting; a machine that
// never had any gets empty settings (a non-nil, empty breakpoint list) and no error.
func (db *DB) FindDebugSettings(ctx context.Context, machineID int64) (resource.DebugSettings, error) {
	s := resource.DebugSettings{Breakpoints: []resource.Breakpoint{}}
	var text string
	err := db.sql.QueryRowContext(ctx, `SELECT settings FROM machine_debug WHERE machine_id = ?`, machineID).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	if err == nil {
		err = json.Unmarshal([]byte(text), &s)
	}
	if err != nil {
		return s, fmt.Errorf("store: find debug settings of machine %d: %w", machineID, err)
	}
	if s.Breakpoints == nil {
		s.Breakpoints = []resource.Breakpoint{}
	}
	return s, nil
}

// SaveDebugSettings replaces a machine's breakpoints and break-on-error setting.
func (db *DB) SaveDebugSettings(ctx context.Context, machineID int64, s resource.DebugSettings) error {
	if s.Breakpoints == nil {
		s.Breakpoints = []resource.Breakpoint{}
	}
	text, err := json.Marshal(s)
	if err == nil {
		_, err = db.sql.ExecContext(ctx, `INSERT INTO machine_debug (machine_id, settings, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (machine_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`,
			machineID, string(text), millis(time.Now()))
	}
	if err != nil {
		return fmt.Errorf("store: save debug settings of machine %d: %w", machineID, err)
	}
	return nil
}
