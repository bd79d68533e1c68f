package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

// FindTags returns the tags of a resource, by key.
func (db *DB) FindTags(ctx context.Context, arn string) ([]resource.Tag, error) {
	rows, err := db.sql.QueryContext(ctx, `SELECT key, value FROM tags WHERE resource_arn = ? ORDER BY key`, arn)
	return collect(rows, err, "find tags", func(row scanner) (resource.Tag, error) {
		var t resource.Tag
		return t, row.Scan(&t.Key, &t.Value)
	})
}

// TagResource adds tags to a resource, replacing the values of keys it has, as long as it
// then has at most limit tags (ErrTooManyTags otherwise, and nothing changes).
func (db *DB) TagResource(ctx context.Context, arn string, tags []resource.Tag, limit int) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		for _, t := range tags {
			if _, err := tx.ExecContext(ctx, `INSERT INTO tags (resource_arn, key, value) VALUES (?, ?, ?)
				ON CONFLICT (resource_arn, key) DO UPDATE SET value = excluded.value`, arn, t.Key, t.Value); err != nil {
				return err
			}
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tags WHERE resource_arn = ?`, arn).Scan(&n); err != nil {
			return err
		}
		if n > limit {
			return ErrTooManyTags
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: tag %s: %w", arn, err)
	}
	return nil
}

// ErrTooManyTags says a resource would have more tags than allowed.
var ErrTooManyTags = resource.ErrTooManyTags

// UntagResource removes the tags with the given keys from a resource.
func (db *DB) UntagResource(ctx context.Context, arn string, keys []string) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		for _, k := range keys {
			if _, err := tx.ExecContext(ctx, `DELETE FROM tags WHERE resource_arn = ? AND key = ?`, arn, k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: untag %s: %w", arn, err)
	}
	return nil
}
