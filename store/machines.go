package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
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
			`INSERT INTO state_machines (name, arn, type, created_at, updated_at, logging, tracing, yaml_source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			m.Name, m.ARN, m.Type, millis(now), millis(now), m.Logging, m.Tracing, string(m.YAMLSource))
		if err != nil {
			return err
		}
		if m.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		if m.VersionID, err = insertVersion(ctx, tx, m.ID, 1, m.Definition, m.RoleARN, now); err != nil {
			return err
		}
		if m.Published > 0 {
			m.Published, err = publish(ctx, tx, m.ID, m.VersionID, m.Description, now)
		}
		return err
	})
	if isUniqueViolation(err) {
		return resource.StateMachine{}, fmt.Errorf("store: create machine %q: %w", m.Name, ErrExists)
	}
	if err != nil {
		return resource.StateMachine{}, fmt.Errorf("store: create machine %q: %w", m.Name, err)
	}
	m.Version, m.CreatedAt, m.UpdatedAt = 1, fromMillis(millis(now)), fromMillis(millis(now))
	if m.Published > 0 {
		m.PublishedAt = m.CreatedAt
	}
	return m, nil
}

// MachineYAML returns the YAML a machine was imported from or last saved as, nil for none.
func (db *DB) MachineYAML(ctx context.Context, machineID int64) ([]byte, error) {
	var src string
	err := db.sql.QueryRowContext(ctx, `SELECT yaml_source FROM state_machines WHERE id = ?`, machineID).Scan(&src)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: machine %d: %w", machineID, resource.ErrNotFound)
	}
	if err != nil || src == "" {
		return nil, err
	}
	return []byte(src), nil
}

// UpdateMachineYAML stores definition as the machine's next version, as UpdateMachine
// does, and yamlSource as the YAML it was given as, in one transaction.
func (db *DB) UpdateMachineYAML(ctx context.Context, name string, definition, yamlSource []byte) (resource.StateMachine, error) {
	m, err := db.FindMachine(ctx, name)
	if err != nil {
		return m, err
	}
	m.Definition = definition
	var revision int64
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE state_machines SET yaml_source = ? WHERE id = ?`, string(yamlSource), m.ID); err != nil {
			return err
		}
		revision, err = saveRevision(ctx, tx, m, false)
		return err
	})
	if err != nil {
		return resource.StateMachine{}, fmt.Errorf("store: update machine %q: %w", m.Name, err)
	}
	return db.FindMachineVersion(ctx, revision)
}

// UpdateMachine stores definition as the machine's next version, with the role of the one
// before, and returns the machine at it.
func (db *DB) UpdateMachine(ctx context.Context, name string, definition []byte) (resource.StateMachine, error) {
	m, err := db.FindMachine(ctx, name)
	if err != nil {
		return m, err
	}
	m.Definition = definition
	return db.SaveMachineRevision(ctx, m, false)
}

// SaveMachineRevision stores m.Definition and m.RoleARN as the next revision of the machine
// m.ID, with its m.Logging and m.Tracing, and publishes it as the next version when publish
// is set (with m.Description). It returns the machine at the new revision.
func (db *DB) SaveMachineRevision(ctx context.Context, m resource.StateMachine, publishIt bool) (resource.StateMachine, error) {
	var revision int64
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		revision, err = saveRevision(ctx, tx, m, publishIt)
		return err
	})
	if err != nil {
		return resource.StateMachine{}, fmt.Errorf("store: update machine %q: %w", m.Name, err)
	}
	return db.FindMachineVersion(ctx, revision)
}

// saveRevision is SaveMachineRevision inside a transaction; it returns the new revision.
func saveRevision(ctx context.Context, tx *sql.Tx, m resource.StateMachine, publishIt bool) (int64, error) {
	now := time.Now().UTC()
	var last int
	err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM state_machine_versions WHERE machine_id = ?`, m.ID).Scan(&last)
	if err != nil {
		return 0, err
	}
	revision, err := insertVersion(ctx, tx, m.ID, last+1, m.Definition, m.RoleARN, now)
	if err != nil {
		return 0, err
	}
	if publishIt {
		if _, err := publish(ctx, tx, m.ID, revision, m.Description, now); err != nil {
			return 0, err
		}
	}
	res, err := tx.ExecContext(ctx, `UPDATE state_machines SET updated_at = ?, logging = ?, tracing = ? WHERE id = ?`,
		millis(now), m.Logging, m.Tracing, m.ID)
	if err != nil {
		return 0, err
	}
	return revision, oneRow(res)
}

func insertVersion(ctx context.Context, tx *sql.Tx, machineID int64, version int, definition []byte, role string, now time.Time) (int64, error) {
	res, err := tx.ExecContext(ctx,
		`INSERT INTO state_machine_versions (machine_id, version, definition, role_arn, created_at) VALUES (?, ?, ?, ?, ?)`,
		machineID, version, definition, role, millis(now))
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// publish makes revision the machine's next published version, unless it is one already,
// and returns its number.
func publish(ctx context.Context, tx *sql.Tx, machineID, revision int64, description string, now time.Time) (int, error) {
	var n sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT published FROM state_machine_versions WHERE id = ? AND machine_id = ?`,
		revision, machineID).Scan(&n); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return 0, ErrNotFound
		}
		return 0, err
	}
	if n.Valid {
		return int(n.Int64), nil
	}
	var next int
	if err := tx.QueryRowContext(ctx, `UPDATE state_machines SET last_published = last_published + 1 WHERE id = ?
		RETURNING last_published`, machineID).Scan(&next); err != nil {
		return 0, err
	}
	_, err := tx.ExecContext(ctx, `UPDATE state_machine_versions SET published = ?, published_at = ?, description = ? WHERE id = ?`,
		next, millis(now), description, revision)
	return next, err
}

