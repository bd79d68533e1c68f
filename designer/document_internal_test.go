package designer

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// editAll marks every container of a tree as edited, so render writes it member by member
// from the text kept between members, as it does for the containers an edit touches.
func editAll(n *node) *node {
	if n.kind != kindObject && n.kind != kindArray {
		return n
	}
	c := *n
	c.edited = true
	c.members = append([]entry(nil), n.members...)
	for i := range c.members {
		c.members[i].value = editAll(c.members[i].value)
	}
	return &c
}

// piecewise renders d with every container written member by member.
func piecewise(d *Document) string {
	return d.lead + render(editAll(d.root), d.style, d.lead[strings.LastIndexByte(d.lead, '\n')+1:]) + d.trail
}

// checkPiecewise fails when writing d member by member does not give its text back: the
// gaps kept between members must hold every byte of the source.
func checkPiecewise(t testing.TB, name string, d *Document) {
	t.Helper()
	if got := piecewise(d); got != d.text {
		t.Errorf("%s: written member by member, the document reads\n%q\nnot\n%q", name, got, d.text)
	}
}

// corpusGlob finds the definitions of the conformance corpus beside the repository.
const corpusGlob = "../../shared/conformance/*/*.json"

// TestPiecewiseRoundTrip writes every container of every fixture and corpus definition member
// by member, as edits write the containers they touch: the kept text between members must give
// the source back, byte for byte.
func TestPiecewiseRoundTrip(t *testing.T) {
	t.Parallel()
	paths, _ := filepath.Glob("testdata/docs/*.json")
	corpus, _ := filepath.Glob(corpusGlob)
	if len(corpus) == 0 {
		t.Log("conformance corpus not present: fixtures only")
	}
	for _, p := range append(paths, corpus...) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(p, "../") {
			var c struct{ Definition json.RawMessage }
			if err := json.Unmarshal(b, &c); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			b = c.Definition
		}
		d, err := Parse(b)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		checkPiecewise(t, p, d)
	}
}

func TestCopyName(t *testing.T) {
	t.Parallel()
	taken := map[string]bool{"A copy": true, "A copy 2": true}
	isTaken := func(n string) bool { return taken[n] }
	for _, tc := range []struct{ base, want string }{
		{"B", "B copy"},
		{"A", "A copy 3"},
		{"A copy", "A copy 3"},
		{"A copy 2", "A copy 3"},
		{"copy", "copy copy"},
		{strings.Repeat("é", 80), strings.Repeat("é", 75) + " copy"},
	} {
		if got := copyName(tc.base, isTaken); got != tc.want {
			t.Errorf("copyName(%q) = %q, want %q", tc.base, got, tc.want)
		}
	}
}

// FuzzDocument parses arbitrary bytes. Whatever parses is JSON (as encoding/json says) and
// comes back byte for byte, whole and member by member; whatever does not gets a positioned
// error. A parsed state machine then takes a SetField, whose result parses back to itself and
// holds the value set, and the other ops on its first and last states, which must succeed or
// refuse with an *OpError, never panic.
func FuzzDocument(f *testing.F) {
	paths, _ := filepath.Glob("testdata/docs/*.json")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`{}`, `[]`, `""`, `0`, `-0.5e+10`, `{"a":[1,{"b":null}]}`, " {\r\n\t\"a\" : [ ] }\n",
		`{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`, "\"\\ud83d\\ude00\"", `{"a":1,}`, "\xff",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Parse(data)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Line < 1 || se.Column < 1 {
				t.Fatalf("error %v is not a positioned *SyntaxError", err)
			}
			if json.Valid(data) && !strings.Contains(err.Error(), "nests deeper than") {
				t.Fatalf("Parse refuses valid JSON: %v", err)
			}
			return
		}
		if !json.Valid(data) {
			t.Fatalf("Parse accepts invalid JSON %q", data)
		}
		if !bytes.Equal(d.Bytes(), data) {
			t.Fatalf("Bytes differs from the input")
		}
		checkPiecewise(t, "input", d)

		states, err := d.States()
		if err != nil || len(states) == 0 {
			return
		}
		got, err := SetField{State: states[0].Name, Field: Path{"Comment"}, Value: []byte(`{"a": ["b", 1]}`)}.Apply(d)
		if err != nil {
			var opErr *OpError
			if !errors.As(err, &opErr) {
				t.Fatalf("SetField: %v is not an *OpError", err)
			}
			return
		}
		again, err := Parse(got.Bytes())
		if err != nil || !bytes.Equal(again.Bytes(), got.Bytes()) {
			t.Fatalf("the result of SetField does not parse back to itself: %v", err)
		}
		if v, err := again.Get(append(states[0].Path.with(), "Comment")); err != nil || compactOf(v) != `{"a":["b",1]}` {
			t.Fatalf("the field set reads %s, %v", v, err)
		}

		first, last := states[0], states[len(states)-1]
		ops := []Op{
			DeleteState{State: last.Name},
			DuplicateState{State: first.Name},
			RenameState{From: last.Name, To: "Renamed"},
			MoveState{State: last.Name, Where: Where{Start: &first.Scope}},
			MoveState{State: first.Name, Where: Where{After: last.Name}},
			WrapStates{States: []string{first.Name}, In: "Map", Name: "Wrapped"},
			PasteStates{Fragment: `{"Type": "Pass", "Next": "Gone"}`, After: first.Name},
			PasteStates{Fragment: d.String()},
		}
		zones, _ := d.DropZones()
		for _, z := range zones[:min(len(zones), 4)] {
			ops = append(ops, InsertState{State: "Dropped", Definition: []byte(`{"Type": "Pass"}`), Where: z})
		}
		for _, op := range ops {
			got, err := op.Apply(d)
			if err != nil {
				var opErr *OpError
				if !errors.As(err, &opErr) {
					t.Fatalf("%T: %v is not an *OpError", op, err)
				}
				continue
			}
			if again, err := Parse(got.Bytes()); err != nil || !bytes.Equal(again.Bytes(), got.Bytes()) {
				t.Fatalf("%T: the result does not parse back to itself: %v", op, err)
			}
		}
	})
}

func compactOf(b []byte) string {
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		return string(b)
	}
	return out.String()
}
