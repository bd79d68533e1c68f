package designer_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stepstudio/stepstudio/designer"
	"github.com/stepstudio/stepstudio/runtime"
)

// fixtures are the hand-formatted documents in testdata/docs: tabs, CRLF, one-liners, odd
// spacing, unicode and escaped keys, unknown fields, empty scopes.
func fixtures(t *testing.T) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "docs", "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures in testdata/docs: %v", err)
	}
	out := map[string][]byte{}
	for _, p := range paths {
		out[filepath.Base(p)] = readTestdata(t, filepath.Join("docs", filepath.Base(p)))
	}
	return out
}

// corpusDefinition is the "definition" of one case of the conformance corpus, as the bytes
// of the case file hold it.
type corpusDefinition struct {
	path string
	text []byte
}

// corpus reads every definition of ../shared/conformance/*/*.json in place.
func corpus(t *testing.T) []corpusDefinition {
	t.Helper()
	if _, err := os.Stat(conformanceDir); err != nil {
		t.Skipf("conformance corpus not present: %v", err)
	}
	var out []corpusDefinition
	err := filepath.WalkDir(conformanceDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var c struct {
			Definition json.RawMessage `json:"definition"` // the exact bytes of the file
		}
		if err := json.Unmarshal(b, &c); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, corpusDefinition{path: path, text: c.Definition})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("no definitions in %s", conformanceDir)
	}
	return out
}

// checkRoundTrip checks export(import(x)) == x byte for byte, and that a second pass changes
// nothing.
func checkRoundTrip(t *testing.T, name string, text []byte) {
	t.Helper()
	d, err := designer.Parse(text)
	if err != nil {
		t.Errorf("%s: Parse: %v", name, err)
		return
	}
	if got := d.Bytes(); string(got) != string(text) {
		t.Errorf("%s: Bytes differs from the input:\n%s", name, cmp.Diff(string(text), string(got)))
		return
	}
	again, err := designer.Parse(d.Bytes())
	if err != nil || string(again.Bytes()) != string(text) {
		t.Errorf("%s: a second pass changes the text (%v)", name, err)
	}
}

func TestRoundTripFixtures(t *testing.T) {
	t.Parallel()
	for name, text := range fixtures(t) {
		checkRoundTrip(t, name, text)
	}
}

