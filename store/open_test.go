package store

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenSetsEveryConnection checks the settings on several connections of the pool held at
// once, so each is a connection of its own: mattn/go-sqlite3 applies the DSN's settings to
// every connection it opens, and busy_timeout, foreign_keys and synchronous belong to a
// connection, not to the file.
func TestOpenSetsEveryConnection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts Options
		want int // PRAGMA synchronous: 1 NORMAL, 2 FULL
	}{
		{"zero options give NORMAL", Options{}, 1},
		{"NORMAL gives NORMAL", Options{Synchronous: SyncNormal}, 1},
		{"FULL gives FULL", Options{Synchronous: SyncFull}, 2},
		{"lower case full gives FULL", Options{Synchronous: "full"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, err := Open(ctx, filepath.Join(t.TempDir(), "test.db"), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			const conns = 4
			for i := range conns {
				c, err := db.sql.Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				got := map[string]any{}
				for _, p := range []string{"synchronous", "busy_timeout", "foreign_keys", "journal_mode"} {
					var v any
					if err := c.QueryRowContext(ctx, "PRAGMA "+p).Scan(&v); err != nil {
						t.Fatal(err)
					}
					got[p] = fmt.Sprint(v)
				}
				want := map[string]any{"synchronous": fmt.Sprint(tt.want), "busy_timeout": "10000",
					"foreign_keys": "1", "journal_mode": "wal"}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("connection %d of %d: %v, want %v", i+1, conns, got, want)
				}
			}
			if n := db.sql.Stats().OpenConnections; n < conns {
				t.Errorf("%d connections open, want at least %d: the test did not see distinct ones", n, conns)
			}
		})
	}
}

func TestOpenRefusesUnknownSynchronous(t *testing.T) {
	t.Parallel()
	_, err := Open(context.Background(), filepath.Join(t.TempDir(), "test.db"), Options{Synchronous: "OFF"})
	if err == nil || !strings.Contains(err.Error(), `synchronous must be normal or full, not "OFF"`) {
		t.Fatalf("Open with synchronous OFF: %v", err)
	}
}

// killChildEnv names the database a re-executed test binary commits to before it is killed.
const killChildEnv = "STEPSTUDIO_STORE_KILL_CHILD"

// TestCommitsSurviveKill kills (SIGKILL) a process that committed transactions with the
// default synchronous=NORMAL and never closed the database, then finds every one of them: a
// commit reaches the WAL file before it returns, and the WAL is read back on the next open.
// (What NORMAL does not promise, surviving a power loss, no test on one machine can show.)
func TestCommitsSurviveKill(t *testing.T) {
	if path := os.Getenv(killChildEnv); path != "" {
		commitAndWait(path)
		return
	}
	t.Parallel()
	path := filepath.Join(t.TempDir(), "killed.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCommitsSurviveKill$")
	cmd.Env = append(os.Environ(), killChildEnv+"="+path)
	// The child waits on its standard input, which ends with this test even if it fails.
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "committed ") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child said %q (%v)", line, err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	var committed int
	fmt.Sscanf(line, "committed %d", &committed)
	// The rows are in the WAL alone: nothing checkpointed them into the database file.
	if fi, err := os.Stat(path + "-wal"); err != nil || fi.Size() == 0 {
		t.Fatalf("no WAL left by the killed child: %v", err)
	}

	db, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.sql.QueryRow(`SELECT count(*) FROM saved_inputs`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != committed || committed == 0 {
		t.Fatalf("after kill -9: %d rows, the child committed %d", n, committed)
	}
}

// commitAndWait is the killed child: it commits rows one transaction each, says how many,
// and waits to be killed with the database open.
func commitAndWait(path string) {
	ctx := context.Background()
	db, err := Open(ctx, path, Options{})
	if err != nil {
		fmt.Println("open:", err)
		return
	}
	var machine int64
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(`INSERT INTO state_machines (name, arn, created_at, updated_at) VALUES ('m', 'arn:m', 0, 0)`)
		if err == nil {
			machine, err = res.LastInsertId()
		}
		return err
	})
	const rows = 100
	for i := 0; err == nil && i < rows; i++ {
		err = db.UpsertSavedInput(ctx, machine, fmt.Sprint("input-", i), "{}")
	}
	if err != nil {
		fmt.Println("commit:", err)
		return
	}
	fmt.Println("committed", rows)
	bufio.NewReader(os.Stdin).ReadString('\n')
	os.Exit(0)
}
