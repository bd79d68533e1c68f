package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBenchCommand measures the small workloads in testdata/bench, each in a child process
// (this test binary acting as the program, see TestMain), and checks the JSON peer.mjs's
// shape and the table.
func TestBenchCommand(t *testing.T) {
	t.Setenv("STEPSTUDIO_TEST_AS_MAIN", "1") // for the children; TestMain has run in this one
	out := filepath.Join(t.TempDir(), "bench.json")
	stdout, stderr, err := runCLI(t, "bench", "--runs", "3", "--warmup", "1", "--json", out, filepath.Join("testdata", "bench"))
	if err == nil || !strings.Contains(err.Error(), "1 of 4 workload runs failed") {
		t.Errorf("bench returned %v, want the no-handler workload to fail; stderr:\n%s", err, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Env     map[string]any   `json:"env"`
		Results []map[string]any `json:"results"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Env["runs"] != 3.0 || doc.Env["mode"] != "child process per workload" {
		t.Errorf("env %v", doc.Env)
	}
	var modes []string
	for _, r := range doc.Results {
		modes = append(modes, r["workload"].(string)+"/"+r["mode"].(string))
	}
	if got, want := strings.Join(modes, " "), "echo-chain/single many/c1 many/c4 no-handler/single"; got != want {
		t.Fatalf("results %s, want %s", got, want)
	}
	for _, r := range doc.Results[:3] {
		wall, _ := r["wall_ms"].(map[string]any)
		tps, _ := r["transitions_per_s"].(map[string]any)
		verify, _ := r["verify"].(map[string]any)
		if wall == nil || wall["median"] == nil || wall["min"] == nil || wall["max"] == nil || tps == nil || tps["median"] == nil {
			t.Errorf("%v: no wall_ms or transitions_per_s", r["workload"])
		}
		if rss, _ := r["peak_rss_mb"].(float64); rss <= 0 {
			t.Errorf("%v: peak_rss_mb %v", r["workload"], r["peak_rss_mb"])
		}
		if _, ok := r["compile_ms"].(float64); !ok {
			t.Errorf("%v: compile_ms %v", r["workload"], r["compile_ms"])
		}
		if verify["ok"] != true {
			t.Errorf("%v: verify %v", r["workload"], verify)
		}
		execs, present := r["executions_per_s"]
		if multi := r["workload"] == "many"; !present || (execs == nil) == multi {
			t.Errorf("%v: executions_per_s %v", r["workload"], execs)
		}
	}
	failed := doc.Results[3]
	if !strings.Contains(failed["error"].(string), "no local handler") || len(failed) != 3 {
		t.Errorf("the failed workload reads %v, want workload, mode and its error", failed)
	}
	// The table: a header, then one row per result, its columns apart.
	var rows []string
	for line := range strings.Lines(stdout) {
		if !strings.HasPrefix(line, "#") {
			rows = append(rows, strings.Join(strings.Fields(line), " "))
		}
	}
	for i, want := range []string{"workload mode runs wall med ms", "echo-chain single 3 ", "many c1 3 ", "many c4 3 ",
		"no-handler single ERROR the execution FAILED: States.TaskFailed"} {
		if i >= len(rows) || !strings.HasPrefix(rows[i], want) {
			t.Errorf("table row %d does not start with %q:\n%s", i, want, stdout)
		}
	}
}

func TestBenchCommandInProcess(t *testing.T) {
	t.Parallel()
	stdout, stderr, err := runCLI(t, "bench", "--inproc", "--runs", "1", "--warmup", "0", filepath.Join("testdata", "bench", "echo-chain"))
	if err != nil {
		t.Fatalf("bench returned %v; stderr:\n%s", err, stderr)
	}
	if row := strings.Fields(strings.Split(stdout, "\n")[2]); len(row) < 3 || row[0] != "echo-chain" || row[len(row)-1] != "ok" {
		t.Errorf("table:\n%s", stdout)
	}
}

func TestReadPath(t *testing.T) {
	t.Parallel()
	doc := map[string]any{"a": map[string]any{"b": []any{"x", map[string]any{"c": 1.0}}}}
	tests := []struct {
		path  string
		want  any
		found bool
	}{
		{"$.a.b[1].c", 1.0, true},
		{"$.a.b[0]", "x", true},
		{"$.a.b[2]", nil, false},
		{"$.a.x", nil, false},
		{"$.a[0]", nil, false},
	}
	for _, tt := range tests {
		got, found := readPath(doc, tt.path)
		if got != tt.want || found != tt.found {
			t.Errorf("readPath(%s) = %v, %v; want %v, %v", tt.path, got, found, tt.want, tt.found)
		}
	}
}

func TestThousands(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 14035: "14,035", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestBenchCommandJSONata runs a workload and, right after it, its JSONata conversion; both
// must give the expected output.
func TestBenchCommandJSONata(t *testing.T) {
	t.Parallel()
	stdout, stderr, err := runCLI(t, "bench", "--inproc", "--jsonata", "--runs", "1", "--warmup", "0", filepath.Join("testdata", "bench", "echo-chain"))
	if err != nil {
		t.Fatalf("bench returned %v; stderr:\n%s", err, stderr)
	}
	lines := strings.Split(stdout, "\n")
	if len(lines) < 4 || !strings.HasPrefix(lines[2], "echo-chain ") || !strings.HasPrefix(lines[3], "echo-chain (JSONata) ") ||
		!strings.HasSuffix(strings.TrimSpace(lines[2]), " ok") || !strings.HasSuffix(strings.TrimSpace(lines[3]), " ok") {
		t.Errorf("table:\n%s", stdout)
	}
}