// oneRow turns an UPDATE or DELETE that touched no row into ErrNotFound.
func oneRow(res sql.Result) error {
	n, err := res.RowsAffected()
	if err == nil && n == 0 {
		err = ErrNotFound
	}
	return err
}

const machineColumns = `m.id, m.name, m.arn, m.type, m.created_at, m.updated_at, v.id, v.version, v.definition,
	v.role_arn, v.description, v.published, v.published_at, m.logging, m.tracing, m.deleting`

func scanMachine(row scanner) (resource.StateMachine, error) {
	var m resource.StateMachine
	var created, updated int64
	var published, publishedAt sql.NullInt64
	err := row.Scan(&m.ID, &m.Name, &m.ARN, &m.Type, &created, &updated, &m.VersionID, &m.Version, &m.Definition,
		&m.RoleARN, &m.Description, &published, &publishedAt, &m.Logging, &m.Tracing, &m.Deleting)
	m.CreatedAt, m.UpdatedAt = fromMillis(created), fromMillis(updated)
	m.Published, m.PublishedAt = int(published.Int64), fromNullMillis(publishedAt)
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

// FindMachineRevision returns a machine at its stored version n (1 for the first), where
// Version counts every save.
func (db *DB) FindMachineRevision(ctx context.Context, machineID int64, n int) (resource.StateMachine, error) {
	m, err := scanMachine(db.sql.QueryRowContext(ctx, `
		SELECT `+machineColumns+`
		FROM state_machines m JOIN state_machine_versions v ON v.machine_id = m.id
		WHERE m.id = ? AND v.version = ?`, machineID, n))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return resource.StateMachine{}, fmt.Errorf("store: find machine %d version %d: %w", machineID, n, err)
	}
	return m, nil
}

// FindMachineRevisions lists every stored version of a machine, newest first, without
// their definitions.
func (db *DB) FindMachineRevisions(ctx context.Context, machineID int64) ([]resource.Revision, error) {
	rows, err := db.sql.QueryContext(ctx, `
		SELECT version, created_at, published FROM state_machine_versions
		WHERE machine_id = ? ORDER BY version DESC`, machineID)
	return collect(rows, err, "find machine versions", func(row scanner) (resource.Revision, error) {
		var r resource.Revision
		var saved int64
		var published sql.NullInt64
		err := row.Scan(&r.Version, &saved, &published)
		r.SavedAt, r.Published = fromMillis(saved), int(published.Int64)
		return r, err
	})
}

// FindMachines returns every machine at its latest version, by name.
func (db *DB) FindMachines(ctx context.Context) ([]resource.StateMachine, error) {
	rows, err := db.sql.QueryContext(ctx, `
		SELECT `+machineColumns+`
		FROM state_machines m JOIN state_machine_versions v ON v.machine_id = m.id
		WHERE v.version = (SELECT max(version) FROM state_machine_versions WHERE machine_id = m.id)
		AND m.deleted_at IS NULL
		ORDER BY m.name`)
	return collect(rows, err, "find machines", scanMachine)
}

// PublishMachineVersion publishes a revision of the machine (its latest when revision is 0)
// as its next version, or returns the version it is already, and the machine at it.
func (db *DB) PublishMachineVersion(ctx context.Context, machineID, revision int64, description string) (resource.StateMachine, error) {
	now := time.Now().UTC()
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		if revision == 0 {
			if err := tx.QueryRowContext(ctx, `SELECT max(id) FROM state_machine_versions WHERE machine_id = ?`, machineID).Scan(&revision); err != nil {
				return err
			}
		}
		_, err := publish(ctx, tx, machineID, revision, description, now)
		return err
	})
	if err != nil {
		return resource.StateMachine{}, fmt.Errorf("store: publish a version of machine %d: %w", machineID, err)
	}
	return db.FindMachineVersion(ctx, revision)
}

