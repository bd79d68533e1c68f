package designer_test

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stepstudio/stepstudio/designer"
)

// conformanceDir is the shared corpus of ASL cases recorded against AWS, beside the repository
// (../shared/conformance from its root). It is read in place, never copied.
const conformanceDir = "../../shared/conformance"

// TestConformanceDefinitions draws every definition of the corpus: NewGraph and DOT must
// never fail or panic on real-world ASL, and every 20th is rendered by graphviz too (all of
// them would add seconds for little more coverage).
func TestConformanceDefinitions(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat(conformanceDir); err != nil {
		t.Skipf("conformance corpus not present: %v", err)
	}
	var files []string
	err := filepath.WalkDir(conformanceDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") {
			files = append(files, path) // WalkDir walks in lexical order: the sample is stable
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no cases in %s", conformanceDir)
	}
	ctx := context.Background()
	rendered := 0
	for i, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var c struct {
			Definition json.RawMessage `json:"definition"`
		}
		if err := json.Unmarshal(b, &c); err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		g, err := designer.NewGraph(c.Definition)
		if err != nil {
			t.Errorf("%s: NewGraph: %v", path, err)
			continue
		}
		checkGraph(t, path, g)
		_ = designer.DOT(g, designer.DOTOptions{})
		if i%20 != 0 {
			continue
		}
		svg, err := renderer.Draw(ctx, g, designer.DOTOptions{})
		if err != nil {
			t.Errorf("%s: SVG: %v", path, err)
			continue
		}
		rendered++
		t.Run(filepath.Base(path), func(t *testing.T) { checkSVG(t, g, svg) })
	}
	t.Logf("%d definitions drawn, %d rendered", len(files), rendered)
}

// checkGraph checks what DOT relies on: ids unique in the whole machine, and every edge
// between nodes of its own graph.
func checkGraph(t *testing.T, path string, g designer.Graph) {
	t.Helper()
	ids := map[string]bool{}
	var walk func(g designer.Graph)
	walk = func(g designer.Graph) {
		names := map[string]bool{}
		for _, n := range g.Nodes {
			if ids[n.ID] {
				t.Errorf("%s: id %q used twice", path, n.ID)
			}
			ids[n.ID] = true
			names[n.Name] = true
			for _, br := range n.Branches {
				walk(br)
			}
		}
		for _, e := range g.Edges {
			if !names[e.From] || !names[e.To] {
				t.Errorf("%s: edge %+v leaves its graph", path, e)
			}
		}
	}
	walk(g)
}
