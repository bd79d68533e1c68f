package store_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stepstudio/stepstudio/auth"
	"github.com/stepstudio/stepstudio/store"
)

// openAt opens (creating) the database at path, closed when the test ends.
func openAt(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestAccessKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "keys.db")
	db := openAt(t, path)
	createUser(t, db, "erin", true)
	id, secret := auth.NewAccessKeyID(), auth.NewAPIKey()

	if err := db.CreateAccessKey(ctx, "nobody", id, secret); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("key for a missing user: %v, want ErrNotFound", err)
	}
	if _, err := os.Stat(path + ".key"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the key file exists before any access key: %v", err)
	}
	if err := db.CreateAccessKey(ctx, "erin", id, secret); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateAccessKey(ctx, "erin", id, auth.NewAPIKey()); !errors.Is(err, store.ErrExists) {
		t.Fatalf("the same id twice: %v, want ErrExists", err)
	}

	t.Run("the key gives its user and secret", func(t *testing.T) {
		t.Parallel()
		u, got, err := db.FindAccessKey(ctx, id)
		if err != nil || u.Name != "erin" || !u.Admin || got != secret {
			t.Fatalf("FindAccessKey = %+v, %q, %v", u, got, err)
		}
	})
	t.Run("an unknown key is not found", func(t *testing.T) {
		t.Parallel()
		if _, _, err := db.FindAccessKey(ctx, auth.NewAccessKeyID()); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown key: %v, want ErrNotFound", err)
		}
	})
	t.Run("the secret is an API key too", func(t *testing.T) {
		t.Parallel()
		if u, err := db.FindAPIKeyUser(ctx, auth.HashToken(secret)); err != nil || u.Name != "erin" {
			t.Fatalf("FindAPIKeyUser(secret) = %+v, %v", u, err)
		}
	})
	t.Run("the key file is the owner's and 32 bytes", func(t *testing.T) {
		t.Parallel()
		info, err := os.Stat(path + ".key")
		if err != nil || info.Size() != 32 || (runtime.GOOS != "windows" && info.Mode().Perm() != 0o600) {
			t.Fatalf("key file: %v, %v", info, err)
		}
	})
	t.Run("the database holds no secret", func(t *testing.T) {
		t.Parallel()
		for _, p := range []string{path, path + "-wal"} {
			b, err := os.ReadFile(p)
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte(secret)) {
				t.Fatalf("%s holds the secret in clear", p)
			}
		}
	})
	t.Run("another process reads the key file", func(t *testing.T) {
		t.Parallel()
		other := openAt(t, path)
		if _, got, err := other.FindAccessKey(ctx, id); err != nil || got != secret {
			t.Fatalf("FindAccessKey from a second handle = %q, %v", got, err)
		}
	})
}

func TestAccessKeysWithoutTheirKeyFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name    string
		keyFile func(path string) error // what becomes of the key file
		problem string
	}{
		{"a missing key file is an error", os.Remove, "is missing"},
		{"another database's key file does not open the secret", func(path string) error {
			return os.WriteFile(path, bytes.Repeat([]byte{7}, 32), 0o600)
		}, "does not open"},
		{"a key file of the wrong size is an error", func(path string) error {
			return os.WriteFile(path, []byte("short"), 0o600)
		}, "holds 5 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "keys.db")
			db := openAt(t, path)
			createUser(t, db, "fay", false)
			id := auth.NewAccessKeyID()
			if err := db.CreateAccessKey(ctx, "fay", id, auth.NewAPIKey()); err != nil {
				t.Fatal(err)
			}
			if err := tc.keyFile(path + ".key"); err != nil {
				t.Fatal(err)
			}
			// A new handle, as a restarted studio: the first one keeps the key it read.
			_, _, err := openAt(t, path).FindAccessKey(ctx, id)
			if err == nil || errors.Is(err, store.ErrNotFound) || !strings.Contains(err.Error(), tc.problem) {
				t.Fatalf("FindAccessKey = %v, want an error saying %q", err, tc.problem)
			}
		})
	}
}

func TestAccessKeysGoWithTheirUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	createUser(t, db, "gil", false)
	id, secret := auth.NewAccessKeyID(), auth.NewAPIKey()
	if err := db.CreateAccessKey(ctx, "gil", id, secret); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteUser(ctx, "gil"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.FindAccessKey(ctx, id); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("access key of a deleted user: %v, want ErrNotFound", err)
	}
	if _, err := db.FindAPIKeyUser(ctx, auth.HashToken(secret)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("secret of a deleted user as an API key: %v, want ErrNotFound", err)
	}
}
