package designer_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stepstudio/stepstudio/designer"
)

// TestOpJSON pins the JSON form of every op: what the browser sends and an undo log keeps.
func TestOpJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		op   designer.Op
		json string
	}{
		{designer.InsertState{State: "Wait", Definition: []byte(`{"Type":"Wait","Seconds":5}`), Where: designer.Where{Edge: &designer.EdgeRef{From: "A", Kind: designer.EdgeNext}}},
			`{"op":"InsertState","state":"Wait","definition":{"Type":"Wait","Seconds":5},"where":{"edge":{"from":"A","kind":"next"}}}`},
		{designer.InsertState{State: "W", Definition: []byte(`{"Type":"Pass"}`), Where: designer.Where{Edge: &designer.EdgeRef{From: "C", Kind: designer.EdgeChoice, Index: 1}}},
			`{"op":"InsertState","state":"W","definition":{"Type":"Pass"},"where":{"edge":{"from":"C","kind":"choice","index":1}}}`},
		{designer.InsertState{State: "W", Definition: []byte(`{"Type":"Pass"}`), Where: designer.Where{After: "A"}},
			`{"op":"InsertState","state":"W","definition":{"Type":"Pass"},"where":{"after":"A"}}`},
		{designer.InsertState{State: "W", Definition: []byte(`{"Type":"Pass"}`), Where: designer.Where{Start: &designer.ScopeRef{}}},
			`{"op":"InsertState","state":"W","definition":{"Type":"Pass"},"where":{"start":{}}}`},
		{designer.InsertState{State: "W", Definition: []byte(`{"Type":"Pass"}`), Where: designer.Where{Start: &designer.ScopeRef{Parent: "P", Branch: 1}}},
			`{"op":"InsertState","state":"W","definition":{"Type":"Pass"},"where":{"start":{"parent":"P","branch":1}}}`},
		{designer.InsertState{State: "W", Definition: []byte(`{"Type":"Pass"}`), Where: designer.Where{NewBranch: "P"}},
			`{"op":"InsertState","state":"W","definition":{"Type":"Pass"},"where":{"newBranch":"P"}}`},
		{designer.AddState{State: "Failed 2", Definition: []byte(`{"Type":"Fail"}`), Beside: "T", Link: designer.Path{"Catch", 0, "Next"}},
			`{"op":"AddState","state":"Failed 2","definition":{"Type":"Fail"},"beside":"T","link":["Catch",0,"Next"]}`},
		{designer.AddState{State: "Spare", Definition: []byte(`{"Type":"Pass"}`), Beside: "T"},
			`{"op":"AddState","state":"Spare","definition":{"Type":"Pass"},"beside":"T"}`},
		{designer.MoveState{State: "B", Where: designer.Where{Edge: &designer.EdgeRef{From: "T", Kind: designer.EdgeCatch}}},
			`{"op":"MoveState","state":"B","where":{"edge":{"from":"T","kind":"catch"}}}`},
		{designer.DeleteState{State: "B"},
			`{"op":"DeleteState","state":"B"}`},
		{designer.DuplicateState{State: "B"},
			`{"op":"DuplicateState","state":"B"}`},
		{designer.DuplicateState{State: "B", NewName: "B2"},
			`{"op":"DuplicateState","state":"B","newName":"B2"}`},
		{designer.RenameState{From: "B", To: `Say "hi"`},
			`{"op":"RenameState","from":"B","to":"Say \"hi\""}`},
		{designer.SetField{State: "A", Field: designer.Path{"Retry", 0, "MaxAttempts"}, Value: []byte(`3`)},
			`{"op":"SetField","state":"A","field":["Retry",0,"MaxAttempts"],"value":3}`},
		{designer.SetField{State: "A", Field: designer.Path{"ResultPath"}, Value: []byte(`null`)},
			`{"op":"SetField","state":"A","field":["ResultPath"],"value":null}`},
		{designer.SetField{State: "C", Field: designer.Path{"Choices", 0, "Condition"}, Value: []byte(`"{% $a > 1 and $b < 2 & 'x' %}"`)},
			`{"op":"SetField","state":"C","field":["Choices",0,"Condition"],"value":"{% $a > 1 and $b < 2 & 'x' %}"}`},
		{designer.SetField{State: "A", Field: designer.Path{"Comment"}, Delete: true},
			`{"op":"SetField","state":"A","field":["Comment"],"delete":true}`},
		{designer.WrapStates{States: []string{"A", "B"}, In: "Parallel", Name: "Both"},
			`{"op":"WrapStates","states":["A","B"],"in":"Parallel","name":"Both"}`},
		{designer.PasteStates{Fragment: `{"Type": "Pass"}`, After: "A"},
			`{"op":"PasteStates","fragment":"{\"Type\": \"Pass\"}","after":"A"}`},
		{designer.PasteStates{Fragment: `{"A": {"Type": "Pass"}}`},
			`{"op":"PasteStates","fragment":"{\"A\": {\"Type\": \"Pass\"}}"}`},
		{designer.ReplaceDocument{Text: "{\n}"},
			`{"op":"ReplaceDocument","text":"{\n}"}`},
		{designer.ConvertQueryLanguage{State: "A", To: "JSONata"},
			`{"op":"ConvertQueryLanguage","state":"A","to":"JSONata"}`},
	}
	for _, tc := range tests {
		got, err := designer.MarshalOp(tc.op)
		if err != nil {
			t.Fatalf("MarshalOp(%#v): %v", tc.op, err)
		}
		if string(got) != tc.json {
			t.Errorf("MarshalOp:\n got %s\nwant %s", got, tc.json)
		}
		back, err := designer.UnmarshalOp([]byte(tc.json))
		if err != nil {
			t.Fatalf("UnmarshalOp(%s): %v", tc.json, err)
		}
		if diff := cmp.Diff(tc.op, back); diff != "" {
			t.Errorf("UnmarshalOp(%s) (-want +got):\n%s", tc.json, diff)
		}
	}
}

func TestUnmarshalOpErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ json, want string }{
		{`[]`, "designer: an op is a JSON object"},
		{`{"state": "A"}`, `designer: an op needs an "op" field naming its kind, such as "InsertState"`},
		{`{"op": "Explode"}`, `designer: unknown op "Explode"`},
		{`{"op": "DeleteState", "name": "A"}`, `designer: op DeleteState: json: unknown field "name"`},
		{`{"op": "SetField", "state": "A", "field": ["a", 1.5], "value": 1}`, `designer: op SetField: designer: path element 1.5 is neither a key nor an index`},
		{`{"op": "RenameState", "from": 1}`, `designer: op RenameState: json: cannot unmarshal number into Go struct field RenameState.from of type string`},
	}
	for _, tc := range tests {
		_, err := designer.UnmarshalOp([]byte(tc.json))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("UnmarshalOp(%s): error %v, want %q", tc.json, err, tc.want)
		}
	}
}

func TestHistory(t *testing.T) {
	t.Parallel()
	d, err := designer.Parse(readTestdata(t, "docs/flow.json"))
	if err != nil {
		t.Fatal(err)
	}
	h := designer.NewHistory(d, 2)
	if h.CanUndo() || h.CanRedo() {
		t.Fatal("a new history can undo or redo")
	}
	rename := designer.RenameState{From: "Poll", To: "Wait"}
	v1, err := h.Apply(rename)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Apply(designer.DeleteState{State: "Nope"}); err == nil || h.Document() != v1 {
		t.Fatalf("a refused op changed the history (err %v)", err)
	}
	if got, err := h.Apply(designer.SetField{State: "Wait", Field: designer.Path{"Seconds"}, Value: []byte("5")}); err != nil || got != v1 {
		t.Fatalf("an op that changes nothing added a version (err %v)", err)
	}
	v2, err := h.Apply(designer.DeleteState{State: "Single"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Apply(designer.DeleteState{State: "Check"}); err != nil {
		t.Fatal(err)
	}
	if got, ok := h.Undo(); !ok || got != v2 {
		t.Fatal("Undo did not go back to the second version")
	}
	if got, ok := h.Undo(); !ok || got != v1 {
		t.Fatal("Undo did not go back to the first version")
	}
	// The limit is 2 edits: the original document is no longer kept.
	if got, ok := h.Undo(); ok || got != v1 {
		t.Fatal("Undo went past the limit")
	}
	if got, ok := h.Redo(); !ok || got != v2 {
		t.Fatal("Redo did not go forward")
	}
	if ops := h.Ops(); len(ops) != 1 || ops[0] != (designer.DeleteState{State: "Single"}) {
		t.Fatalf("Ops = %#v", ops)
	}
	// A new edit after Undo forgets what could be redone.
	if _, err := h.Apply(designer.DeleteState{State: "Notify"}); err != nil {
		t.Fatal(err)
	}
	if h.CanRedo() {
		t.Fatal("Redo is possible after a new edit")
	}
	if _, ok := h.Redo(); ok {
		t.Fatal("Redo moved after a new edit")
	}
}