func TestRoundTripConformance(t *testing.T) {
	t.Parallel()
	defs := corpus(t)
	for _, c := range defs {
		checkRoundTrip(t, c.path, c.text)
	}
	t.Logf("%d definitions round-tripped", len(defs))
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text string
		want       string // the whole message
		line, col  int
	}{
		{"empty", "", "designer: line 1, column 1: the document is empty: expected a JSON value", 1, 1},
		{"blank", "  \n ", "designer: line 2, column 2: the document is empty: expected a JSON value", 2, 2},
		{"bom", "\uFEFF{}", "designer: line 1, column 1: the text starts with a byte order mark (U+FEFF), which JSON does not allow; save it as UTF-8 without BOM", 1, 1},
		{"missing value", `{"a":}`, "designer: line 1, column 6 (at /a): unexpected character '}': expected a value", 1, 6},
		{"capital True", "{\n  \"End\": True\n}", `designer: line 2, column 10 (at /End): unexpected "True": expected a value (true, false and null are written in lowercase; strings need double quotes)`, 2, 10},
		{"trailing comma in object", "{\"a\": 1,\n}", "designer: line 2, column 1 (at /a): unexpected '}' after ',': a trailing comma is not allowed in JSON", 2, 1},
		{"trailing comma in array", `[1,]`, "designer: line 1, column 4 (at /1): unexpected character ']': expected a value", 1, 4},
		{"single quotes", `{'a': 1}`, `designer: line 1, column 2: unexpected character '\'': expected a string key in double quotes`, 1, 2},
		{"missing colon", `{"a" 1}`, `designer: line 1, column 6: unexpected character '1': expected ':' after the key "a"`, 1, 6},
		{"missing comma", "{\"States\": {\"A\": {} \"B\": {}}}", `designer: line 1, column 21 (at /States/A): unexpected character '"': expected ',' or '}'`, 1, 21},
		{"unclosed string", `{"a": "b}`, `designer: line 1, column 7 (at /a): string is not closed: no matching '"' before the end of text`, 1, 7},
		{"backslash at the end", `"\`, `designer: line 1, column 1: string is not closed: no matching '"' before the end of text`, 1, 1},
		{"line break in string", "{\"a\": \"b\nc\"}", `designer: line 1, column 9 (at /a): control character U+000A in string: write it as an escape such as \n`, 1, 9},
		{"bad escape", `["\x"]`, `designer: line 1, column 3 (at /0): invalid escape "\\x" in string: the escapes are \" \\ \/ \b \f \n \r \t \uXXXX`, 1, 3},
		{"short unicode escape", `["\u12"]`, `designer: line 1, column 3 (at /0): invalid escape in string: \u must be followed by four hexadecimal digits`, 1, 3},
		{"leading zero", `[01]`, `designer: line 1, column 3 (at /0): unexpected character '1': expected ',' or ']'`, 1, 3},
		{"bare minus", `[-]`, `designer: line 1, column 2 (at /0): invalid number "-]"`, 1, 2},
		{"bad exponent", `[1e]`, `designer: line 1, column 2 (at /0): invalid number "1e]"`, 1, 2},
		{"text after", `{} {}`, `designer: line 1, column 4: unexpected character '{' after the end of the JSON value`, 1, 4},
		{"unclosed object", "{\n  \"StartAt\": \"A\",\n  \"States\": {\n", `designer: line 4, column 1 (at /States): unexpected end of text: expected a string key in double quotes`, 4, 1},
		{"column counts characters", "{\"Prüfung ✓\": x}", `designer: line 1, column 15 (at /Prüfung ✓): unexpected "x": expected a value (true, false and null are written in lowercase; strings need double quotes)`, 1, 15},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := designer.Parse([]byte(tc.text))
			if err == nil {
				t.Fatalf("Parse(%q) succeeded", tc.text)
			}
			if err.Error() != tc.want {
				t.Errorf("error\n%s\nwant\n%s", err, tc.want)
			}
			var se *designer.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error is a %T, not a *SyntaxError", err)
			}
			if se.Line != tc.line || se.Column != tc.col {
				t.Errorf("position %d:%d, want %d:%d", se.Line, se.Column, tc.line, tc.col)
			}
		})
	}
}

// nestedParallels is a valid definition with depth Parallels each inside the branch of the one
// before, the innermost holding a Pass.
func nestedParallels(depth int) []byte {
	var b strings.Builder
	b.WriteString(`{"StartAt": "P0", "States": {`)
	for i := range depth {
		fmt.Fprintf(&b, `"P%d": {"Type": "Parallel", "End": true, "Branches": [{"StartAt": "P%d", "States": {`, i, i+1)
	}
	fmt.Fprintf(&b, `"P%d": {"Type": "Pass", "End": true}`, depth)
	for range depth {
		b.WriteString(`}}]}`)
	}
	b.WriteString(`}}`)
	return []byte(b.String())
}

func TestDeepNesting(t *testing.T) {
	t.Parallel()
	// 50 Parallels nest 200 JSON levels: parsed, found, edited at the bottom.
	def := nestedParallels(50)
	d, err := designer.Parse(def)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	ref, err := d.FindState("P50")
	if err != nil {
		t.Fatalf("FindState: %v", err)
	}
	if len(ref.Path) != 202 || ref.Scope != (designer.ScopeRef{Parent: "P49"}) {
		t.Errorf("P50 is at a path of %d steps in %v", len(ref.Path), ref.Scope)
	}
	got, err := designer.InsertState{State: "Deep", Definition: []byte(`{"Type": "Pass"}`), Where: designer.Where{After: "P50"}}.Apply(d)
	if err != nil {
		t.Fatalf("InsertState at depth 200: %v", err)
	}
	if errs := newErrors(def, got.Bytes()); len(errs) > 0 {
		t.Errorf("invalid result: %v", errs)
	}

	// Past MaxDepth, and far past it: a clear error, not a stack overflow.
	for _, depth := range []int{designer.MaxDepth + 1, 1_000_000} {
		text := strings.Repeat("[", depth) + strings.Repeat("]", depth)
		_, err := designer.Parse([]byte(text))
		want := fmt.Sprintf("designer: line 1, column %d (at /0/0/0/", designer.MaxDepth+1)
		if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), "the document nests deeper than 512 levels") {
			t.Errorf("depth %d: error %v, want one starting %q", depth, err, want)
		}
	}
	// An edit cannot go past the limit either.
	deep := strings.Repeat("[", designer.MaxDepth-3) + strings.Repeat("]", designer.MaxDepth-3)
	_, err = designer.SetField{State: "P50", Field: designer.Path{"Result"}, Value: []byte(deep)}.Apply(d)
	if err == nil || !strings.Contains(err.Error(), "the edit gives a document that cannot be read back") {
		t.Errorf("an edit past MaxDepth: error %v", err)
	}
}

