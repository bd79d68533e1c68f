//go:build unix

package store_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stepstudio/stepstudio/store"
)

// TestOpenKeepsDataPrivate checks the modes of what Open creates or finds: the database holds
// password hashes, task tokens and every input and output, so only its owner may read it.
// It does not run in parallel: it sets the process's umask, to the common 022 (files are
// world-readable unless Open says otherwise) and to 000, and puts it back at the end.
func TestOpenKeepsDataPrivate(t *testing.T) {
	defer syscall.Umask(syscall.Umask(0o022))
	ctx := context.Background()

	tests := []struct {
		name string
		// prepare makes what the folder holds before Open and returns the database path;
		// done is called when the test is over.
		prepare func(t *testing.T, dir string) (path string, done func())
		// folderMode is the mode the database's folder must have after Open.
		folderMode fs.FileMode
	}{
		{
			name: "a new folder is 0700 and new files 0600",
			prepare: func(t *testing.T, dir string) (string, func()) {
				return filepath.Join(dir, "data", "studio.db"), func() {}
			},
			folderMode: 0o700,
		},
		{
			name: "a new database in an existing folder is 0600, the folder stays as chosen",
			prepare: func(t *testing.T, dir string) (string, func()) {
				return filepath.Join(dir, "studio.db"), func() {}
			},
			folderMode: 0o755,
		},
		{
			// A database made before this check, opened by a second program (as "stepstudio
			// user" is while serve runs) while the first one keeps -wal and -shm.
			name: "an existing database and its -wal and -shm become 0600, its folder stays as chosen",
			prepare: func(t *testing.T, dir string) (string, func()) {
				path := filepath.Join(dir, "studio.db")
				first, err := store.Open(ctx, path, store.Options{})
				if err != nil {
					t.Fatal(err)
				}
				createMachine(t, first, "Before")
				for _, p := range []string{path, path + "-wal", path + "-shm"} {
					if err := os.Chmod(p, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				return path, func() { first.Close() }
			},
			folderMode: 0o755,
		},
	}
	for _, umask := range []int{0o022, 0o000} {
		syscall.Umask(umask)
		for _, tt := range tests {
			t.Run(fmt.Sprintf("umask %03o: %s", umask, tt.name), func(t *testing.T) {
				top := t.TempDir()
				if err := os.Chmod(top, 0o755); err != nil {
					t.Fatal(err)
				}
				path, done := tt.prepare(t, top)
				defer done()
				db, err := store.Open(ctx, path, store.Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				createMachine(t, db, "After") // SQLite has made -wal and -shm by the first write
				checkMode(t, filepath.Dir(path), tt.folderMode)
				for _, p := range []string{path, path + "-wal", path + "-shm"} {
					checkMode(t, p, 0o600)
				}
			})
		}
	}
}

func checkMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Errorf("%s has mode %04o, want %04o", filepath.Base(path), got, want)
	}
}
