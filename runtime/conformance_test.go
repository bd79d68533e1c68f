package runtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/fakeclock"
)

// conformanceDir holds cases recorded against AWS Step Functions (see its README).
const conformanceDir = "../../shared/conformance"

type conformanceCase struct {
	Name       string          `json:"name"`
	Source     string          `json:"source"`
	Definition json.RawMessage `json:"definition"`
	Input      json.RawMessage `json:"input"`
	Expect     map[string]json.RawMessage
}

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
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var c conformanceCase
			if err := json.Unmarshal(data, &c); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
			if reason := outOfScope(c.Definition); reason != "" {
				continue
			}
			inScope.Add(1)
			rel, _ := filepath.Rel(conformanceDir, file)
			t.Run(strings.TrimSuffix(rel, ".json"), func(t *testing.T) {
				t.Parallel()
				if checkCase(t, c) {
					passed.Add(1)
				}
			})
		}
	})
	t.Logf("conformance: %d of %d cases in scope, %d passed", inScope.Load(), len(files), passed.Load())
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
				case k == "Assign":
					reason = "variables"
				case k == "QueryLanguage" && e == "JSONata":
					reason = "JSONata"
				case k == "Type" && (e == "Parallel" || e == "Map"):
					reason = fmt.Sprint(e)
				}
				walk(e, k)
			}
		case []any:
			for _, e := range t {
				walk(e, key)
			}
		case string:
			if strings.HasSuffix(key, ".$") || key == "ErrorPath" || key == "CausePath" {
				if strings.HasPrefix(t, "States.") {
					reason = "intrinsic functions"
				} else if len(t) > 1 && t[0] == '$' && t[1] != '.' && t[1] != '$' && t[1] != '[' {
					reason = "variables"
				}
			}
		}
	}
	walk(v, "")
	return reason
}

// checkCase runs one case and reports whether it matched.
func checkCase(t *testing.T, c conformanceCase) bool {
	t.Helper()
	def, err := runtime.Parse(c.Definition)
	if err != nil {
		t.Errorf("%s: Parse: %v", c.Name, err)
		return false
	}
	// A virtual clock: waits and timeouts pass instantly but in order, and the recorded
	// timestamps (2016-2023) are all in its past.
	clock := fakeclock.NewVirtual(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	eng := runtime.NewEngine(runtime.EngineConfig{Clock: clock})
	machineType := "STANDARD"
	if strings.Contains(c.Source, "/express/") {
		machineType = "EXPRESS"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := eng.Run(ctx, runtime.StartInput{
		ExecutionARN:     "arn:aws:states:us-east-1:123456789012:execution:conformance:case",
		ExecutionName:    "case",
		StateMachineARN:  "arn:aws:states:us-east-1:123456789012:stateMachine:conformance",
		StateMachineName: "conformance",
		RoleARN:          "arn:aws:iam::123456789012:role/conformance",
		StateMachineType: machineType,
		Definition:       def,
		Input:            c.Input,
	})
	if err != nil {
		t.Errorf("%s: Run: %v", c.Name, err)
		return false
	}
	var status string
	_ = json.Unmarshal(c.Expect["status"], &status)
	ok := true
	if string(res.Status) != status {
		t.Errorf("%s: status %s (error %q, cause %q), want %s", c.Name, res.Status, res.Error, res.Cause, status)
		return false
	}
	switch status {
	case "SUCCEEDED":
		if diff := jsonDiff(c.Expect["output"], res.Output); diff != "" {
			t.Errorf("%s: output %s, want %s (%s)", c.Name, res.Output, c.Expect["output"], diff)
			ok = false
		}
	case "FAILED":
		for _, f := range []struct{ key, got string }{{"error", res.Error}, {"cause", res.Cause}} {
			want, present := c.Expect[f.key]
			if !present {
				continue // hidden by the recording: not checked
			}
			var w *string
			_ = json.Unmarshal(want, &w)
			if w == nil && f.got != "" || w != nil && *w != f.got {
				t.Errorf("%s: %s %q, want %s", c.Name, f.key, f.got, want)
				ok = false
			}
		}
	}
	return ok
}

// jsonDiff compares JSON structurally: key order aside, numbers by value, and
// {"$any": true} in want matching anything. It returns "" when they match.
func jsonDiff(want, got []byte) string {
	dec := func(b []byte) (any, error) {
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		var v any
		err := d.Decode(&v)
		return v, err
	}
	w, err := dec(want)
	if err != nil {
		return "bad expectation: " + err.Error()
	}
	g, err := dec(got)
	if err != nil {
		return "output is not JSON: " + err.Error()
	}
	return valueDiff(w, g, "$")
}

func valueDiff(want, got any, at string) string {
	if m, ok := want.(map[string]any); ok && len(m) == 1 && m["$any"] == true {
		return ""
	}
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return at + ": not an object"
		}
		keys := make([]string, 0, len(w)+len(g))
		for k := range w {
			keys = append(keys, k)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			wv, wok := w[k]
			gv, gok := g[k]
			if !wok || !gok {
				return fmt.Sprintf("%s.%s: present in only one", at, k)
			}
			if d := valueDiff(wv, gv, at+"."+k); d != "" {
				return d
			}
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return at + ": not an array of the same length"
		}
		for i := range w {
			if d := valueDiff(w[i], g[i], fmt.Sprintf("%s[%d]", at, i)); d != "" {
				return d
			}
		}
		return ""
	case json.Number:
		g, ok := got.(json.Number)
		wf, _ := w.Float64()
		gf, _ := g.Float64()
		if !ok || wf != gf {
			return at + ": different number"
		}
		return ""
	default:
		if want != got {
			return at + ": different value"
		}
		return ""
	}
}
