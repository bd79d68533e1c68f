package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/stepstudio/stepstudio/auth"
)

const userColumns = `users.id, users.name, users.password_hash, users.admin, users.created_at`

func scanUser(row scanner) (auth.User, error) {
	var u auth.User
	var created int64
	err := row.Scan(&u.ID, &u.Name, &u.PasswordHash, &u.Admin, &created)
	u.CreatedAt = fromMillis(created)
	return u, err
}

// findOneUser runs a query for at most one user; ErrNotFound when there is none.
func (db *DB) findOneUser(ctx context.Context, what, query string, args ...any) (auth.User, error) {
	u, err := scanUser(db.sql.QueryRowContext(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	}
	if err != nil {
		return auth.User{}, fmt.Errorf("store: %s: %w", what, err)
	}
	return u, nil
}

// CreateUser stores a user with a password hash made by auth.HashPassword; ErrExists when
// the name is taken.
func (db *DB) CreateUser(ctx context.Context, u auth.User) (auth.User, error) {
	u.CreatedAt = time.Now().UTC().Truncate(time.Millisecond)
	res, err := db.sql.ExecContext(ctx, `INSERT INTO users (name, password_hash, admin, created_at) VALUES (?, ?, ?, ?)`,
		u.Name, u.PasswordHash, u.Admin, millis(u.CreatedAt))
	if isUniqueViolation(err) {
		err = ErrExists
	}
	if err == nil {
		u.ID, err = res.LastInsertId()
	}
	if err != nil {
		return auth.User{}, fmt.Errorf("store: create user %q: %w", u.Name, err)
	}
	return u, nil
}

// FindUser returns the user with the given name.
func (db *DB) FindUser(ctx context.Context, name string) (auth.User, error) {
	return db.findOneUser(ctx, fmt.Sprintf("find user %q", name),
		`SELECT `+userColumns+` FROM users WHERE name = ?`, name)
}

// FindUsers returns every user, by name.
func (db *DB) FindUsers(ctx context.Context) ([]auth.User, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY name`)
	return collect(rows, err, "find users", scanUser)
}

// HasUsers reports whether any user exists, which is what makes a login required.
func (db *DB) HasUsers(ctx context.Context) (bool, error) {
	var n int
	if err := db.sql.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users)`).Scan(&n); err != nil {
		return false, fmt.Errorf("store: has users: %w", err)
	}
	return n == 1, nil
}

// DeleteUser deletes a user with their sessions and API keys; ErrNotFound when there is none.
func (db *DB) DeleteUser(ctx context.Context, name string) error {
	res, err := db.sql.ExecContext(ctx, `DELETE FROM users WHERE name = ?`, name)
	if err == nil {
		var n int64
		if n, err = res.RowsAffected(); err == nil && n == 0 {
			err = ErrNotFound
		}
	}
	if err != nil {
		return fmt.Errorf("store: delete user %q: %w", name, err)
	}
	return nil
}

// CreateSession stores a session of a user, by the hash of its id, until expires. Sessions
// that have expired are deleted on the way, so the table does not grow with every login.
func (db *DB) CreateSession(ctx context.Context, userID int64, tokenHash []byte, expires time.Time) error {
	return db.inTx(ctx, func(tx *sql.Tx) error {
		now := millis(time.Now())
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, now); err != nil {
			return fmt.Errorf("store: create session: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			tokenHash, userID, now, millis(expires)); err != nil {
			return fmt.Errorf("store: create session: %w", err)
		}
		return nil
	})
}

// FindSessionUser returns the user of a session that has not expired at now, and slides its
// expiry to expires. The write happens only when that moves the expiry by more than a
// minute, so a busy page does not write on every request. ErrNotFound when there is no such
// session or it has expired.
func (db *DB) FindSessionUser(ctx context.Context, tokenHash []byte, now, expires time.Time) (auth.User, error) {
	u, err := db.findOneUser(ctx, "find session",
		`SELECT `+userColumns+` FROM sessions JOIN users ON users.id = sessions.user_id
		 WHERE sessions.token_hash = ? AND sessions.expires_at > ?`, tokenHash, millis(now))
	if err != nil {
		return auth.User{}, err
	}
	if _, err := db.sql.ExecContext(ctx, `UPDATE sessions SET expires_at = ? WHERE token_hash = ? AND expires_at < ?`,
		millis(expires), tokenHash, millis(expires.Add(-time.Minute))); err != nil {
		return auth.User{}, fmt.Errorf("store: slide session: %w", err)
	}
	return u, nil
}

// DeleteSession ends a session; ending one that does not exist is not an error.
func (db *DB) DeleteSession(ctx context.Context, tokenHash []byte) error {
	if _, err := db.sql.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// CreateAPIKey stores the hash of an API key of the named user; ErrNotFound when there is no
// such user.
func (db *DB) CreateAPIKey(ctx context.Context, userName string, keyHash []byte) error {
	res, err := db.sql.ExecContext(ctx, `INSERT INTO api_keys (key_hash, user_id, created_at)
		SELECT ?, id, ? FROM users WHERE name = ?`, keyHash, millis(time.Now()), userName)
	if err == nil {
		var n int64
		if n, err = res.RowsAffected(); err == nil && n == 0 {
			err = ErrNotFound
		}
	}
	if err != nil {
		return fmt.Errorf("store: create API key of %q: %w", userName, err)
	}
	return nil
}

// FindAPIKeyUser returns the user an API key belongs to, by the key's hash.
func (db *DB) FindAPIKeyUser(ctx context.Context, keyHash []byte) (auth.User, error) {
	return db.findOneUser(ctx, "find API key",
		`SELECT `+userColumns+` FROM api_keys JOIN users ON users.id = api_keys.user_id WHERE api_keys.key_hash = ?`, keyHash)
}
