package runtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stepstudio/stepstudio/runtime"
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
	var inScope, passed atomic.Int64
	t.Run("cases", func(t *testing.T) {
		for _, file := range files {
			c, err := casefile.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel(conformanceDir, file)
			if reason := outOfScope(c.Definition); reason != "" {
				// Until JSONata runs, such a case must end with a clear refusal, not a crash
				// or a wrong result.
				t.Run(strings.TrimSuffix(rel, ".json"), func(t *testing.T) {
					t.Parallel()
					checkRefused(t, c, "JSONata is not supported yet")
				})
				continue
			}
			inScope.Add(1)
			t.Run(strings.TrimSuffix(rel, ".json"), func(t *testing.T) {
				t.Parallel()
				if checkCase(t, c) {
					passed.Add(1)
				}
			})
		}
	})
	t.Logf("conformance: %d of %d cases in scope, %d passed", inScope.Load(), len(files), passed.Load())
	// The corpus README counts 865 cases, 751 of them without JSONata: none may drop out of
	// scope unnoticed.
	if len(files) == 865 && inScope.Load() != 751 {
		t.Errorf("%d of the 865 cases ran; the 751 that do not use JSONata must all run", inScope.Load())
	}
}

// checkRefused runs a case that uses what the runtime does not support yet and checks that
// it is refused with a message saying so.
func checkRefused(t *testing.T, c *casefile.Case, want string) {
	t.Helper()
	o := casefile.Run(context.Background(), c, casefile.Options{})
	var de *runtime.DefinitionError
	if !errors.As(o.Err, &de) || !strings.Contains(o.Report(), want) {
		t.Errorf("%s: want a refusal saying %q, got:\n%v\n%s", c.Name, want, o.Err, o.Report())
	}
}

// outOfScope says why a definition uses something the runtime does not run yet, or "".
func outOfScope(def json.RawMessage) string {
	var v any
	if err := json.Unmarshal(def, &v); err != nil {
		return "invalid definition"
	}
	reason := ""
	var walk func(v any, key string)
	walk = func(v any, key string) {
		if reason != "" {
			return
		}
		switch t := v.(type) {
		case map[string]any:
			for k, e := range t {
				switch {
				case k == "Result":
					continue // never evaluated: "x.$" keys in it are literal
				case k == "QueryLanguage" && e == "JSONata":
					reason = "JSONata"
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
	return reason
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