// chainDefinition is n Pass states in a line, written as the designer writes JSON.
func chainDefinition(n int) []byte {
	var b strings.Builder
	b.WriteString("{\n  \"StartAt\": \"Step 1\",\n  \"States\": {\n")
	for i := 1; i <= n; i++ {
		next := fmt.Sprintf(`"Next": "Step %d"`, i+1)
		if i == n {
			next = `"End": true`
		}
		fmt.Fprintf(&b, "    \"Step %d\": {\n      \"Type\": \"Pass\",\n      \"Result\": {\"n\": %d, \"tags\": [\"a\", \"b\"]},\n      %s\n    }", i, i, next)
		if i < n {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("  }\n}\n")
	return []byte(b.String())
}

func TestLargeDefinitions(t *testing.T) {
	t.Parallel()
	t.Run("2000 states", func(t *testing.T) {
		t.Parallel()
		def := chainDefinition(2000)
		d, err := designer.Parse(def)
		if err != nil {
			t.Fatal(err)
		}
		states, err := d.States()
		if err != nil || len(states) != 2000 {
			t.Fatalf("States: %d states, %v", len(states), err)
		}
		for _, op := range []designer.Op{
			designer.InsertState{State: "Middle", Definition: []byte(`{"Type": "Pass"}`), Where: designer.Where{Edge: &designer.EdgeRef{From: "Step 1000", Kind: designer.EdgeNext}}},
			designer.RenameState{From: "Step 2000", To: "Last"},
			designer.DeleteState{State: "Step 1"},
			designer.WrapStates{States: []string{"Step 10", "Step 11", "Step 12"}, In: "Parallel", Name: "Three"},
		} {
			got, err := op.Apply(d)
			if err != nil {
				t.Fatalf("%T: %v", op, err)
			}
			if errs := newErrors(def, got.Bytes()); len(errs) > 0 {
				t.Errorf("%T: invalid result: %v", op, errs[0])
			}
		}
	})
	t.Run("5 MB", func(t *testing.T) {
		t.Parallel()
		def := bigDefinition(5 << 20)
		d, err := designer.Parse(def)
		if err != nil {
			t.Fatal(err)
		}
		if string(d.Bytes()) != string(def) {
			t.Fatal("a 5 MB definition does not round-trip")
		}
		got, err := designer.SetField{State: "Big", Field: designer.Path{"Comment"}, Value: []byte(`"five megabytes"`)}.Apply(d)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(string(got.Bytes()), "\"Comment\": \"five megabytes\"\n    }\n  }\n}\n") {
			t.Errorf("the edit of a 5 MB definition went wrong: ...%s", got.Bytes()[len(got.Bytes())-80:])
		}
	})
}

// bigDefinition is a definition of about size bytes: one Pass state whose Result is a long list
// of records, the shape of a test fixture pasted into a definition.
func bigDefinition(size int) []byte {
	var b strings.Builder
	b.WriteString("{\n  \"StartAt\": \"Big\",\n  \"States\": {\n    \"Big\": {\n      \"Type\": \"Pass\",\n      \"Result\": [\n")
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `        {"id": %d, "name": "item \u00e9 %d", "price": %d.5, "tags": ["x", "y"], "ok": true}`, i, i, i)
	}
	b.WriteString("\n      ],\n      \"End\": true\n    }\n  }\n}\n")
	return []byte(b.String())
}

