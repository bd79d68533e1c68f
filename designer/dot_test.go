package designer_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stepstudio/stepstudio/designer"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata (DOT, templates)")

// goldenCases are the definitions in testdata, each drawn as testdata/<golden>.dot.
var goldenCases = []struct {
	def    string // file in testdata
	golden string // golden file in testdata, without .dot
	opts   designer.DOTOptions
}{
	{"pass_chain.json", "pass_chain", designer.DOTOptions{}},
	{"pass_chain.json", "pass_chain_lr", designer.DOTOptions{Direction: designer.LeftToRight}},
	{"choice.json", "choice", designer.DOTOptions{}},
	{"task_catch_callback.json", "task_catch_callback", designer.DOTOptions{}},
	{"parallel.json", "parallel", designer.DOTOptions{}},
	{"map.json", "map", designer.DOTOptions{}},
	{"missing_target.json", "missing_target", designer.DOTOptions{}},
	{"escaping.json", "escaping", designer.DOTOptions{}},
	{"loop.json", "loop", designer.DOTOptions{}},
	{"notes.json", "notes", designer.DOTOptions{}},
	{"notes.json", "notes_lr", designer.DOTOptions{Direction: designer.LeftToRight}},
	{"notes.json", "notes_hidden", designer.DOTOptions{HideNotes: true}},
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDOTGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range goldenCases {
		t.Run(tc.golden, func(t *testing.T) {
			t.Parallel()
			g, err := designer.NewGraph(readTestdata(t, tc.def))
			if err != nil {
				t.Fatalf("NewGraph: %v", err)
			}
			got := designer.DOT(g, tc.opts)
			path := filepath.Join("testdata", tc.golden+".dot")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want := string(readTestdata(t, tc.golden+".dot"))
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("DOT differs from %s (-want +got; rerun with -update and review the diff):\n%s", path, diff)
			}
		})
	}
}

func TestDOTDeterministic(t *testing.T) {
	t.Parallel()
	for _, tc := range goldenCases {
		def := readTestdata(t, tc.def)
		var first string
		for i := range 5 {
			// A fresh graph each time: determinism must not depend on reusing one value.
			g, err := designer.NewGraph(def)
			if err != nil {
				t.Fatalf("%s: NewGraph: %v", tc.def, err)
			}
			dot := designer.DOT(g, tc.opts)
			if i == 0 {
				first = dot
			} else if dot != first {
				t.Fatalf("%s: DOT of pass %d differs from the first", tc.def, i)
			}
		}
	}
}

func TestDOTMarkers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, def          string
		wantStart, wantEnd bool
	}{
		{"both", `{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}`, true, true},
		{"no ending state, no End marker", `{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "A"}}}`, true, false},
		{"no StartAt, no Start marker", `{"States": {"A": {"Type": "Pass", "End": true}}}`, false, true},
		{"a missing target does not end", `{"States": {"A": {"Type": "Pass", "Next": "B"}}}`, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g, err := designer.NewGraph([]byte(tt.def))
			if err != nil {
				t.Fatal(err)
			}
			dot := designer.DOT(g, designer.DOTOptions{})
			if got := strings.Contains(dot, `"marker-start" [`); got != tt.wantStart {
				t.Errorf("Start marker drawn = %v, want %v\n%s", got, tt.wantStart, dot)
			}
			if got := strings.Contains(dot, `"marker-end" [`); got != tt.wantEnd {
				t.Errorf("End marker drawn = %v, want %v\n%s", got, tt.wantEnd, dot)
			}
		})
	}
}

func TestDOTLoopDoesNotConstrainRanks(t *testing.T) {
	t.Parallel()
	g, err := designer.NewGraph(readTestdata(t, "loop.json"))
	if err != nil {
		t.Fatal(err)
	}
	var loose []string
	for _, line := range strings.Split(designer.DOT(g, designer.DOTOptions{}), "\n") {
		if strings.Contains(line, "constraint=false") {
			loose = append(loose, strings.TrimSpace(line[:strings.Index(line, " [")]))
		}
	}
	// Only the Default back to Poll closes the loop; Poll is declared first in the document,
	// but the walk starts at StartAt, so no edge into "Start job" or out of Poll is loose.
	want := []string{`"state-Done_3f_" -> "state-Poll"`}
	if diff := cmp.Diff(want, loose); diff != "" {
		t.Errorf("edges with constraint=false (-want +got):\n%s", diff)
	}
}
