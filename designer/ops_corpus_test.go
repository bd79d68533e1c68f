package designer_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stepstudio/stepstudio/designer"
)

// TestOpsOnCorpus applies the ops everywhere they apply in every definition of the conformance
// corpus: a Pass dropped on every drop zone, and every state deleted, duplicated, renamed,
// moved to the start of its scope, commented, wrapped and given a state pasted after it, and the
// whole definition is pasted into itself. Each op either succeeds or is refused
// with an *OpError; on a valid definition (the corpus has some the runtime refuses, JSONata
// ones so far) a success must be valid ASL too. Where an
// op has an inverse (delete what was inserted or duplicated, rename back, delete the comment
// added) the definition comes back byte for byte.
func TestOpsOnCorpus(t *testing.T) {
	t.Parallel()
	byFolder := map[string][]corpusDefinition{}
	for _, c := range corpus(t) {
		dir := filepath.Base(filepath.Dir(c.path))
		byFolder[dir] = append(byFolder[dir], c)
	}
	for dir, defs := range byFolder {
		t.Run(dir, func(t *testing.T) {
			t.Parallel()
			applied, refused := 0, 0
			for _, c := range defs {
				a, r := checkOpsOn(t, c)
				applied += a
				refused += r
			}
			t.Logf("%d definitions: %d ops applied, %d refused", len(defs), applied, refused)
		})
	}
}

// opRun applies ops to one definition and checks their results.
type opRun struct {
	t                *testing.T
	name             string
	def              []byte
	doc              *designer.Document
	valid            bool // the definition has no ERROR, so neither may a result
	applied, refused int
}

func checkOpsOn(t *testing.T, c corpusDefinition) (applied, refused int) {
	doc, err := designer.Parse(c.text)
	if err != nil {
		t.Errorf("%s: %v", c.path, err)
		return 0, 0
	}
	r := &opRun{t: t, name: c.path, def: c.text, doc: doc, valid: len(newErrors(nil, c.text)) == 0}
	zones, err := doc.DropZones()
	if err != nil {
		t.Errorf("%s: DropZones: %v", c.path, err)
		return 0, 0
	}
	const newName = "Dropped here"
	for _, z := range zones {
		got := r.apply(designer.InsertState{State: newName, Definition: []byte(`{"Type": "Pass"}`), Where: z}, false)
		if got != nil && z.NewBranch == "" {
			r.inverse(got, designer.DeleteState{State: newName})
		}
	}
	states, err := doc.States()
	if err != nil {
		t.Errorf("%s: States: %v", c.path, err)
		return 0, 0
	}
	for _, s := range states {
		r.apply(designer.DeleteState{State: s.Name}, true)
		if got := r.apply(designer.DuplicateState{State: s.Name, NewName: "Copied here"}, false); got != nil {
			r.inverse(got, designer.DeleteState{State: "Copied here"})
		}
		if got := r.apply(designer.RenameState{From: s.Name, To: "Renamed ✓"}, false); got != nil {
			r.inverse(got, designer.RenameState{From: "Renamed ✓", To: s.Name})
		}
		r.apply(designer.MoveState{State: s.Name, Where: designer.Where{Start: &s.Scope}}, true)
		if got := r.apply(designer.SetField{State: s.Name, Field: designer.Path{"Comment"}, Value: []byte(`"checked"`)}, false); got != nil {
			if _, err := doc.Get(append(append(designer.Path{}, s.Path...), "Comment")); err != nil {
				r.inverse(got, designer.SetField{State: s.Name, Field: designer.Path{"Comment"}, Delete: true})
			}
		}
		r.apply(designer.WrapStates{States: []string{s.Name}, In: "Parallel", Name: "Wrapper"}, true)
		if got := r.apply(designer.PasteStates{Fragment: `{"Pasted here": {"Type": "Pass", "End": true}}`, After: s.Name}, false); got != nil {
			r.inverse(got, designer.DeleteState{State: "Pasted here"})
		}
	}
	// The whole definition pasted into itself: every name is taken, so every state, nested
	// ones too, comes in renamed with its references.
	r.apply(designer.PasteStates{Fragment: string(c.text)}, false)
	return r.applied, r.refused
}

// apply applies op to the definition. A refusal is an *OpError, allowed only when mayRefuse;
// a success must be valid ASL. It returns the result, nil when refused.
func (r *opRun) apply(op designer.Op, mayRefuse bool) *designer.Document {
	r.t.Helper()
	got, err := op.Apply(r.doc)
	if err != nil {
		var opErr *designer.OpError
		switch {
		case !errors.As(err, &opErr):
			r.t.Errorf("%s: %s: error %v is not an *OpError", r.name, describeOp(op), err)
		case !mayRefuse:
			r.t.Errorf("%s: %s: refused: %v", r.name, describeOp(op), err)
		}
		r.refused++
		return nil
	}
	r.applied++
	errs := newErrors(r.def, got.Bytes())
	if _, ok := op.(designer.DeleteState); ok {
		// Deleting the only state of a branch or item processor leaves it empty on purpose:
		// the drop zone where the next state goes.
		errs = slices.DeleteFunc(errs, func(e string) bool { return strings.HasSuffix(e, "States: must hold at least one state") })
	}
	if len(errs) > 0 && r.valid {
		r.t.Errorf("%s: %s gives invalid ASL: %s", r.name, describeOp(op), strings.Join(errs, "; "))
	}
	return got
}

// inverse applies the op that undoes the last one and expects the definition back, byte for
// byte, or at least the same JSON when a name was written with escapes the designer does not
// use.
func (r *opRun) inverse(d *designer.Document, op designer.Op) {
	r.t.Helper()
	back, err := op.Apply(d)
	if err != nil {
		r.t.Errorf("%s: undoing with %s: %v", r.name, describeOp(op), err)
		return
	}
	if bytes.Equal(back.Bytes(), r.def) {
		return
	}
	if !sameJSON(back.Bytes(), r.def) {
		r.t.Errorf("%s: %s does not give the definition back:\n%s", r.name, describeOp(op), back.Bytes())
		return
	}
	if !bytes.Contains(r.def, []byte(`\u`)) && !bytes.Contains(r.def, []byte(`\/`)) {
		r.t.Errorf("%s: %s gives the same JSON written differently:\n%s", r.name, describeOp(op), back.Bytes())
	}
}

func sameJSON(a, b []byte) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}

func describeOp(op designer.Op) string {
	b, err := designer.MarshalOp(op)
	if err != nil {
		return fmt.Sprintf("%#v", op)
	}
	return string(b)
}