func TestNotStateMachine(t *testing.T) {
	t.Parallel()
	tests := []struct{ text, want string }{
		{`[1, 2]`, "designer: not a state machine: the document is a JSON array; an ASL definition is an object with StartAt and States"},
		{`"StartAt"`, "designer: not a state machine: the document is a single JSON value; an ASL definition is an object with StartAt and States"},
		{`{"foo": 1}`, `designer: not a state machine: the top-level object has no "States" object; an ASL definition is an object with StartAt and States`},
		{`{"StartAt": "A", "States": ["A"]}`, `designer: not a state machine: the top-level object has no "States" object; an ASL definition is an object with StartAt and States`},
	}
	for _, tc := range tests {
		d, err := designer.Parse([]byte(tc.text))
		if err != nil {
			t.Fatalf("Parse(%s): %v", tc.text, err)
		}
		_, err1 := d.States()
		_, err2 := d.FindState("A")
		_, err3 := d.DropZones()
		_, err4 := designer.DeleteState{State: "A"}.Apply(d)
		for i, err := range []error{err1, err2, err3, err4} {
			if !errors.Is(err, designer.ErrNotStateMachine) {
				t.Errorf("%s: call %d: error %v is not ErrNotStateMachine", tc.text, i, err)
				continue
			}
			if msg := strings.Replace(err.Error(), `DeleteState "A": `, "", 1); msg != tc.want {
				t.Errorf("%s: call %d: error\n%s\nwant\n%s", tc.text, i, msg, tc.want)
			}
		}
	}
}

func TestUniqueName(t *testing.T) {
	t.Parallel()
	d, err := designer.Parse(readTestdata(t, "docs/flow.json"))
	if err != nil {
		t.Fatal(err)
	}
	for base, want := range map[string]string{
		"Wait":                  "Wait",
		"Poll":                  "Poll 2",
		"Right":                 "Right 2", // taken inside a branch: names are unique machine-wide
		strings.Repeat("a", 90): strings.Repeat("a", 80),
	} {
		if got := d.UniqueName(base); got != want {
			t.Errorf("UniqueName(%q) = %q, want %q", base, got, want)
		}
	}
	d2, err := designer.InsertState{State: "Poll 2", Definition: []byte(`{"Type": "Pass"}`), Where: designer.Where{After: "Left 2"}}.Apply(d)
	if err != nil {
		t.Fatal(err)
	}
	if got := d2.UniqueName("Poll"); got != "Poll 3" {
		t.Errorf("UniqueName(Poll) = %q after Poll 2 was added", got)
	}
}

func TestZeroDocument(t *testing.T) {
	t.Parallel()
	var d designer.Document
	if len(d.Bytes()) != 0 {
		t.Errorf("the zero Document has text")
	}
	if _, err := d.States(); !errors.Is(err, designer.ErrNotStateMachine) {
		t.Errorf("States: %v", err)
	}
	if _, err := d.Get(nil); !errors.Is(err, designer.ErrNotFound) {
		t.Errorf("Get: %v", err)
	}
	if _, err := d.Set(designer.Path{"a"}, []byte("1")); !errors.Is(err, designer.ErrNotFound) {
		t.Errorf("Set: %v", err)
	}
	if _, err := (designer.DeleteState{State: "A"}).Apply(&d); !errors.Is(err, designer.ErrNotStateMachine) {
		t.Errorf("DeleteState: %v", err)
	}
}

