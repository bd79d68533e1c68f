package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
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
