package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

// CreateMachine stores a new state machine with its first version. ErrExists when the name
// is taken. m.Name, m.ARN, m.Type and m.Definition are used; the rest is filled in.
func (db *DB) CreateMachine(ctx context.Context, m resource.StateMachine) (resource.StateMachine, error) {
	now := time.Now().UTC()
	if m.Type == "" {
		m.Type = "STANDARD"
	}
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx,
			`INSERT INTO state_machines (name, arn, type, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
			m.Name, m.ARN, m.Type, millis(now), millis(now))
		if err != nil {
			return err
		}
		if m.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		m.VersionID, err = insertVersion(ctx, tx, m.ID, 1, m.Definition, now)
		return err
	})
	if isUniqueViolation(err) {
		return resource.StateMachine{}, fmt.Errorf("store: create machine %q: %w", m.Name, ErrExists)
	}
	if err != nil {
		return resource.StateMachine{}, fmt.Errorf("store: create machine %q: %w", m.Name, err)
	}
	m.Version, m.CreatedAt, m.UpdatedAt = 1, fromMillis(millis(now)), fromMillis(millis(now))
	return m, nil
}

// UpdateMachine stores definition as the machine's next version and returns the machine at it.
func (db *DB) UpdateMachine(ctx context.Context, name string, definition []byte) (resource.StateMachine, error) {
	now := time.Now().UTC()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var id int64
		var last int
		err := tx.QueryRowContext(ctx, `
			SELECT m.id, coalesce(max(v.version), 0)
			FROM state_machines m LEFT JOIN state_machine_versions v ON v.machine_id = m.id
			WHERE m.name = ? GROUP BY m.id`, name).Scan(&id, &last)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := insertVersion(ctx, tx, id, last+1, definition, now); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE state_machines SET updated_at = ? WHERE id = ?`, millis(now), id)
		return err
	})
	if err != nil {
		return resource.StateMachine{}, fmt.Errorf("store: update machine %q: %w", name, err)
	}
	return db.FindMachine(ctx, name)
}

func insertVersion(ctx context.Context, tx *sql.Tx, machineID int64, version int, definition []byte, now time.Time) (int64, error) {
	res, err := tx.ExecContext(ctx,
		`INSERT INTO state_machine_versions (machine_id, version, definition, created_at) VALUES (?, ?, ?, ?)`,
		machineID, version, definition, millis(now))
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

const machineColumns = `m.id, m.name, m.arn, m.type, m.created_at, m.updated_at, v.id, v.version, v.definition`

func scanMachine(row scanner) (resource.StateMachine, error) {
	var m resource.StateMachine
	var created, updated int64
	err := row.Scan(&m.ID, &m.Name, &m.ARN, &m.Type, &created, &updated, &m.VersionID, &m.Version, &m.Definition)
	m.CreatedAt, m.UpdatedAt = fromMillis(created), fromMillis(updated)
	return m, err
}

// FindMachine returns the named machine at its latest version.
func (db *DB) FindMachine(ctx context.Context, name string) (resource.StateMachine, error) {
	m, err := scanMachine(db.sql.QueryRowContext(ctx, `
		SELECT `+machineColumns+`
		FROM state_machines m JOIN state_machine_versions v ON v.machine_id = m.id
		WHERE m.name = ? ORDER BY v.version DESC LIMIT 1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return resource.StateMachine{}, fmt.Errorf("store: find machine %q: %w", name, err)
	}
	return m, nil
}

// FindMachineVersion returns a machine at the given stored version.
func (db *DB) FindMachineVersion(ctx context.Context, versionID int64) (resource.StateMachine, error) {
	m, err := scanMachine(db.sql.QueryRowContext(ctx, `
		SELECT `+machineColumns+`
		FROM state_machines m JOIN state_machine_versions v ON v.machine_id = m.id
		WHERE v.id = ?`, versionID))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return resource.StateMachine{}, fmt.Errorf("store: find machine version %d: %w", versionID, err)
	}
	return m, nil
}

// FindMachines returns every machine at its latest version, by name.
func (db *DB) FindMachines(ctx context.Context) ([]resource.StateMachine, error) {
	rows, err := db.sql.QueryContext(ctx, `
		SELECT `+machineColumns+`
		FROM state_machines m JOIN state_machine_versions v ON v.machine_id = m.id
		WHERE v.version = (SELECT max(version) FROM state_machine_versions WHERE machine_id = m.id)
		ORDER BY m.name`)
	return collect(rows, err, "find machines", scanMachine)
}