func TestStates(t *testing.T) {
	t.Parallel()
	d, err := designer.Parse(readTestdata(t, "docs/unicode.json"))
	if err != nil {
		t.Fatal(err)
	}
	states, err := d.States()
	if err != nil {
		t.Fatal(err)
	}
	want := []designer.StateRef{
		{Name: `Prüfen "schnell"`, Type: "Pass", Path: designer.Path{"States", `Prüfen "schnell"`}},
		{Name: "Fan out", Type: "Parallel", Path: designer.Path{"States", "Fan out"}},
		{Name: "日本語", Type: "Pass", Path: designer.Path{"States", "Fan out", "Branches", 0, "States", "日本語"}, Scope: designer.ScopeRef{Parent: "Fan out"}},
		{Name: "Each", Type: "Map", Path: designer.Path{"States", "Fan out", "Branches", 1, "States", "Each"}, Scope: designer.ScopeRef{Parent: "Fan out", Branch: 1}},
		{Name: "Item 🙂", Type: "Pass", Path: designer.Path{"States", "Fan out", "Branches", 1, "States", "Each", "ItemProcessor", "States", "Item 🙂"}, Scope: designer.ScopeRef{Parent: "Each"}},
	}
	if diff := cmp.Diff(want, states); diff != "" {
		t.Errorf("States (-want +got):\n%s", diff)
	}
	ref, err := d.FindState("Item 🙂")
	if err != nil {
		t.Fatal(err)
	}
	if p := ref.Pointer(); p != "/States/Fan out/Branches/1/States/Each/ItemProcessor/States/Item 🙂" {
		t.Errorf("Pointer = %q", p)
	}
	if _, err := d.FindState("Fan"); !errors.Is(err, designer.ErrNoSuchState) || err.Error() != `designer: no such state "Fan"` {
		t.Errorf("FindState of a missing state: %v", err)
	}
	if p := (designer.Path{"States", "a/b~c", 0}).Pointer(); p != "/States/a~1b~0c/0" {
		t.Errorf("Pointer escapes %q", p)
	}
}

func TestDropZones(t *testing.T) {
	t.Parallel()
	d, err := designer.Parse(readTestdata(t, "docs/flow.json"))
	if err != nil {
		t.Fatal(err)
	}
	zones, err := d.DropZones()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, z := range zones {
		b, err := json.Marshal(z)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(b))
	}
	golden(t, "ops/dropzones_flow.txt", []byte(strings.Join(got, "\n")+"\n"))
}

