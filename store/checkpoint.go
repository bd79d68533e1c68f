package store

import (
	"context"
	"database/sql"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// SQLite in WAL mode appends commits to the -wal file and copies them into the database file
// at checkpoints, which sync the disk. By default the connection whose commit takes the WAL
// past 1,000 pages runs the checkpoint inside that commit: that is the history writer, which
// then spent nearly half its time checkpointing (a 1,000-state chain over a 1 KB document:
// 19,000 transitions/s with it, 35,000 without). So no connection checkpoints when it commits
// (wal_autocheckpoint = 0, set on every connection the pool opens) and a goroutine of the
// DB's own checkpoints beside the writer instead, PASSIVE (without taking the write lock).
//
// What a commit survives is unchanged (see Synchronous): that is decided when the WAL is
// synced, at commit with FULL, at checkpoints with NORMAL.
func init() {
	sql.Register(driverName, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec(`PRAGMA wal_autocheckpoint = 0`, nil)
		if err == nil {
			// A WAL that grew under load is cut back to this once it is checkpointed.
			_, err = c.Exec(`PRAGMA journal_size_limit = 67108864`, nil)
		}
		return err
	}})
}

// driverName is mattn/go-sqlite3 with the connection settings above.
const driverName = "sqlite3_stepstudio"

const (
	// checkpointEvery is how often the checkpointer runs: often enough that a checkpoint is
	// short, rarely enough that its disk syncs cost nothing much.
	checkpointEvery = time.Second
	// maxWALFrames is the WAL's size (in pages) past which a checkpoint waits for the writer
	// (RESTART) rather than let the file grow: passive checkpoints can fall behind when
	// the writer never pauses.
	maxWALFrames = 32768
)

// checkpointer checkpoints the WAL every checkpointEvery until stop is closed, then
// closes done.
func (db *DB) checkpointer(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	tick := time.NewTicker(checkpointEvery)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			db.checkpoint(context.Background())
		}
	}
}

// checkpoint copies the WAL into the database file as far as it can without waiting, and
// waits for the writer when the WAL has grown past maxWALFrames. A failed checkpoint loses
// nothing (the WAL still holds every commit); the next one tries again.
func (db *DB) checkpoint(ctx context.Context) {
	var busy, frames, copied int
	if err := db.sql.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied); err != nil {
		return
	}
	if frames > maxWALFrames {
		db.sql.ExecContext(ctx, `PRAGMA wal_checkpoint(RESTART)`)
	}
}
