package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/store"
)

// finishedAgo is when the executions seedFinished stores finished, in days, oldest id first.
// The store never deletes the execution with the highest id (its id would be handed out
// again), so here that one finished last.
var finishedAgo = []time.Duration{40, 35, 10, 20, 1}

// seedFinished stores a machine with an execution for each of finishedAgo (in days), each with
// a history of three events, and returns the database's path.
func seedFinished(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "studio.db")
	db, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := db.CreateMachine(ctx, resource.StateMachine{Name: "Old", ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:Old",
		Definition: []byte(`{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`)})
	if err != nil {
		t.Fatal(err)
	}
	for i, ago := range finishedAgo {
		end := time.Now().Add(-ago * 24 * time.Hour)
		e, err := db.CreateExecution(ctx, resource.Execution{ARN: fmt.Sprint(m.ARN, ":run-", i), Name: fmt.Sprint("run-", i),
			StateMachineID: m.ID, VersionID: m.VersionID, Input: []byte(`{}`), StartedAt: end})
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range []runtime.Event{
			{ID: 1, Type: runtime.ExecutionStarted, Timestamp: end},
			{ID: 2, Type: runtime.PassStateEntered, State: "A", Timestamp: end},
			{ID: 3, Type: runtime.ExecutionFailed, Timestamp: end, Details: runtime.EventDetails{Error: "E"}},
		} {
			if err := db.Record(ctx, e.ARN, ev); err != nil {
				t.Fatal(err)
			}
		}
	}
	return path
}

// executionNames lists the executions in the database at path, oldest first.
func executionNames(t *testing.T, path string) string {
	t.Helper()
	db, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	list, err := db.FindExecutions(context.Background(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for i := len(list) - 1; i >= 0; i-- {
		names = append(names, list[i].Name)
	}
	return strings.Join(names, " ")
}

func TestPruneDeletesFinishedExecutionsOnce(t *testing.T) {
	t.Parallel()
	all := "run-0 run-1 run-2 run-3 run-4"
	tests := []struct {
		name   string
		args   []string
		says   string // on stdout, or in the error
		failed bool
		left   string
	}{
		{"older than 30 days", []string{"--older-than", "30"},
			"deleted 2 finished executions (6 history events)\n", false, "run-2 run-3 run-4"},
		{"keep the 2 finished last", []string{"--keep", "2"},
			"deleted 3 finished executions (9 history events)\n", false, "run-2 run-4"},
		{"either limit deletes", []string{"--older-than", "15", "--keep", "4"},
			"deleted 3 finished executions (9 history events)\n", false, "run-2 run-4"},
		{"a dry run deletes nothing", []string{"--dry-run", "--older-than", "30"},
			"would delete 2 finished executions (6 history events); deleted nothing (--dry-run)\n", false, all},
		{"nothing old enough", []string{"--older-than", "50"},
			"deleted 0 finished executions (0 history events)\n", false, all},
		{"no limit is refused", nil, "prune needs --older-than DAYS, --keep N or both", true, all},
		{"a negative count is refused", []string{"--keep", "-1"}, "--keep must be a number of executions, 0 or more, not -1", true, all},
		{"an argument is refused", []string{"--keep", "1", "everything"}, `prune takes no arguments, got ["everything"]`, true, all},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := seedFinished(t)
			stdout, _, err := runCLI(t, append([]string{"prune", "--db", path}, tt.args...)...)
			if tt.failed {
				if err == nil || !strings.Contains(err.Error(), tt.says) {
					t.Fatalf("prune %q: %v, want an error saying %q", tt.args, err, tt.says)
				}
			} else if err != nil || stdout != tt.says {
				t.Fatalf("prune %q: %q (%v), want %q", tt.args, stdout, err, tt.says)
			}
			if left := executionNames(t, path); left != tt.left {
				t.Errorf("left %q, want %q", left, tt.left)
			}
		})
	}
}

func TestPruneDoesNotCreateADatabase(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "missing.db")
	_, _, err := runCLI(t, "prune", "--keep", "1", "--db", path)
	if err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("prune of a missing file: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("prune created %s: %v", path, err)
	}
}

func TestServeRetainsExecutions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		args []string
		left string
	}{
		{"--retain-executions", nil, []string{"--retain-executions", "1"}, "run-4"},
		{"--retain-days", nil, []string{"--retain-days", "30"}, "run-2 run-3 run-4"},
		{"both, from the environment", map[string]string{"STEPSTUDIO_RETAIN_DAYS": "15", "STEPSTUDIO_RETAIN_EXECUTIONS": "4"},
			nil, "run-2 run-4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := seedFinished(t)
			s, err := startStudioEnv(t, tt.env, append([]string{"--addr", "127.0.0.1:0", "--db", path}, tt.args...)...)
			if err != nil {
				t.Fatal(err)
			}
			defer s.stop()
			eventually(t, "retention at start to leave "+tt.left, func() bool { return executionNames(t, path) == tt.left })
		})
	}
	t.Run("a retention that is not a number is refused", func(t *testing.T) {
		t.Parallel()
		_, err := startStudioEnv(t, map[string]string{"STEPSTUDIO_RETAIN_EXECUTIONS": "lots"},
			"--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "studio.db"))
		if err == nil || !strings.Contains(err.Error(), "--retain-executions (or STEPSTUDIO_RETAIN_EXECUTIONS) must be a number") {
			t.Fatalf("serve: %v", err)
		}
	})
}
