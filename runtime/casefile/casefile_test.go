package casefile_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stepstudio/stepstudio/runtime/casefile"
)

// write creates the files (relative path -> content) under a new temporary folder.
func write(t *testing.T, files map[string]string) string {
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

const passMachine = `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`

func TestReadFile(t *testing.T) {
	t.Parallel()
	str := func(s string) *string { return &s }
	tests := []struct {
		name    string
		content string
		want    *casefile.Case // Path and Definition are not compared
		err     string
	}{
		{name: "succeeded case",
			content: `{"name":"n","source":"s","definition":` + passMachine + `,"input":{"a":1},"expect":{"status":"SUCCEEDED","output":{"a":1}}}`,
			want:    &casefile.Case{Name: "n", Source: "s", Input: []byte(`{"a":1}`), Expect: casefile.Expect{Status: "SUCCEEDED", Output: []byte(`{"a":1}`)}}},
		{name: "failed case keeps null apart from absent",
			content: `{"definition":` + passMachine + `,"expect":{"status":"FAILED","error":null}}`,
			want:    &casefile.Case{Name: "case", Expect: casefile.Expect{Status: "FAILED", Error: str("")}}},
		{name: "timed out case",
			content: `{"definition":` + passMachine + `,"expect":{"status":"TIMED_OUT"}}`,
			want:    &casefile.Case{Name: "case", Expect: casefile.Expect{Status: "TIMED_OUT"}}},
		{name: "a misspelt key is refused",
			content: `{"definition":` + passMachine + `,"expect":{"status":"SUCCEEDED","ouput":{}}}`,
			err:     `unknown key "ouput" in "expect"`},
		{name: "an unknown status is refused",
			content: `{"definition":` + passMachine + `,"expect":{"status":"DONE"}}`,
			err:     `"status" must be SUCCEEDED, FAILED or TIMED_OUT, not "DONE"`},
		{name: "a missing definition is refused",
			content: `{"expect":{"status":"SUCCEEDED"}}`,
			err:     `"definition" is required`},
		{name: "invalid JSON says where",
			content: "{\n  \"definition\": {,\n}",
			err:     "invalid JSON at line 2, column 18"},
		{name: "a definition file that does not exist is refused",
			content: `{"definition":"missing.asl.json","expect":{"status":"SUCCEEDED"}}`,
			err:     "definition: open "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := write(t, map[string]string{"case.json": tt.content})
			got, err := casefile.ReadFile(filepath.Join(dir, "case.json"))
			if tt.err != "" {
				var fe *casefile.FileError
				if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.As(err, &fe) {
					t.Fatalf("got error %v, want a *FileError containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.Path, got.Definition = "", nil
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ReadFile (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadFileReadsANamedDefinitionBesideTheCase(t *testing.T) {
	t.Parallel()
	dir := write(t, map[string]string{
		"flows/order.asl.json":      passMachine,
		"flows/tests/order_ok.json": `{"definition":"../order.asl.json","expect":{"status":"SUCCEEDED"}}`,
	})
	c, err := casefile.ReadFile(filepath.Join(dir, "flows/tests/order_ok.json"))
	if err != nil {
		t.Fatal(err)
	}
	if string(c.Definition) != passMachine {
		t.Errorf("definition %s, want the file's content", c.Definition)
	}
}

func TestLoadSearchesFoldersForCases(t *testing.T) {
	t.Parallel()
	good := `{"definition":` + passMachine + `,"expect":{"status":"SUCCEEDED"}}`
	dir := write(t, map[string]string{
		"b.json":                     good,
		"a/deep/c.json":              good,
		"a/flow.asl.json":            passMachine,                               // a workflow: skipped
		"a/tsconfig.json":            "{ // comments\n}",                        // not JSON: skipped
		"a/broken.json":              `{"definition":{},"expect":{"status":1}}`, // a case, broken
		"README.md":                  "not json",                                // not .json: ignored
		".git/x.json":                good,                                      // hidden: not searched
		"node_modules/pkg/case.json": good,                                      // not searched
	})
	s, err := casefile.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	rel := func(p string) string { r, _ := filepath.Rel(dir, p); return filepath.ToSlash(r) }
	var cases, skipped, broken []string
	for _, c := range s.Cases {
		cases = append(cases, rel(c.Path))
	}
	for _, p := range s.Skipped {
		skipped = append(skipped, rel(p))
	}
	for _, err := range s.Broken {
		var fe *casefile.FileError
		if !errors.As(err, &fe) {
			t.Fatalf("broken entry %v is not a *FileError", err)
		}
		broken = append(broken, rel(fe.Path))
	}
	if diff := cmp.Diff([]string{"a/deep/c.json", "b.json"}, cases); diff != "" {
		t.Errorf("cases (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"a/flow.asl.json", "a/tsconfig.json"}, skipped); diff != "" {
		t.Errorf("skipped (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"a/broken.json"}, broken); diff != "" {
		t.Errorf("broken (-want +got):\n%s", diff)
	}
}

func TestLoadReportsAFileNamedOnItsOwnThatIsNoCase(t *testing.T) {
	t.Parallel()
	dir := write(t, map[string]string{"flow.asl.json": passMachine})
	s, err := casefile.Load(filepath.Join(dir, "flow.asl.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Cases) != 0 || len(s.Broken) != 1 {
		t.Errorf("got %d cases and broken %v, want one broken file", len(s.Cases), s.Broken)
	}
}

func TestLoadFailsForAMissingPath(t *testing.T) {
	t.Parallel()
	if _, err := casefile.Load(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("Load of a missing path returned no error")
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		c      casefile.Case
		passed bool
		report string
	}{
		{name: "an hour of Wait costs no real time",
			c: casefile.Case{
				Definition: []byte(`{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"Next":"T"},
					"T":{"Type":"Pass","Parameters":{"start.$":"$$.Execution.StartTime","now.$":"$$.State.EnteredTime"},"End":true}}}`),
				Expect: casefile.Expect{Status: "SUCCEEDED", Output: []byte(`{"start":"2026-03-01T12:00:00.000Z","now":"2026-03-01T13:00:00.000Z"}`)}},
			passed: true},
		{name: "the machine's timeout passes in virtual time",
			c: casefile.Case{
				Definition: []byte(`{"TimeoutSeconds":3600,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":7200,"End":true}}}`),
				Expect:     casefile.Expect{Status: "TIMED_OUT"}},
			passed: true},
		{name: "a wrong output is reported with its path",
			c: casefile.Case{
				Definition: []byte(`{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"a":1},"End":true}}}`),
				Expect:     casefile.Expect{Status: "SUCCEEDED", Output: []byte(`{"a":2}`)}},
			report: "output $.a: want 2, got 1"},
		{name: "a JSONata definition runs",
			c: casefile.Case{
				Definition: []byte(`{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $states.input.a + 1 %}","End":true}}}`),
				Input:      []byte(`{"a":1}`),
				Expect:     casefile.Expect{Status: "SUCCEEDED", Output: []byte(`2`)}},
			passed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// The waits and timeouts above are an hour or more: on a real clock no case could
			// end before this context, so ending at all shows the time was virtual (no timing
			// of our own, which a busy machine could upset).
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			o := casefile.Run(ctx, &tt.c, casefile.Options{})
			if o.Passed() != tt.passed || !strings.Contains(o.Report(), tt.report) {
				t.Errorf("passed %v, report %q; want passed %v and a report containing %q", o.Passed(), o.Report(), tt.passed, tt.report)
			}
		})
	}
}
