package jsonata

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// minSuitePassRate is the share of the JSONata 2.0.6 suite (without $eval)
// that must pass; raise it as the engine improves.
const minSuitePassRate = 0.998

// suiteExcludedGroups are groups that do not apply to Step Functions.
var suiteExcludedGroups = map[string]string{
	"function-eval": "AWS Step Functions does not offer $eval",
}

func suiteDir() string {
	if d := os.Getenv("JSONATA_SUITE"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared", "jsonata-suite")
}

type suiteCase struct {
	group, name string
	spec        *Object
}

func loadSuite(t *testing.T) ([]suiteCase, map[string]any) {
	dir := suiteDir()
	if _, err := os.Stat(filepath.Join(dir, "groups")); err != nil {
		t.Skipf("JSONata test suite not found at %s (set JSONATA_SUITE): %v", dir, err)
	}
	datasets := map[string]any{}
	files, _ := filepath.Glob(filepath.Join(dir, "datasets", "*.json"))
	for _, f := range files {
		datasets[strings.TrimSuffix(filepath.Base(f), ".json")] = readJSONFile(t, f)
	}
	var cases []suiteCase
	groups, _ := os.ReadDir(filepath.Join(dir, "groups"))
	for _, g := range groups {
		if !g.IsDir() {
			continue
		}
		if _, skip := suiteExcludedGroups[g.Name()]; skip {
			continue
		}
		gdir := filepath.Join(dir, "groups", g.Name())
		names, _ := filepath.Glob(filepath.Join(gdir, "*.json"))
		sort.Strings(names)
		for _, f := range names {
			v := readJSONFile(t, f)
			base := strings.TrimSuffix(filepath.Base(f), ".json")
			add := func(o *Object, name string) {
				if ef, ok := o.Get("expr-file"); ok {
					src, err := os.ReadFile(filepath.Join(gdir, ef.(string)))
					if err != nil {
						t.Fatal(err)
					}
					o.Set("expr", string(src))
				}
				cases = append(cases, suiteCase{group: g.Name(), name: name, spec: o})
			}
			switch x := v.(type) {
			case *Object:
				add(x, base)
			case []any:
				for i, item := range x {
					add(item.(*Object), fmt.Sprintf("%s[%d]", base, i))
				}
			}
		}
	}
	return cases, datasets
}

func readJSONFile(t testing.TB, path string) any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := FromJSON(b)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// bindingsOf reads a case's "bindings" object.
func bindingsOf(spec *Object) map[string]any {
	b, _ := spec.Get("bindings")
	bo, ok := b.(*Object)
	if !ok {
		return nil
	}
	bindings := map[string]any{}
	for _, k := range bo.Keys() {
		bindings[k], _ = bo.Get(k)
	}
	return bindings
}

// runSuiteCase returns "" when the case passes, else why not.
func runSuiteCase(c suiteCase, datasets map[string]any) (why string) {
	defer func() {
		if r := recover(); r != nil {
			why = fmt.Sprintf("panic: %v", r)
		}
	}()
	spec := c.spec
	exprText, _ := spec.Get("expr")
	wantCode, hasCode := spec.Get("code")
	if eo, ok := spec.Get("error"); ok {
		if o, ok := eo.(*Object); ok {
			wantCode, hasCode = func() any { v, _ := o.Get("code"); return v }(), true
			if m, ok := o.Get("message"); ok {
				spec.Set("message", m)
			}
		}
	}
	expr, err := Compile(exprText.(string))
	if err != nil {
		if hasCode {
			return checkErr(err, wantCode, spec)
		}
		return "compile error: " + err.Error()
	}
	var input any = Undefined
	if d, ok := spec.Get("data"); ok {
		input = d
	} else if ds, ok := spec.Get("dataset"); ok && ds != nil {
		input = datasets[ds.(string)]
	}
	bindings := bindingsOf(spec)
	lim := Limits{Timeout: 10 * time.Second}
	if d, ok := spec.Get("depth"); ok {
		lim.Depth = int(d.(float64))
	}
	if tl, ok := spec.Get("timelimit"); ok {
		lim.Timeout = time.Duration(tl.(float64)) * time.Millisecond
	}
	got, err := expr.EvalWithLimits(input, bindings, lim)
	if err != nil {
		if hasCode {
			return checkErr(err, wantCode, spec)
		}
		return "error: " + err.Error()
	}
	if hasCode {
		return fmt.Sprintf("want error %v, got %s", wantCode, ToJSON(got))
	}
	if _, ok := spec.Get("undefinedResult"); ok {
		if got != Undefined {
			return fmt.Sprintf("want undefined, got %s", ToJSON(got))
		}
		return ""
	}
	want, ok := spec.Get("result")
	if !ok {
		return "case has no expectation"
	}
	if !suiteEqual(got, want) {
		return fmt.Sprintf("want %s, got %s", ToJSON(want), ToJSON(got))
	}
	return ""
}

func checkErr(err error, want any, spec *Object) string {
	x, ok := err.(*Error)
	if !ok {
		return "non-JSONata error: " + err.Error()
	}
	// the suite's runner reports its timeout with U1001 too; we say U1002
	if _, timed := spec.Get("timelimit"); timed && want == "U1001" && x.Code == "U1002" {
		return ""
	}
	if x.Code != want {
		return fmt.Sprintf("want code %v, got %s", want, err)
	}
	if msg, ok := spec.Get("message"); ok && msg != x.Message {
		return fmt.Sprintf("want message %q, got %q", msg, x.Message)
	}
	if tok, ok := spec.Get("token"); ok && tok != x.Token {
		return fmt.Sprintf("want token %v, got %q (%s)", tok, x.Token, err)
	}
	return ""
}

// suiteEqual is chai's deep equality as the suite's runner uses it: object
// key order does not matter, numbers compare exactly.
func suiteEqual(a, b any) bool {
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !suiteEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case *Object:
		y, ok := b.(*Object)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for _, k := range x.Keys() {
			v, _ := x.Get(k)
			w, ok := y.Get(k)
			if !ok || !suiteEqual(v, w) {
				return false
			}
		}
		return true
	case float64:
		y, ok := b.(float64)
		return ok && (x == y || math.Abs(x-y) <= 1e-13*math.Max(math.Abs(x), math.Abs(y)))
	}
	return a == b
}

func TestSuite(t *testing.T) {
	cases, datasets := loadSuite(t)
	failed := map[string][]string{}
	pass := 0
	for _, c := range cases {
		if why := runSuiteCase(c, datasets); why != "" {
			expr, _ := c.spec.Get("expr")
			failed[c.group] = append(failed[c.group], fmt.Sprintf("%s: %.120q: %.300s", c.name, expr, why))
		} else {
			pass++
		}
	}
	var groups []string
	for g := range failed {
		groups = append(groups, g)
	}
	sort.Slice(groups, func(i, j int) bool {
		if len(failed[groups[i]]) != len(failed[groups[j]]) {
			return len(failed[groups[i]]) > len(failed[groups[j]])
		}
		return groups[i] < groups[j]
	})
	for _, g := range groups {
		t.Logf("group %s: %d failing", g, len(failed[g]))
		if testing.Verbose() {
			for _, f := range failed[g] {
				t.Logf("    %s", f)
			}
		}
	}
	rate := float64(pass) / float64(len(cases))
	t.Logf("JSONata suite: %d/%d passed (%.1f%%)", pass, len(cases), 100*rate)
	if rate < minSuitePassRate {
		t.Errorf("pass rate %.1f%% is below the required %.1f%%", 100*rate, 100*minSuitePassRate)
	}
}
