package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stepstudio/stepstudio/auth"
	"github.com/stepstudio/stepstudio/store"
)

func createUser(t *testing.T, db *store.DB, name string, admin bool) auth.User {
	t.Helper()
	u, err := db.CreateUser(context.Background(), auth.User{Name: name, PasswordHash: []byte("hash of " + name), Admin: admin})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestUsers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	if has, err := db.HasUsers(ctx); err != nil || has {
		t.Fatalf("a new database has users: %v %v", has, err)
	}
	createUser(t, db, "bob", false)
	createUser(t, db, "alice", true)
	if _, err := db.CreateUser(ctx, auth.User{Name: "bob", PasswordHash: []byte("x")}); !errors.Is(err, store.ErrExists) {
		t.Fatalf("a second bob: %v, want ErrExists", err)
	}
	users, err := db.FindUsers(ctx)
	if err != nil || len(users) != 2 || users[0].Name != "alice" || !users[0].Admin || users[1].Admin {
		t.Fatalf("FindUsers = %+v, %v", users, err)
	}
	bob, err := db.FindUser(ctx, "bob")
	if err != nil || string(bob.PasswordHash) != "hash of bob" {
		t.Fatalf("FindUser = %+v, %v", bob, err)
	}
	if has, _ := db.HasUsers(ctx); !has {
		t.Fatal("HasUsers is false with two users")
	}
	if err := db.DeleteUser(ctx, "bob"); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteUser(ctx, "bob"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleting bob twice: %v, want ErrNotFound", err)
	}
	if _, err := db.FindUser(ctx, "bob"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleted bob found: %v", err)
	}
}

func TestSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	u := createUser(t, db, "carol", false)
	now := time.Now()
	live, expired := auth.HashToken("live"), auth.HashToken("expired")
	if err := db.CreateSession(ctx, u.ID, live, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateSession(ctx, u.ID, expired, now.Add(-time.Second)); err != nil {
		t.Fatal(err)
	}

	t.Run("a live session finds its user and slides", func(t *testing.T) {
		got, err := db.FindSessionUser(ctx, live, now, now.Add(12*time.Hour))
		if err != nil || got.Name != "carol" {
			t.Fatalf("FindSessionUser = %+v, %v", got, err)
		}
		// Eleven hours later the session still lives, because the first use slid it.
		if _, err := db.FindSessionUser(ctx, live, now.Add(11*time.Hour), now.Add(23*time.Hour)); err != nil {
			t.Fatalf("the session did not slide: %v", err)
		}
		if _, err := db.FindSessionUser(ctx, live, now.Add(24*time.Hour), now.Add(36*time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unused for 12 h, the session still lives: %v", err)
		}
	})
	t.Run("an expired session is not found", func(t *testing.T) {
		if _, err := db.FindSessionUser(ctx, expired, now, now.Add(time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("expired session: %v, want ErrNotFound", err)
		}
	})
	t.Run("a deleted session is not found", func(t *testing.T) {
		other := auth.HashToken("other")
		if err := db.CreateSession(ctx, u.ID, other, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteSession(ctx, other); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindSessionUser(ctx, other, now, now.Add(time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("logged-out session: %v, want ErrNotFound", err)
		}
	})
}

func TestAPIKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openDB(t)
	createUser(t, db, "dave", true)
	key := auth.NewAPIKey()
	if err := db.CreateAPIKey(ctx, "dave", auth.HashToken(key)); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateAPIKey(ctx, "nobody", auth.HashToken(auth.NewAPIKey())); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("key for a missing user: %v, want ErrNotFound", err)
	}
	u, err := db.FindAPIKeyUser(ctx, auth.HashToken(key))
	if err != nil || u.Name != "dave" || !u.Admin {
		t.Fatalf("FindAPIKeyUser = %+v, %v", u, err)
	}
	if _, err := db.FindAPIKeyUser(ctx, auth.HashToken(key+"x")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("wrong key: %v, want ErrNotFound", err)
	}
	if err := db.DeleteUser(ctx, "dave"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FindAPIKeyUser(ctx, auth.HashToken(key)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("key of a deleted user: %v, want ErrNotFound", err)
	}
}