// FindPublishedVersion returns the machine at its published version n.
func (db *DB) FindPublishedVersion(ctx context.Context, machineID int64, n int) (resource.StateMachine, error) {
	m, err := scanMachine(db.sql.QueryRowContext(ctx, `
		SELECT `+machineColumns+`
		FROM state_machines m JOIN state_machine_versions v ON v.machine_id = m.id
		WHERE m.id = ? AND v.published = ?`, machineID, n))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return resource.StateMachine{}, fmt.Errorf("store: find version %d of machine %d: %w", n, machineID, err)
	}
	return m, nil
}

// FindPublishedVersions returns the published versions of a machine, newest first.
func (db *DB) FindPublishedVersions(ctx context.Context, machineID int64) ([]resource.StateMachine, error) {
	rows, err := db.sql.QueryContext(ctx, `
		SELECT `+machineColumns+`
		FROM state_machines m JOIN state_machine_versions v ON v.machine_id = m.id
		WHERE m.id = ? AND v.published IS NOT NULL ORDER BY v.published DESC`, machineID)
	return collect(rows, err, "find published versions", scanMachine)
}

// ErrVersionInUse says a published version cannot be deleted: an alias routes to it.
var ErrVersionInUse = resource.ErrVersionInUse

// DeletePublishedVersion takes a machine's published version n back. Its revision stays
// (the executions that ran it point at it); its version ARN no longer names anything.
// ErrVersionInUse while an alias routes to it.
func (db *DB) DeletePublishedVersion(ctx context.Context, machineID int64, n int) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT routing FROM state_machine_aliases WHERE machine_id = ?`, machineID)
		if err != nil {
			return err
		}
		aliases, err := collect(rows, nil, "find aliases", scanRouting)
		if err != nil {
			return err
		}
		for _, routing := range aliases {
			for _, r := range routing {
				if r.Version == n {
					return ErrVersionInUse
				}
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE state_machine_versions SET published = NULL, published_at = NULL
			WHERE machine_id = ? AND published = ?`, machineID, n)
		if err != nil {
			return err
		}
		return oneRow(res)
	})
	if err != nil {
		return fmt.Errorf("store: delete version %d of machine %d: %w", n, machineID, err)
	}
	return nil
}

// DeleteMachine deletes a state machine: it is renamed out of the way (its name is free at
// once), hidden from every list with its executions, and its aliases and tags go. While
// executions of it run, it is only marked deleting (they finish; nothing new starts) and
// DeleteMachine reports false; DeleteFinishedMachines deletes it once they have ended.
func (db *DB) DeleteMachine(ctx context.Context, id int64) (deleted bool, err error) {
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		var arn string
		var running int
		if err := tx.QueryRowContext(ctx, `SELECT arn, (SELECT count(*) FROM executions WHERE machine_id = m.id AND status = ?)
			FROM state_machines m WHERE id = ? AND deleted_at IS NULL`, runtime.StatusRunning, id).Scan(&arn, &running); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			return err
		}
		if running > 0 {
			_, err := tx.ExecContext(ctx, `UPDATE state_machines SET deleting = 1 WHERE id = ?`, id)
			return err
		}
		deleted = true
		if _, err := tx.ExecContext(ctx, `DELETE FROM tags WHERE resource_arn = ? OR resource_arn LIKE ? ESCAPE '\'`,
			arn, likeEscaper.Replace(arn+":")+"%"); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM state_machine_aliases WHERE machine_id = ?`, id); err != nil {
			return err
		}
		// The suffix has a space, which no name may have: the machine's name and ARN, and
		// its executions' ARNs, are free for new ones at once.
		suffix := fmt.Sprintf(" (deleted #%d)", id)
		if _, err := tx.ExecContext(ctx, `UPDATE executions SET arn = arn || ? WHERE machine_id = ?`, suffix, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE state_machines SET name = name || ?, arn = arn || ?, deleted_at = ?, deleting = 0
			WHERE id = ?`, suffix, suffix, millis(time.Now()), id)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: delete machine %d: %w", id, err)
	}
	return deleted, nil
}

// DeleteFinishedMachines deletes the machines DeleteMachine marked deleting whose executions
// have all ended, and returns how many it deleted.
func (db *DB) DeleteFinishedMachines(ctx context.Context) (int, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT id FROM state_machines m WHERE deleting = 1 AND deleted_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM executions WHERE machine_id = m.id AND status = ?)`, runtime.StatusRunning)
	ids, err := collect(rows, err, "find machines to delete", func(r scanner) (int64, error) {
		var id int64
		return id, r.Scan(&id)
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		deleted, err := db.DeleteMachine(ctx, id)
		if err != nil {
			return n, err
		}
		if deleted {
			n++
		}
	}
	return n, nil
}