func TestGetSetDelete(t *testing.T) {
	t.Parallel()
	text := "{\n  \"A\": {\"x\": [1, 2]},\n  \"B\": true\n}\n"
	d, err := designer.Parse([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if v, err := d.Get(designer.Path{"A", "x", 1}); err != nil || string(v) != "2" {
		t.Errorf("Get /A/x/1 = %s, %v", v, err)
	}
	if v, err := d.Get(designer.Path{"A"}); err != nil || string(v) != `{"x": [1, 2]}` {
		t.Errorf("Get /A = %s, %v", v, err)
	}
	if _, err := d.Get(designer.Path{"A", "y"}); !errors.Is(err, designer.ErrNotFound) || err.Error() != "designer: no such value at /A/y" {
		t.Errorf("Get of a missing key: %v", err)
	}
	if keys, err := d.Keys(nil); err != nil || !cmp.Equal(keys, []string{"A", "B"}) {
		t.Errorf("Keys = %v, %v", keys, err)
	}
	if n, err := d.Len(designer.Path{"A", "x"}); err != nil || n != 2 {
		t.Errorf("Len = %d, %v", n, err)
	}

	edits := []struct {
		name  string
		path  designer.Path
		value string // "" deletes
		want  string
	}{
		{"set scalar", designer.Path{"A", "x", 0}, `"one"`, "{\n  \"A\": {\"x\": [\"one\", 2]},\n  \"B\": true\n}\n"},
		{"append to array", designer.Path{"A", "x", 2}, `3`, "{\n  \"A\": {\"x\": [1, 2, 3]},\n  \"B\": true\n}\n"},
		{"add key", designer.Path{"C"}, `{"k": [1]}`, "{\n  \"A\": {\"x\": [1, 2]},\n  \"B\": true,\n  \"C\": {\n    \"k\": [1]\n  }\n}\n"},
		{"delete first", designer.Path{"A"}, "", "{\n  \"B\": true\n}\n"},
		{"delete last", designer.Path{"B"}, "", "{\n  \"A\": {\"x\": [1, 2]}\n}\n"},
		{"delete in one-line array", designer.Path{"A", "x", 0}, "", "{\n  \"A\": {\"x\": [2]},\n  \"B\": true\n}\n"},
	}
	for _, e := range edits {
		var got *designer.Document
		if e.value == "" {
			got, err = d.Delete(e.path)
		} else {
			got, err = d.Set(e.path, []byte(e.value))
		}
		if err != nil {
			t.Errorf("%s: %v", e.name, err)
			continue
		}
		if string(got.Bytes()) != e.want {
			t.Errorf("%s:\n%s", e.name, cmp.Diff(e.want, string(got.Bytes())))
		}
	}
	emptied, err := d.Delete(designer.Path{"A", "x", 0})
	if err == nil {
		emptied, err = emptied.Delete(designer.Path{"A", "x", 0})
	}
	if want := "{\n  \"A\": {\"x\": []},\n  \"B\": true\n}\n"; err != nil || string(emptied.Bytes()) != want {
		t.Errorf("emptying an array: %v\n%s", err, cmp.Diff(want, string(emptied.Bytes())))
	}
	if string(d.Bytes()) != text {
		t.Errorf("edits changed the document they started from")
	}
	if _, err := d.Set(designer.Path{"B", "x"}, []byte(`1`)); err == nil || err.Error() != "designer: cannot set /B/x: /B is not an object" {
		t.Errorf("Set under a scalar: %v", err)
	}
	if _, err := d.Set(designer.Path{"C"}, []byte(`{`)); err == nil || err.Error() != "designer: value: line 1, column 2: unexpected end of text: expected a string key in double quotes" {
		t.Errorf("Set of bad JSON: %v", err)
	}
	if _, err := d.Delete(nil); err == nil {
		t.Errorf("Delete of the whole document succeeded")
	}
}

func TestPathJSON(t *testing.T) {
	t.Parallel()
	var p designer.Path
	if err := json.Unmarshal([]byte(`["Retry", 0, "MaxAttempts"]`), &p); err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(p, designer.Path{"Retry", 0, "MaxAttempts"}) {
		t.Errorf("Path = %#v", p)
	}
	for _, bad := range []string{`"Retry"`, `["a", 1.5]`, `["a", -1]`, `[true]`} {
		if err := json.Unmarshal([]byte(bad), &p); err == nil {
			t.Errorf("%s: read as a path", bad)
		}
	}
	if b, err := json.Marshal(designer.Path{"Catch", 1, "Next"}); err != nil || string(b) != `["Catch",1,"Next"]` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
}

// TestIdempotence: the same edit twice is the edit once, and a result parses back to itself.
func TestIdempotence(t *testing.T) {
	t.Parallel()
	for name, text := range fixtures(t) {
		d, err := designer.Parse(text)
		if err != nil {
			t.Fatal(err)
		}
		states, err := d.States()
		if err != nil || len(states) == 0 {
			t.Fatalf("%s: %v", name, err)
		}
		op := designer.SetField{State: states[0].Name, Field: designer.Path{"Parameters"}, Value: []byte(`{"a": [1, {"b": null}], "c": "ü"}`)}
		once, err := op.Apply(d)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		twice, err := op.Apply(once)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if string(twice.Bytes()) != string(once.Bytes()) {
			t.Errorf("%s: applying the SetField twice differs from once:\n%s", name, cmp.Diff(string(once.Bytes()), string(twice.Bytes())))
		}
		del := designer.SetField{State: states[0].Name, Field: designer.Path{"Parameters"}, Delete: true}
		gone, err := del.Apply(twice)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if again, err := del.Apply(gone); err != nil || string(again.Bytes()) != string(gone.Bytes()) {
			t.Errorf("%s: deleting twice differs from once (%v)", name, err)
		}
	}
}

// TestValidFixtures keeps the fixtures honest: those meant to be valid ASL are.
func TestValidFixtures(t *testing.T) {
	t.Parallel()
	invalid := map[string]bool{
		"unicode.json":      true, // unknown fields, which AWS refuses but the designer keeps
		"empty_scopes.json": true, // empty branches, as code edits leave them
	}
	for name, text := range fixtures(t) {
		for _, d := range runtime.Validate(text) {
			if d.Severity == runtime.SeverityError && !invalid[name] {
				t.Errorf("%s: %s", name, d)
			}
		}
	}
}
