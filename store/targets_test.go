package store_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/store"
)

func TestTargets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "targets.db")
	db := openAt(t, path)
	const secret = "target-secret-never-in-the-file"

	staging, err := db.CreateTarget(ctx, resource.Target{Name: "staging", Endpoint: "http://127.0.0.1:9999", Region: "eu-west-1",
		AccessKeyID: "AKIDSTAGING", RoleARN: "arn:aws:iam::123456789012:role/sfn"}, secret)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateTarget(ctx, resource.Target{Name: "aws", Region: "us-east-1", Profile: "prod"}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateTarget(ctx, resource.Target{Name: "staging", Region: "us-east-1"}, ""); !errors.Is(err, store.ErrExists) {
		t.Fatalf("a second target named staging: %v, want ErrExists", err)
	}

	all, err := db.FindTargets(ctx)
	if err != nil || len(all) != 2 || all[0].Name != "aws" || all[1].Name != "staging" {
		t.Fatalf("FindTargets = %+v, %v; want aws, staging", all, err)
	}
	got, err := db.FindTarget(ctx, "staging")
	if err != nil || got.Endpoint != "http://127.0.0.1:9999" || got.AccessKeyID != "AKIDSTAGING" || got.RoleARN != staging.RoleARN {
		t.Fatalf("FindTarget = %+v, %v", got, err)
	}
	if s, err := db.TargetSecret(ctx, "staging"); err != nil || s != secret {
		t.Fatalf("TargetSecret = %q, %v", s, err)
	}
	if s, err := db.TargetSecret(ctx, "aws"); err != nil || s != "" {
		t.Fatalf("TargetSecret of a chain target = %q, %v; want none", s, err)
	}
	if _, err := db.FindTarget(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("FindTarget(nope) = %v", err)
	}

	// The secret is sealed: neither the database nor its write-ahead log holds it.
	for _, f := range []string{path, path + "-wal"} {
		data, err := os.ReadFile(f)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte(secret)) {
			t.Fatalf("%s holds the secret in clear text", f)
		}
	}

	m := createMachine(t, db, "orders")
	for i, def := range []string{`{"v":1}`, `{"v":2}`} {
		if _, err := db.RecordDeployment(ctx, resource.Deployment{TargetID: staging.ID, MachineID: m.ID, Revision: i + 1,
			RemoteARN: "arn:aws:states:eu-west-1:123456789012:stateMachine:orders", Definition: []byte(def)}); err != nil {
			t.Fatal(err)
		}
	}
	deps, err := db.FindDeployments(ctx, m.ID)
	if err != nil || len(deps) != 1 || string(deps[0].Definition) != `{"v":2}` || deps[0].TargetName != "staging" || deps[0].Revision != 2 {
		t.Fatalf("FindDeployments = %+v, %v; want the last one to staging", deps, err)
	}
	if err := db.DeleteTarget(ctx, "staging"); err != nil {
		t.Fatal(err)
	}
	if deps, err := db.FindDeployments(ctx, 0); err != nil || len(deps) != 0 {
		t.Fatalf("deployments after the target went: %+v, %v", deps, err)
	}
	if err := db.DeleteTarget(ctx, "staging"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("deleting it again: %v", err)
	}
}
