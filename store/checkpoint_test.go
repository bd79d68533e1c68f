package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckpointsAreTheDBsOwn: no connection checkpoints in its commits (the writer would pay
// for it): with the DB's checkpointer stopped, the WAL keeps every commit.
func TestCheckpointsAreTheDBsOwn(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "ckpt.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.closeOnce.Do(func() { close(db.stopCheckpoints) })
	<-db.checkpointsDone
	var auto int
	if err := db.sql.QueryRow(`PRAGMA wal_autocheckpoint`).Scan(&auto); err != nil || auto != 0 {
		t.Fatalf("wal_autocheckpoint %d (%v), want 0", auto, err)
	}
	if _, err := db.sql.Exec(`CREATE TABLE filler (x TEXT)`); err != nil {
		t.Fatal(err)
	}
	for range 20 { // about 2,000 pages: twice SQLite's default autocheckpoint
		if _, err := db.sql.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)
			INSERT INTO filler SELECT ? FROM n`, strings.Repeat("x", 3500)); err != nil {
			t.Fatal(err)
		}
	}
	var busy, frames, copied int
	if err := db.sql.QueryRow(`PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied); err != nil {
		t.Fatal(err)
	}
	if frames < 2000 || copied != frames {
		t.Errorf("the WAL has %d frames, %d copied by a checkpoint; want over 2,000 (none checkpointed before), all copied", frames, copied)
	}
}
