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

const aliasColumns = `id, machine_id, name, description, routing, created_at, updated_at`

func scanAlias(row scanner) (resource.Alias, error) {
	var a resource.Alias
	var routing string
	var created, updated int64
	if err := row.Scan(&a.ID, &a.MachineID, &a.Name, &a.Description, &routing, &created, &updated); err != nil {
		return a, err
	}
	a.CreatedAt, a.UpdatedAt = fromMillis(created), fromMillis(updated)
	return a, json.Unmarshal([]byte(routing), &a.Routing)
}

func scanRouting(row scanner) ([]resource.Route, error) {
	var routing string
	if err := row.Scan(&routing); err != nil {
		return nil, err
	}
	var r []resource.Route
	return r, json.Unmarshal([]byte(routing), &r)
}

// checkRoutes reports ErrNotFound when a route names a version the machine has not published.
func checkRoutes(ctx context.Context, tx *sql.Tx, machineID int64, routing []resource.Route) error {
	for _, r := range routing {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM state_machine_versions WHERE machine_id = ? AND published = ?`,
			machineID, r.Version).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("version %d: %w", r.Version, ErrNotFound)
		}
	}
	return nil
}

// CreateAlias stores an alias of a machine; ErrExists when the machine has one of that name,
// ErrNotFound when a route names a version that is not published.
func (db *DB) CreateAlias(ctx context.Context, a resource.Alias) (resource.Alias, error) {
	now := time.Now().UTC()
	routing, err := json.Marshal(a.Routing)
	if err != nil {
		return a, err
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		if err := checkRoutes(ctx, tx, a.MachineID, a.Routing); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO state_machine_aliases (machine_id, name, description, routing, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`, a.MachineID, a.Name, a.Description, string(routing), millis(now), millis(now))
		if isUniqueViolation(err) {
			return ErrExists
		}
		if err != nil {
			return err
		}
		a.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return a, fmt.Errorf("store: create alias %q: %w", a.Name, err)
	}
	a.CreatedAt, a.UpdatedAt = fromMillis(millis(now)), fromMillis(millis(now))
	return a, nil
}

// UpdateAlias changes an alias's description and routing.
func (db *DB) UpdateAlias(ctx context.Context, a resource.Alias) (resource.Alias, error) {
	routing, err := json.Marshal(a.Routing)
	if err != nil {
		return a, err
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		if err := checkRoutes(ctx, tx, a.MachineID, a.Routing); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE state_machine_aliases SET description = ?, routing = ?, updated_at = ? WHERE id = ?`,
			a.Description, string(routing), millis(time.Now()), a.ID)
		if err != nil {
			return err
		}
		return oneRow(res)
	})
	if err != nil {
		return a, fmt.Errorf("store: update alias %q: %w", a.Name, err)
	}
	return db.FindAlias(ctx, a.MachineID, a.Name)
}

// FindAlias returns a machine's alias by name.
func (db *DB) FindAlias(ctx context.Context, machineID int64, name string) (resource.Alias, error) {
	a, err := scanAlias(db.sql.QueryRowContext(ctx, `SELECT `+aliasColumns+` FROM state_machine_aliases
		WHERE machine_id = ? AND name = ?`, machineID, name))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return a, fmt.Errorf("store: find alias %q: %w", name, err)
	}
	return a, nil
}

// FindAliases returns a machine's aliases by name.
func (db *DB) FindAliases(ctx context.Context, machineID int64) ([]resource.Alias, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+aliasColumns+` FROM state_machine_aliases
		WHERE machine_id = ? ORDER BY name`, machineID)
	return collect(rows, err, "find aliases", scanAlias)
}

// DeleteAlias deletes a machine's alias.
func (db *DB) DeleteAlias(ctx context.Context, machineID int64, name string) error {
	res, err := db.sql.ExecContext(ctx, `DELETE FROM state_machine_aliases WHERE machine_id = ? AND name = ?`, machineID, name)
	if err == nil {
		err = oneRow(res)
	}
	if err != nil {
		return fmt.Errorf("store: delete alias %q: %w", name, err)
	}
	return nil
}
