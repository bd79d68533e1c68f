package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runCLI runs the real program with args, as main would, and returns what it printed.
func runCLI(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	err = run(ctx, args, func(string) string { return "" }, &out, &errOut)
	return out.String(), errOut.String(), err
}

// writeFiles creates the files (relative path -> content) under a new temporary folder.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestMain lets the test binary act as the program: the bench command re-executes its own
// binary for each workload, and under `go test` that binary is this one.
func TestMain(m *testing.M) {
	if os.Getenv("STEPSTUDIO_TEST_AS_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	// Every process the program starts from here (bench children, layout workers) runs
	// os.Executable(), which is this test binary: make it the program there.
	os.Setenv("STEPSTUDIO_TEST_AS_MAIN", "1")
	os.Exit(m.Run())
}

// TestHelp checks that every way of asking for help exits cleanly, and that the top-level
// help lists each command on one line followed by the flags of serve, the default command.
func TestHelp(t *testing.T) {
	t.Parallel()
	commands := []string{"serve", "test", "validate", "run", "bench", "user", "prune", "target", "deploy", "pull", "export", "help"}
	tests := []struct {
		name string
		args []string
		// topLevel: the command list and serve's flags on stdout; otherwise the command's
		// own usage, on either stream.
		topLevel bool
		says     []string
	}{
		{"--help lists the commands", []string{"--help"}, true, nil},
		{"-h lists the commands", []string{"-h"}, true, nil},
		{"help lists the commands", []string{"help"}, true, nil},
		{"serve --help shows its flags", []string{"serve", "--help"}, false, []string{"-addr", "-db"}},
		{"serve -h shows its flags", []string{"serve", "-h"}, false, []string{"-addr", "-db"}},
		{"test -h", []string{"test", "-h"}, false, []string{"-run"}},
		{"validate -h", []string{"validate", "-h"}, false, []string{"stepstudio validate FILE"}},
		{"run -h", []string{"run", "-h"}, false, []string{"-input"}},
		{"bench -h", []string{"bench", "-h"}, false, []string{"-runs"}},
		{"user -h", []string{"user", "-h"}, false, []string{"add NAME"}},
		{"user add -h", []string{"user", "add", "-h"}, false, []string{"-admin"}},
		{"prune -h", []string{"prune", "-h"}, false, []string{"-older-than", "-keep", "-dry-run"}},
		{"export -h", []string{"export", "-h"}, false, []string{"-format", "-out", "-db"}},
		{"target -h", []string{"target", "-h"}, false, []string{"add NAME --region R", "--access-key-id"}},
		{"deploy -h", []string{"deploy", "-h"}, false, []string{"-target", "-alias", "-dry-run", "-role-arn"}},
		{"pull -h", []string{"pull", "-h"}, false, []string{"-target", "-as"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, err := runCLI(t, tt.args...)
			if err != nil {
				t.Fatalf("run %q: %v (exit 1)\nstdout:\n%s\nstderr:\n%s", tt.args, err, stdout, stderr)
			}
			all := stdout + stderr
			if strings.Contains(all, "help requested") {
				t.Errorf("the output mentions %q:\n%s", "help requested", all)
			}
			for _, want := range tt.says {
				if !strings.Contains(all, want) {
					t.Errorf("the output does not say %q:\n%s", want, all)
				}
			}
			if !tt.topLevel {
				return
			}
			// One line per command, in a block of its own.
			_, list, ok := strings.Cut(stdout, "commands:\n")
			if !ok {
				t.Fatalf("no \"commands:\" section on stdout:\n%s", stdout)
			}
			list, flags, _ := strings.Cut(list, "\n\n")
			lines := strings.Split(list, "\n")
			if len(lines) != len(commands) {
				t.Errorf("%d lines of commands, want %d (one per command):\n%s", len(lines), len(commands), list)
			}
			for i, cmd := range commands {
				if i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), cmd+" ") {
					t.Errorf("line %d of the commands is %q, want it to start with %q", i+1, lines[i], cmd)
				}
			}
			// Then serve's flags, with their defaults and environment fallbacks.
			for _, want := range []string{"serve", "-addr", `"127.0.0.1:8080"`, "STEPSTUDIO_ADDR",
				"-db", `"data/stepstudio.db"`, "STEPSTUDIO_DB", "-dev", "-layout-in-process",
				"-max-history-events", "STEPSTUDIO_MAX_HISTORY_EVENTS", "-host", "STEPSTUDIO_HOSTS",
				"-sync", "STEPSTUDIO_SYNC", "-retain-days", "STEPSTUDIO_RETAIN_DAYS",
				"-retain-executions", "STEPSTUDIO_RETAIN_EXECUTIONS"} {
				if !strings.Contains(flags, want) {
					t.Errorf("the flags part does not say %q:\n%s", want, flags)
				}
			}
		})
	}
}
