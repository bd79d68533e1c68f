package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

// ErrNotFound is returned when the asked-for row does not exist.
var ErrNotFound = resource.ErrNotFound

// ErrExists is returned when a row with the same unique name already exists.
var ErrExists = resource.ErrExists

//go:embed migrations/*.sql
var migrations embed.FS

// DB is stepstudio's SQLite database.
type DB struct {
	sql *sql.DB
	// writer, while one runs (NewWriter), takes the writes of the hot path into its batches.
	writer atomic.Pointer[Writer]
	// express, when set (NewExpressHistory), holds the histories of Express executions.
	express atomic.Pointer[ExpressHistory]
	// stopCheckpoints stops the checkpointer (checkpoint.go), which closes checkpointsDone.
	stopCheckpoints, checkpointsDone chan struct{}
	closeOnce                        sync.Once
	// sealing is the key that seals the secrets of access keys, kept in a file beside the
	// database rather than in it (access_keys.go).
	sealing sealingKey
}

// Synchronous is SQLite's synchronous setting: when a commit waits for the disk. Both settings
// keep the database consistent (never corrupt) whatever happens; they differ in which
// committed transactions survive what. See https://www.sqlite.org/pragma.html#pragma_synchronous
// ("WAL mode is always consistent with synchronous=NORMAL, but WAL mode does lose durability. A
// transaction committed in WAL mode with synchronous=NORMAL might roll back following a power
// loss or system crash. Transactions are durable across application crashes regardless of the
// synchronous setting or journal mode.") and https://www.sqlite.org/wal.html ("Writers sync the
// WAL on every transaction commit if PRAGMA synchronous is set to FULL but omit this sync if
// PRAGMA synchronous is set to NORMAL.").
type Synchronous string

const (
	// SyncNormal, the default, syncs the WAL only at checkpoints: every committed transaction
	// survives a crash of the process (kill -9), but a power loss or OS crash may roll back
	// the last ones committed before it.
	SyncNormal Synchronous = "NORMAL"
	// SyncFull syncs the WAL at every commit, so committed transactions survive a power loss
	// or OS crash too, at the cost of an fsync per commit (about 9,400 one-row commits a
	// second on the 2-core machines of DESIGN.md, against 45,000 with NORMAL).
	SyncFull Synchronous = "FULL"
)

// ParseSynchronous reads a synchronous setting as a flag gives it: "normal" or "full", in any
// case; "" is the default, SyncNormal.
func ParseSynchronous(s string) (Synchronous, error) {
	switch v := Synchronous(strings.ToUpper(s)); v {
	case "":
		return SyncNormal, nil
	case SyncNormal, SyncFull:
		return v, nil
	}
	return "", fmt.Errorf("store: synchronous must be normal or full, not %q", s)
}

// Options are how Open sets the database up; the zero value gives the defaults.
type Options struct {
	// Synchronous is when a commit waits for the disk; "" is SyncNormal.
	Synchronous Synchronous
}

// Open opens (creating if needed) the SQLite file at path and applies pending migrations. A
// missing folder is created. Only the owner may read the folder it creates (0700), the file
// and its -wal and -shm files (0600), whatever the umask. The file path+".key", made with the
// first access key (0600 too), seals the access keys' secrets: it must go wherever the
// database goes.
//
// The settings below are in the DSN, which mattn/go-sqlite3 applies (as PRAGMAs) in its
// driver's Open, that is to every connection the database/sql pool opens, not just the first:
// busy_timeout, foreign_keys and synchronous are per connection in SQLite.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	sync, err := ParseSynchronous(string(opts.Synchronous))
	if err != nil {
		return nil, err
	}
	if err := makePrivate(path); err != nil {
		return nil, err
	}
	q := url.Values{}
	// WAL lets pages read while an execution writes its history.
	q.Set("_journal_mode", "WAL")
	// NORMAL keeps every commit through a process crash; FULL through a power loss too (see Synchronous).
	q.Set("_synchronous", string(sync))
	// Foreign keys keep events and tasks from outliving their execution.
	q.Set("_foreign_keys", "on")
	// Many executions write at once; wait for the lock rather than fail with SQLITE_BUSY.
	q.Set("_busy_timeout", "10000")
	// Take the write lock when a transaction begins, so busy_timeout applies to it instead of
	// failing on a read-to-write lock upgrade.
	q.Set("_txlock", "immediate")
	// The same few statements run for every event and every start: prepare them once per
	// connection, not at every run (preparing was a fifth of the history writer's time).
	q.Set("_stmt_cache_size", "32")
	db, err := sql.Open(driverName, "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := &DB{sql: db, stopCheckpoints: make(chan struct{}), checkpointsDone: make(chan struct{}),
		sealing: sealingKey{path: path + ".key"}}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	go s.checkpointer(s.stopCheckpoints, s.checkpointsDone)
	return s, nil
}

// makePrivate creates the database's folder and file for their owner alone, since they hold
// password hashes, task tokens and every execution's input and output. The file is created
// before SQLite opens it because SQLite gives the -wal and -shm files it makes the mode of the
// database file. A database made before this rule, with the -wal and -shm a running studio or
// a crash left, is set to 0600 too. A folder that exists was chosen by the user and keeps its
// mode, as does a file another user owns (the system refuses the change: its owner decides).
func makePrivate(path string) error {
	dir := filepath.Dir(path)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("store: create data folder: %w", err)
		}
		// MkdirAll's mode passes through the umask; a strict one could leave the folder unusable.
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("store: create data folder: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		err = f.Close()
	}
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("store: create %s: %w", path, err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		err := os.Chmod(p, 0o600)
		if err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrPermission) {
			return fmt.Errorf("store: make %s private: %w", p, err)
		}
	}
	return nil
}

// Close closes the database (the last connection's close checkpoints the WAL whole).
func (db *DB) Close() error {
	db.closeOnce.Do(func() { close(db.stopCheckpoints) })
	<-db.checkpointsDone
	return db.sql.Close()
}

// migrate applies, in order and each in its own transaction, the migrations not yet applied.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.sql.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		version, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("store: migration %s: name must start with its number", base)
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return fmt.Errorf("store: migration %s: %w", base, err)
		}
		if err := db.inTx(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
				version, millis(time.Now()))
			return err
		}); err != nil {
			return fmt.Errorf("store: migration %s: %w", base, err)
		}
	}
	return nil
}

// write runs fn in a transaction: the history writer's next one while a writer runs (it
// then shares the writer's commit instead of contending for SQLite's write lock), else one
// of its own.
func (db *DB) write(ctx context.Context, fn func(*sql.Tx) error) error {
	if w := db.writer.Load(); w != nil {
		return w.Do(ctx, fn)
	}
	return db.inTx(ctx, fn)
}

// inTx runs fn in a transaction, committing when it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func millis(t time.Time) int64 { return t.UnixMilli() }

func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

func fromNullMillis(ms sql.NullInt64) time.Time {
	if !ms.Valid {
		return time.Time{}
	}
	return fromMillis(ms.Int64)
}

// isUniqueViolation reports whether err is SQLite's UNIQUE constraint failure.
func isUniqueViolation(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(...any) error }

// collect scans every row of a query with scan; what names the query in errors.
func collect[T any](rows *sql.Rows, err error, what string, scan func(scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("store: %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return out, nil
}
