package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

const targetColumns = `id, name, endpoint, region, profile, access_key_id, role_arn, created_at`

func scanTarget(row scanner) (resource.Target, error) {
	var t resource.Target
	var created int64
	err := row.Scan(&t.ID, &t.Name, &t.Endpoint, &t.Region, &t.Profile, &t.AccessKeyID, &t.RoleARN, &created)
	t.CreatedAt = fromMillis(created)
	return t, err
}

// targetSealData is what a target's sealed secret is bound to, so it opens only in its row.
func targetSealData(name string) string { return "target:" + name }

// CreateTarget stores a target; secret, the secret of its access key pair ("" with none), is
// sealed under the same key file as access keys'. ErrExists when the name is taken.
func (db *DB) CreateTarget(ctx context.Context, t resource.Target, secret string) (resource.Target, error) {
	t.CreatedAt = time.Now().UTC().Truncate(time.Millisecond)
	var sealed []byte
	if secret != "" {
		key, err := db.sealing.get(true)
		if err != nil {
			return t, err
		}
		if sealed, err = seal(key, targetSealData(t.Name), secret); err != nil {
			return t, err
		}
	}
	res, err := db.sql.ExecContext(ctx, `INSERT INTO targets (name, endpoint, region, profile, access_key_id, secret_sealed, role_arn, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, t.Name, t.Endpoint, t.Region, t.Profile, t.AccessKeyID, sealed, t.RoleARN, millis(t.CreatedAt))
	if isUniqueViolation(err) {
		err = ErrExists
	}
	if err != nil {
		return t, fmt.Errorf("store: create target %q: %w", t.Name, err)
	}
	t.ID, err = res.LastInsertId()
	return t, err
}

// FindTargets lists the targets by name.
func (db *DB) FindTargets(ctx context.Context) ([]resource.Target, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+targetColumns+` FROM targets ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: find targets: %w", err)
	}
	defer rows.Close()
	var out []resource.Target
	for rows.Next() {
		t, err := scanTarget(rows)
		if err != nil {
			return nil, fmt.Errorf("store: find targets: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// FindTarget finds a target by name; ErrNotFound when there is none.
func (db *DB) FindTarget(ctx context.Context, name string) (resource.Target, error) {
	t, err := scanTarget(db.sql.QueryRowContext(ctx, `SELECT `+targetColumns+` FROM targets WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return t, fmt.Errorf("store: find target %q: %w", name, err)
	}
	return t, nil
}

// TargetSecret is the unsealed secret of a target's access key pair, "" when it has none.
func (db *DB) TargetSecret(ctx context.Context, name string) (string, error) {
	var sealed []byte
	err := db.sql.QueryRowContext(ctx, `SELECT secret_sealed FROM targets WHERE name = ?`, name).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil || sealed == nil {
		if err != nil {
			err = fmt.Errorf("store: find the secret of target %q: %w", name, err)
		}
		return "", err
	}
	key, err := db.sealing.get(false)
	if err != nil {
		return "", err
	}
	secret, err := unseal(key, targetSealData(name), sealed)
	if err != nil {
		return "", fmt.Errorf("store: target %q: %w", name, err)
	}
	return secret, nil
}

// DeleteTarget removes a target and the record of what was deployed to it; ErrNotFound when
// there is none.
func (db *DB) DeleteTarget(ctx context.Context, name string) error {
	res, err := db.sql.ExecContext(ctx, `DELETE FROM targets WHERE name = ?`, name)
	if err == nil {
		if n, _ := res.RowsAffected(); n == 0 {
			err = ErrNotFound
		}
	}
	if err != nil {
		return fmt.Errorf("store: delete target %q: %w", name, err)
	}
	return nil
}

// RecordDeployment keeps what a deploy sent and made.
func (db *DB) RecordDeployment(ctx context.Context, d resource.Deployment) (resource.Deployment, error) {
	d.DeployedAt = time.Now().UTC().Truncate(time.Millisecond)
	res, err := db.sql.ExecContext(ctx, `INSERT INTO deployments (target_id, machine_id, revision, remote_arn, version_arn, alias_arn, definition, deployed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, d.TargetID, d.MachineID, d.Revision, d.RemoteARN, d.VersionARN, d.AliasARN, string(d.Definition), millis(d.DeployedAt))
	if err != nil {
		return d, fmt.Errorf("store: record deployment of machine %d: %w", d.MachineID, err)
	}
	d.ID, err = res.LastInsertId()
	return d, err
}

// FindDeployments returns the last deployment of each machine to each target, by machine
// then target name; machineID 0 means every machine.
func (db *DB) FindDeployments(ctx context.Context, machineID int64) ([]resource.Deployment, error) {
	rows, err := db.sql.QueryContext(ctx, `
		SELECT d.id, d.target_id, t.name, d.machine_id, d.revision, d.remote_arn, d.version_arn, d.alias_arn, d.definition, d.deployed_at
		FROM deployments d JOIN targets t ON t.id = d.target_id
		WHERE d.id IN (SELECT max(id) FROM deployments WHERE ? = 0 OR machine_id = ? GROUP BY machine_id, target_id)
		ORDER BY d.machine_id, t.name`, machineID, machineID)
	if err != nil {
		return nil, fmt.Errorf("store: find deployments: %w", err)
	}
	defer rows.Close()
	var out []resource.Deployment
	for rows.Next() {
		var d resource.Deployment
		var def string
		var at int64
		if err := rows.Scan(&d.ID, &d.TargetID, &d.TargetName, &d.MachineID, &d.Revision, &d.RemoteARN, &d.VersionARN, &d.AliasARN, &def, &at); err != nil {
			return nil, fmt.Errorf("store: find deployments: %w", err)
		}
		d.Definition, d.DeployedAt = []byte(def), fromMillis(at)
		out = append(out, d)
	}
	return out, rows.Err()
}
