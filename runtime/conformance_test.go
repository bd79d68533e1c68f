package runtime_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stepstudio/stepstudio/runtime/casefile"
)

// conformanceDir holds cases recorded against AWS Step Functions (see its README).
const conformanceDir = "../../shared/conformance"

// TestConformance runs every recorded case whose definition stays within what the runtime
// implements, and compares the result as the corpus README says.
func TestConformance(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob(filepath.Join(conformanceDir, "*", "*.json"))
	if len(files) == 0 {
		t.Skipf("no conformance cases in %s", conformanceDir)
	}
	sort.Strings(files)
	var inScope, passed, jsonataCases, jsonataPassed atomic.Int64
	t.Run("cases", func(t *testing.T) {
		for _, file := range files {
			c, err := casefile.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel(conformanceDir, file)
			jsonataCase := usesJSONata(c.Definition)
			inScope.Add(1)
			if jsonataCase {
				jsonataCases.Add(1)
			}
			t.Run(strings.TrimSuffix(rel, ".json"), func(t *testing.T) {
				t.Parallel()
				if checkCase(t, c) {
					passed.Add(1)
					if jsonataCase {
						jsonataPassed.Add(1)
					}
				}
			})
		}
	})
	t.Logf("conformance: %d of %d cases ran, %d passed (JSONata: %d of %d)", inScope.Load(), len(files),
		passed.Load(), jsonataPassed.Load(), jsonataCases.Load())
	// The corpus README counts 865 cases, 114 of them with JSONata states: none may drop
	// out unnoticed.
	if len(files) == 865 && jsonataCases.Load() != 114 {
		t.Errorf("%d cases use JSONata; the corpus has 114", jsonataCases.Load())
	}
}

// usesJSONata reports whether a definition has JSONata states.
func usesJSONata(def json.RawMessage) bool {
	var v any
	if err := json.Unmarshal(def, &v); err != nil {
		return false
	}
	found := false
	var walk func(v any, key string)
	walk = func(v any, key string) {
		if found {
			return
		}
		switch t := v.(type) {
		case map[string]any:
			for k, e := range t {
				switch {
				case k == "Result":
					continue // never evaluated: "x.$" keys in it are literal
				case k == "QueryLanguage" && e == "JSONata":
					found = true
				}
				walk(e, k)
			}
		case []any:
			for _, e := range t {
				walk(e, key)
			}
		}
	}
	walk(v, "")
	return found
}

// checkCase runs one case, on a virtual clock and compared as the corpus README says, and
// reports whether it matched.
func checkCase(t *testing.T, c *casefile.Case) bool {
	t.Helper()
	o := casefile.Run(context.Background(), c, casefile.Options{})
	if !o.Passed() {
		t.Errorf("%s:\n%s", c.Name, o.Report())
		return false
	}
	return true
}
