package designer_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stepstudio/stepstudio/designer"
	"github.com/stepstudio/stepstudio/runtime"
)

// opCase is one application of an op. A case that succeeds compares the result with the
// golden file testdata/ops/<op>/<name>.json (rewritten with -update); a refused one looks for
// wantErr in the error.
type opCase struct {
	name    string
	doc     string        // input: a file in testdata/docs, or JSON text when it starts with '{' or '['
	setup   []designer.Op // applied first, to reach the input of the case
	op      designer.Op
	wantErr string // a refusal: a part of the error message
	field   string // a refusal: the OpError's Field
	same    bool   // the op changes nothing: the result is the input, byte for byte
	invalid bool   // the result need not be valid ASL (a code edit in progress)
}

// runOpCases runs the cases of one op, each as a parallel subtest.
func runOpCases(t *testing.T, cases []opCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			doc := parseInput(t, tc.doc)
			for _, op := range tc.setup {
				var err error
				if doc, err = op.Apply(doc); err != nil {
					t.Fatalf("setup %T: %v", op, err)
				}
			}
			before := string(doc.Bytes())
			got, err := tc.op.Apply(doc)
			if string(doc.Bytes()) != before {
				t.Fatalf("Apply changed its input document")
			}
			if tc.wantErr != "" {
				checkRefusal(t, tc, got, err)
				return
			}
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			checkResult(t, tc, doc, got)
		})
	}
}

func parseInput(t *testing.T, doc string) *designer.Document {
	t.Helper()
	text := []byte(doc)
	if !strings.HasPrefix(doc, "{") && !strings.HasPrefix(doc, "[") {
		text = readTestdata(t, filepath.Join("docs", doc))
	}
	d, err := designer.Parse(text)
	if err != nil {
		t.Fatalf("Parse %s: %v", doc, err)
	}
	return d
}

func checkRefusal(t *testing.T, tc opCase, got *designer.Document, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("Apply succeeded, want an error containing %q; result:\n%s", tc.wantErr, got.Bytes())
	}
	if got != nil {
		t.Errorf("Apply returned a document along with its error")
	}
	if !strings.Contains(err.Error(), tc.wantErr) {
		t.Errorf("error %q does not contain %q", err, tc.wantErr)
	}
	var opErr *designer.OpError
	if !errors.As(err, &opErr) {
		t.Fatalf("error %v is a %T, not an *OpError", err, err)
	}
	if opErr.Field != tc.field {
		t.Errorf("OpError.Field = %q, want %q", opErr.Field, tc.field)
	}
}

// checkResult checks a successful edit: the golden text, valid ASL (no error the input did
// not have), a stable text, a deterministic drawing, and the same result from the op's JSON
// form.
func checkResult(t *testing.T, tc opCase, in, got *designer.Document) {
	t.Helper()
	if tc.same {
		if string(got.Bytes()) != string(in.Bytes()) {
			t.Errorf("the op should change nothing; it gave:\n%s", got.Bytes())
		}
	} else {
		golden(t, filepath.Join("ops", opName(t, tc.op), tc.name+".json"), got.Bytes())
	}
	if errs := newErrors(in.Bytes(), got.Bytes()); len(errs) > 0 && !tc.invalid {
		t.Errorf("the result is not valid ASL:\n%s\n%s", strings.Join(errs, "\n"), got.Bytes())
	}
	again, err := designer.Parse(got.Bytes())
	if err != nil || string(again.Bytes()) != string(got.Bytes()) {
		t.Errorf("the result does not parse back to itself: %v", err)
	}
	checkDOTDeterministic(t, got.Bytes())

	data, err := designer.MarshalOp(tc.op)
	if err != nil {
		t.Fatalf("MarshalOp: %v", err)
	}
	op, err := designer.UnmarshalOp(data)
	if err != nil {
		t.Fatalf("UnmarshalOp(%s): %v", data, err)
	}
	viaJSON, err := op.Apply(in)
	if err != nil || string(viaJSON.Bytes()) != string(got.Bytes()) {
		t.Errorf("the op read back from %s gives another result (err %v)", data, err)
	}
}

// opName is the "op" field of an op's JSON form, which names its golden folder.
func opName(t *testing.T, op designer.Op) string {
	t.Helper()
	data, err := designer.MarshalOp(op)
	if err != nil {
		t.Fatal(err)
	}
	name, _, _ := strings.Cut(strings.TrimPrefix(string(data), `{"op":"`), `"`)
	return name
}

// golden compares got with testdata/<name>, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("result differs from %s (-want +got; rerun with -update and review the diff):\n%s", path, diff)
	}
}

// newErrors lists the ERROR diagnostics of after that before did not have.
func newErrors(before, after []byte) []string {
	had := map[string]bool{}
	for _, d := range runtime.Validate(before) {
		had[d.Severity+" "+d.String()] = true
	}
	var out []string
	for _, d := range runtime.Validate(after) {
		if s := d.Severity + " " + d.String(); d.Severity == runtime.SeverityError && !had[s] {
			out = append(out, s)
		}
	}
	return out
}

func checkDOTDeterministic(t *testing.T, def []byte) {
	t.Helper()
	var first string
	for i := range 3 {
		g, err := designer.NewGraph(def)
		if err != nil {
			t.Fatalf("NewGraph: %v", err)
		}
		dot := designer.DOT(g, designer.DOTOptions{})
		if i == 0 {
			first = dot
		} else if dot != first {
			t.Fatalf("DOT of the result differs between two runs")
		}
	}
}

func edge(from string, kind designer.EdgeKind, index int) designer.Where {
	return designer.Where{Edge: &designer.EdgeRef{From: from, Kind: kind, Index: index}}
}

func start(parent string, branch int) designer.Where {
	return designer.Where{Start: &designer.ScopeRef{Parent: parent, Branch: branch}}
}

func after(name string) designer.Where { return designer.Where{After: name} }

func newBranch(name string) designer.Where { return designer.Where{NewBranch: name} }

const waitDef = `{"Type": "Wait", "Seconds": 1}`

func insert(name, def string, where designer.Where) designer.InsertState {
	return designer.InsertState{State: name, Definition: []byte(def), Where: where}
}

func TestInsertState(t *testing.T) {
	t.Parallel()
	runOpCases(t, []opCase{
		{name: "on_next", doc: "flow.json", op: insert("Wait", waitDef, edge("Validate", designer.EdgeNext, 0))},
		{name: "on_choice_rule", doc: "flow.json", op: insert("Wait", waitDef, edge("Route", designer.EdgeChoice, 1))},
		{name: "on_default", doc: "flow.json", op: insert("Wait", waitDef, edge("Route", designer.EdgeDefault, 0))},
		{name: "on_catch", doc: "flow.json", op: insert("Log error", `{"Type": "Pass", "End": true}`, edge("Validate", designer.EdgeCatch, 0))},
		{name: "after_end_in_branch", doc: "flow.json", op: insert("Wait", waitDef, after("Left 2"))},
		{name: "after_state_with_next", doc: "flow.json", op: insert("Wait", waitDef, after("Single"))},
		{name: "start_top", doc: "flow.json", op: insert("Wait", waitDef, start("", 0))},
		{name: "start_branch", doc: "flow.json", op: insert("Wait", waitDef, start("Fan out", 1))},
		{name: "start_map", doc: "flow.json", op: insert("Wait", waitDef, start("Each item", 0))},
		{name: "new_branch", doc: "flow.json", op: insert("Wait", waitDef, newBranch("Fan out"))},
		{name: "choice_on_edge", doc: "flow.json", op: insert("Big?", `{"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 10}]}`, edge("Single", designer.EdgeNext, 0))},
		{name: "succeed_on_edge", doc: "flow.json", op: insert("Stop", `{"Type": "Succeed", "Next": "Notify"}`, edge("Single", designer.EdgeNext, 0))},
		{name: "parallel_with_branch", doc: "flow.json", op: insert("Twice", `{"Type": "Parallel", "Branches": [{"StartAt": "Once", "States": {"Once": {"Type": "Pass", "End": true}}}]}`, edge("Notify", designer.EdgeNext, 0))},
		{name: "name_with_quotes_and_unicode", doc: "flow.json", op: insert(`Prüfe "alles" ✓`, waitDef, edge("Validate", designer.EdgeNext, 0))},
		{name: "empty_branch", doc: "empty_scopes.json", op: insert("First", `{"Type": "Pass"}`, start("Both", 0))},
		{name: "empty_item_processor", doc: "empty_scopes.json", op: insert("First", `{"Type": "Pass"}`, start("Each", 0))},
		{name: "tabs", doc: "tabs.json", op: insert("Wait", `{"Type": "Wait", "Seconds": 1, "Assign": {"why": ["rate", "limit"]}}`, edge("Fetch", designer.EdgeNext, 0))},
		{name: "crlf", doc: "crlf.json", op: insert("Between", `{"Type": "Pass", "Result": {"a": [1, 2]}}`, edge("One", designer.EdgeNext, 0))},
		{name: "compact", doc: "compact.json", op: insert("Between", `{"Type": "Pass", "Result": {"a": [1, 2]}}`, edge("A", designer.EdgeNext, 0))},
		{name: "python_separators", doc: "python.json", op: insert("Between", `{"Type": "Pass", "Result": {"a": [1, 2]}}`, edge("A", designer.EdgeNext, 0))},
		{name: "odd_layout", doc: "odd.json", op: insert("Between", `{"Type": "Pass", "Result": {"a": [1, 2]}}`, after("Then"))},
		{name: "unicode_doc", doc: "unicode.json", op: insert("Zwischen", `{"Type": "Pass"}`, edge(`Prüfen "schnell"`, designer.EdgeNext, 0))},

		{name: "name_taken", doc: "flow.json", op: insert("Route", waitDef, after("Left 2")), wantErr: `a state named "Route" already exists (at /States/Route)`},
		{name: "name_taken_in_branch", doc: "flow.json", op: insert("Right", waitDef, after("Left 2")), wantErr: `already exists (at /States/Fan out/Branches/1/States/Right)`},
		{name: "name_empty", doc: "flow.json", op: insert("", waitDef, after("Left 2")), wantErr: "a state name cannot be empty"},
		{name: "name_too_long", doc: "flow.json", op: insert(strings.Repeat("ü", 81), waitDef, after("Left 2")), wantErr: "is 81 characters long; AWS allows at most 80"},
		{name: "name_control_character", doc: "flow.json", op: insert("a\tb", waitDef, after("Left 2")), wantErr: "control character U+0009"},
		{name: "unknown_type", doc: "flow.json", op: insert("X", `{"Type": "Lambda"}`, after("Left 2")), wantErr: `Type must be one of "Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map", not "Lambda"`, field: "Type"},
		{name: "definition_not_object", doc: "flow.json", op: insert("X", `[1]`, after("Left 2")), wantErr: "the definition of a state is a JSON object, not [1]"},
		{name: "definition_not_json", doc: "flow.json", op: insert("X", `{"Type": "Pass",}`, after("Left 2")), wantErr: "definition: line 1, column 17 (at /Type): unexpected '}' after ','"},
		{name: "nested_name_taken", doc: "flow.json", op: insert("Twice", `{"Type": "Parallel", "Branches": [{"StartAt": "Poll", "States": {"Poll": {"Type": "Pass", "End": true}}}]}`, after("Left 2")), wantErr: `inside the definition: a state named "Poll" already exists`},
		{name: "no_such_state", doc: "flow.json", op: insert("X", waitDef, edge("Nope", designer.EdgeNext, 0)), wantErr: `no such state "Nope"`},
		{name: "choice_has_no_next", doc: "flow.json", op: insert("X", waitDef, edge("Route", designer.EdgeNext, 0)), wantErr: `"Route" has no Next transition`},
		{name: "no_such_rule", doc: "flow.json", op: insert("X", waitDef, edge("Route", designer.EdgeChoice, 4)), wantErr: `"Route" has no rule 5 transition`},
		{name: "unknown_edge_kind", doc: "flow.json", op: insert("X", waitDef, edge("Single", "then", 0)), wantErr: `unknown edge kind "then"`},
		{name: "after_choice", doc: "flow.json", op: insert("X", waitDef, after("Route")), wantErr: `the Choice state "Route" does not end`},
		{name: "after_succeed", doc: "flow.json", op: insert("X", waitDef, after("Done")), wantErr: `nothing can follow the Succeed state "Done"`},
		{name: "no_such_branch", doc: "flow.json", op: insert("X", waitDef, start("Fan out", 2)), wantErr: `the Parallel state "Fan out" has no branch 3`},
		{name: "start_of_pass", doc: "flow.json", op: insert("X", waitDef, start("Single", 0)), wantErr: `"Single" is a Pass state, which has no branches`},
		{name: "new_branch_of_map", doc: "flow.json", op: insert("X", waitDef, newBranch("Each item")), wantErr: `"Each item" is a Map state; only a Parallel state has branches to add`},
		{name: "choice_at_end", doc: "flow.json", op: insert("X", `{"Type": "Choice", "Choices": [{"Variable": "$.a", "IsNull": true}]}`, after("Left 2")), wantErr: "a Choice state must lead somewhere"},
		{name: "choice_without_rules", doc: "flow.json", op: insert("X", `{"Type": "Choice"}`, edge("Single", designer.EdgeNext, 0)), wantErr: "a Choice state needs at least one rule", field: "Choices"},
		{name: "two_places", doc: "flow.json", op: designer.InsertState{State: "X", Definition: []byte(waitDef), Where: designer.Where{After: "Left 2", NewBranch: "Fan out"}}, wantErr: `a place is exactly one of "edge", "after", "start" or "newBranch"`},
		{name: "no_place", doc: "flow.json", op: designer.InsertState{State: "X", Definition: []byte(waitDef)}, wantErr: `a place is exactly one of`},
		{name: "not_asl_array", doc: `[1, 2]`, op: insert("X", waitDef, start("", 0)), wantErr: "not a state machine: the document is a JSON array"},
		{name: "not_asl_object", doc: `{"foo": 1}`, op: insert("X", waitDef, start("", 0)), wantErr: `not a state machine: the top-level object has no "States" object`},
	})
}

func addState(name, def, beside string, link designer.Path) designer.AddState {
	return designer.AddState{State: name, Definition: []byte(def), Beside: beside, Link: link}
}

func TestAddState(t *testing.T) {
	t.Parallel()
	const failDef = `{"Type": "Fail", "Error": "Rejected"}`
	runOpCases(t, []opCase{
		{name: "catch_next", doc: "flow.json", op: addState("Rejected", failDef, "Validate", designer.Path{"Catch", 0, "Next"})},
		{name: "rule_next", doc: "flow.json", op: addState("Bulk", `{"Type": "Pass", "Next": "Notify"}`, "Route", designer.Path{"Choices", 0, "Next"})},
		{name: "default", doc: "flow.json", op: addState("Other", `{"Type": "Succeed"}`, "Route", designer.Path{"Default"})},
		{name: "next", doc: "flow.json", op: addState("Log", `{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "log"}}`, "Single", designer.Path{"Next"})},
		{name: "in_branch", doc: "flow.json", op: addState("Left 3", `{"Type": "Pass"}`, "Left 2", designer.Path{"Next"})},
		{name: "in_map", doc: "flow.json", op: addState("Item failed", failDef, "Item", nil)},
		{name: "unlinked", doc: "flow.json", op: addState("Spare", `{"Type": "Wait", "Seconds": 1}`, "Notify", nil)},
		{name: "parallel", doc: "flow.json", op: addState("Both", `{"Type": "Parallel", "Branches": [{"StartAt": "One", "States": {"One": {"Type": "Pass", "End": true}}}]}`, "Validate", designer.Path{"Catch", 0, "Next"})},
		{name: "tabs", doc: "tabs.json", op: addState("Failed", failDef, "Fetch", designer.Path{"Next"})},
		{name: "new_catcher", doc: "flow.json", op: addState("Rejected", failDef, "Validate", designer.Path{"Catch", 1, "Next"})},
		{name: "first_catcher_of_only_state", doc: `{"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}`,
			op: addState("Caught", `{"Type": "Fail"}`, "Call", designer.Path{"Catch", 0, "Next"})},

		{name: "choice", doc: "flow.json", op: addState("Again?", `{"Type": "Choice", "Choices": [{"Variable": "$.a", "IsNull": true}]}`, "Route", designer.Path{"Default"}), wantErr: "a new Choice must lead somewhere", field: "Type"},
		{name: "name_taken", doc: "flow.json", op: addState("Failed", failDef, "Validate", designer.Path{"Catch", 0, "Next"}), wantErr: `a state named "Failed" already exists`},
		{name: "not_a_link", doc: "flow.json", op: addState("X", failDef, "Validate", designer.Path{"Comment"}), wantErr: "a new state is linked from a transition", field: "Comment"},
		{name: "no_such_catcher", doc: "flow.json", op: addState("X", failDef, "Validate", designer.Path{"Catch", 3, "Next"}), wantErr: "no such value at /States/Validate/Catch/3", field: "Catch/3/Next"},
		{name: "catcher_of_pass", doc: "flow.json", op: addState("X", failDef, "Single", designer.Path{"Catch", 0, "Next"}), wantErr: "a Pass state has no Catch; only Task, Parallel and Map states catch errors", field: "Catch"},
		{name: "default_of_pass", doc: "flow.json", op: addState("X", failDef, "Single", designer.Path{"Default"}), wantErr: "a Pass state has no Default; only a Choice state has", field: "Default"},
		{name: "next_of_choice", doc: "flow.json", op: addState("X", failDef, "Route", designer.Path{"Next"}), wantErr: "a Choice state has no Next field", field: "Next"},
		{name: "unknown_type", doc: "flow.json", op: addState("X", `{"Type": "Lambda"}`, "Route", designer.Path{"Default"}), wantErr: "Type must be one of", field: "Type"},
		{name: "no_such_state", doc: "flow.json", op: addState("X", failDef, "Nope", designer.Path{"Next"}), wantErr: `no such state "Nope"`},
	})
}

func move(name string, where designer.Where) designer.MoveState {
	return designer.MoveState{State: name, Where: where}
}

func TestMoveState(t *testing.T) {
	t.Parallel()
	runOpCases(t, []opCase{
		{name: "same_scope", doc: "flow.json", op: move("Single", edge("Check", designer.EdgeNext, 0))},
		{name: "to_start", doc: "flow.json", op: move("Notify", start("", 0))},
		{name: "start_state_down", doc: "flow.json", op: move("Validate", edge("Notify", designer.EdgeNext, 0))},
		{name: "after_end", doc: "flow.json", op: move("Left 1", after("Left 2"))},
		{name: "into_branch", doc: "flow.json", op: move("Single", start("Fan out", 0))},
		{name: "out_of_map", doc: "flow.json", op: move("Item done", edge("Notify", designer.EdgeNext, 0))},
		{name: "to_new_branch", doc: "flow.json", op: move("Poll", newBranch("Fan out"))},
		{name: "terminal_state", doc: "flow.json", op: move("Done", edge("Single", designer.EdgeNext, 0))},
		{name: "choice_same_scope", doc: "flow.json", op: move("Is done?", edge("Single", designer.EdgeNext, 0))},
		{name: "tabs", doc: "tabs.json", op: move("Store", start("", 0))},
		{name: "choice_target_stays", doc: `{"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsNull": true, "Next": "Yes"}], "Default": "No"}, "Yes": {"Type": "Pass", "End": true}, "No": {"Type": "Pass", "End": true}}}`, op: move("Yes", after("No"))},
		{name: "catch_target_to_other_scope", doc: "flow.json", op: move("Failed", start("Fan out", 1))},

		{name: "own_next", doc: "flow.json", op: move("Single", edge("Single", designer.EdgeNext, 0)), same: true},
		{name: "edge_into_it", doc: "flow.json", op: move("Single", edge("Route", designer.EdgeDefault, 0)), same: true},
		{name: "after_itself", doc: "flow.json", op: move("Left 2", after("Left 2")), same: true},
		{name: "after_its_predecessor", doc: "flow.json", op: move("Left 2", after("Left 1")), same: true},
		{name: "start_it_starts", doc: "flow.json", op: move("Validate", start("", 0)), same: true},

		{name: "choice_to_other_scope", doc: "flow.json", op: move("Route", start("Fan out", 0)), wantErr: "a Choice state cannot move to another scope"},
		{name: "catch_to_other_scope", doc: "flow.json", op: move("Validate", start("Fan out", 0)), wantErr: `while catcher 1 leads to "Failed"`, field: "Catch"},
		{name: "into_itself", doc: "flow.json", op: move("Fan out", start("Fan out", 1)), wantErr: "a state cannot move into itself"},
		{name: "into_own_new_branch", doc: "flow.json", op: move("Fan out", newBranch("Fan out")), wantErr: "a state cannot move into itself"},
		{name: "only_state_of_branch", doc: "flow.json", op: move("Right", edge("Single", designer.EdgeNext, 0)), wantErr: `it is the only state of branch 2 of "Fan out"`},
		{name: "no_such_state", doc: "flow.json", op: move("Nope", start("", 0)), wantErr: `no such state "Nope"`},
		{name: "bad_place", doc: "flow.json", op: move("Single", after("Done")), wantErr: `nothing can follow the Succeed state "Done"`},
	})
}

func TestDeleteState(t *testing.T) {
	t.Parallel()
	del := func(name string) designer.DeleteState { return designer.DeleteState{State: name} }
	runOpCases(t, []opCase{
		{name: "middle", doc: "flow.json", op: del("Single")},
		{name: "start_with_catch", doc: "flow.json", op: del("Validate")},
		{name: "end_of_branch", doc: "flow.json", op: del("Left 2")},
		{name: "start_of_branch", doc: "flow.json", op: del("Left 1")},
		{name: "catch_target", doc: "flow.json", op: del("Failed")},
		{name: "succeed_after_next", doc: "flow.json", op: del("Done")},
		{name: "choice", doc: "flow.json", op: del("Is done?")},
		{name: "parallel_with_its_states", doc: "flow.json", op: del("Fan out")},
		{name: "only_state_of_branch_takes_the_branch", doc: "flow.json", op: del("Right")},
		// An empty scope is invalid ASL until a state is dropped into it.
		{name: "only_state_of_the_only_branch", doc: `{"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}], "End": true}}}`, op: del("A"), invalid: true},
		{name: "only_state_of_item_processor", doc: `{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Each", "States": {"Each": {"Type": "Pass", "Next": "Each"}}}, "End": true}}}`, op: del("Each"), invalid: true},
		{name: "default_target", doc: "compact.json", op: del("D")},
		{name: "crlf", doc: "crlf.json", op: del("One")},
		{name: "escaped_key", doc: "unicode.json", op: del(`Prüfen "schnell"`)},

		{name: "choice_rule_target", doc: "compact.json", op: del("C"), wantErr: `rule 1 of the Choice state "B" leads to it, and it has no next state`},
		{name: "last_ending_state", doc: `{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Choice", "Choices": [{"Variable": "$.again", "BooleanEquals": true, "Next": "A"}], "Default": "C"}, "C": {"Type": "Succeed"}}}`, op: del("C"), wantErr: "the top level would have no state left that ends it"},
		{name: "only_state_top", doc: `{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}`, op: del("A"), wantErr: "it is the only state of the top level"},
		{name: "no_such_state", doc: "flow.json", op: del("Nope"), wantErr: `no such state "Nope"`},
		{name: "defined_twice", doc: `{"StartAt": "A", "States": {"A": {"Type": "Parallel", "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}], "End": true}}}`, op: del("A"), wantErr: `the name "A" is defined 2 times (at /States/A and /States/A/Branches/0/States/A)`},
	})
}

func TestDuplicateState(t *testing.T) {
	t.Parallel()
	dup := func(name string) designer.DuplicateState { return designer.DuplicateState{State: name} }
	runOpCases(t, []opCase{
		{name: "with_next", doc: "flow.json", op: dup("Single")},
		{name: "with_end", doc: "flow.json", op: dup("Left 2")},
		{name: "parallel_renames_inside", doc: "flow.json", op: dup("Fan out")},
		{name: "map_renames_inside", doc: "flow.json", op: dup("Each item")},
		{name: "choice_unconnected", doc: "flow.json", op: dup("Route")},
		{name: "fail_unconnected", doc: "flow.json", op: dup("Failed")},
		{name: "new_name", doc: "flow.json", op: designer.DuplicateState{State: "Single", NewName: "Again"}},
		{name: "copy_of_copy", doc: "flow.json", setup: []designer.Op{dup("Single")}, op: dup("Single copy")},
		{name: "second_copy", doc: "flow.json", setup: []designer.Op{dup("Single")}, op: dup("Single")},
		{name: "long_name", doc: `{"StartAt": "` + strings.Repeat("x", 80) + `", "States": {"` + strings.Repeat("x", 80) + `": {"Type": "Pass", "End": true}}}`, op: dup(strings.Repeat("x", 80))},
		{name: "compact", doc: "compact.json", op: dup("A")},
		{name: "map_label_not_copied", doc: `{"StartAt": "M", "States": {"M": {"Type": "Map", "Label": "Items", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}, "End": true}}}`, op: dup("M")},

		{name: "name_taken", doc: "flow.json", op: designer.DuplicateState{State: "Single", NewName: "Poll"}, wantErr: `a state named "Poll" already exists`},
		{name: "no_such_state", doc: "flow.json", op: dup("Nope"), wantErr: `no such state "Nope"`},
	})
}

func TestRenameState(t *testing.T) {
	t.Parallel()
	rename := func(from, to string) designer.RenameState { return designer.RenameState{From: from, To: to} }
	runOpCases(t, []opCase{
		{name: "references_follow", doc: "flow.json", op: rename("Poll", "Wait a bit")},
		{name: "start_state", doc: "flow.json", op: rename("Validate", "Check input")},
		{name: "catch_target", doc: "flow.json", op: rename("Failed", "Rejected")},
		{name: "in_branch", doc: "flow.json", op: rename("Left 1", "L1")},
		{name: "in_map", doc: "flow.json", op: rename("Item done", "Item finished")},
		{name: "quotes_and_unicode", doc: "flow.json", op: rename("Single", `Sag "hallo" — ünïcödé 🙂`)},
		{name: "escaped_key", doc: "unicode.json", op: rename("Fan out", "Fan-out")},
		{name: "crlf", doc: "crlf.json", op: rename("Two", "Second")},
		{name: "same_name", doc: "flow.json", op: rename("Poll", "Poll"), same: true},

		{name: "name_taken", doc: "flow.json", op: rename("Poll", "Check"), wantErr: `a state named "Check" already exists`},
		{name: "name_taken_elsewhere", doc: "flow.json", op: rename("Poll", "Item"), wantErr: `already exists (at /States/Each item/ItemProcessor/States/Item)`},
		{name: "name_empty", doc: "flow.json", op: rename("Poll", ""), wantErr: "a state name cannot be empty"},
		{name: "no_such_state", doc: "flow.json", op: rename("Nope", "X"), wantErr: `no such state "Nope"`},
	})
}

func set(state string, field designer.Path, value string) designer.SetField {
	return designer.SetField{State: state, Field: field, Value: []byte(value)}
}

func unset(state string, field designer.Path) designer.SetField {
	return designer.SetField{State: state, Field: field, Delete: true}
}

// jsonataChoice is a JSONata machine with a Choice, brokenRule a Choice whose second rule the
// runtime refuses.
const (
	jsonataChoice = `{"QueryLanguage": "JSONata", "StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.n > 1 %}", "Next": "E"}], "Default": "E"}, "E": {"Type": "Succeed"}}}`
	brokenRule    = `{"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsNull": true, "Next": "E"}, {"Variable": "$.b", "NumericEquals": "one", "Next": "E"}], "Default": "E"}, "E": {"Type": "Succeed"}}}`
)

func TestSetField(t *testing.T) {
	t.Parallel()
	runOpCases(t, []opCase{
		{name: "add_comment", doc: "flow.json", op: set("Single", designer.Path{"Comment"}, `"say it once"`)},
		{name: "replace_parameters", doc: "flow.json", op: set("Validate", designer.Path{"Parameters"}, `{"FunctionName": "check", "Payload": {"order.$": "$.order", "strict": true}}`)},
		{name: "retry_attempts", doc: "flow.json", op: set("Validate", designer.Path{"Retry", 0, "MaxAttempts"}, `5`)},
		{name: "append_catcher", doc: "flow.json", op: set("Validate", designer.Path{"Catch", 1}, `{"ErrorEquals": ["States.ALL"], "Next": "Notify"}`)},
		{name: "replace_catch_list", doc: "flow.json", op: set("Validate", designer.Path{"Catch"}, `[{"ErrorEquals": ["States.ALL"], "Next": "Notify"}]`)},
		{name: "result_path_null", doc: "flow.json", op: set("Single", designer.Path{"ResultPath"}, `null`)},
		{name: "delete_comment", doc: "flow.json", op: unset("Notify", designer.Path{"Comment"})},
		{name: "delete_retry", doc: "flow.json", op: unset("Validate", designer.Path{"Retry"})},
		{name: "delete_first_member", doc: "flow.json", op: unset("Validate", designer.Path{"Parameters", "FunctionName"})},
		{name: "end_replaces_next", doc: "flow.json", op: set("Single", designer.Path{"End"}, `true`)},
		{name: "next_replaces_end", doc: "flow.json", setup: []designer.Op{set("Left 1", designer.Path{"End"}, `true`)}, op: set("Left 1", designer.Path{"Next"}, `"Left 2"`)},
		{name: "delete_next_ends", doc: "flow.json", op: unset("Single", designer.Path{"Next"})},
		{name: "default", doc: "flow.json", op: set("Route", designer.Path{"Default"}, `"Poll"`)},
		{name: "rule_next", doc: "flow.json", op: set("Route", designer.Path{"Choices", 0, "Next"}, `"Single"`)},
		{name: "item_processor_config", doc: "flow.json", op: set("Each item", designer.Path{"ItemProcessor", "ProcessorConfig"}, `{"Mode": "INLINE"}`)},
		{name: "tabs", doc: "tabs.json", op: set("Fetch", designer.Path{"Parameters"}, `{"FunctionName": "fetch2", "Payload": {"id.$": "$.id"}}`)},
		{name: "crlf", doc: "crlf.json", op: set("One", designer.Path{"Result"}, `{"list": [1, 2], "empty": {}}`)},
		{name: "compact", doc: "compact.json", op: set("A", designer.Path{"Result"}, `{"list": [1, 2], "empty": {}}`)},
		{name: "python_separators", doc: "python.json", op: set("A", designer.Path{"Result"}, `{"list": [1, 2]}`)},
		{name: "odd_layout", doc: "odd.json", op: set("Start here", designer.Path{"Result", "b", 1}, `{"x": [true]}`)},
		{name: "inline_object", doc: "flow.json", op: set("Check", designer.Path{"Result", "extra"}, `{"a": [1, 2]}`)},
		{name: "unknown_fields_kept", doc: "unicode.json", op: set(`Prüfen "schnell"`, designer.Path{"Comment"}, `"geprüft"`)},

		{name: "rule_replaced", doc: "flow.json", op: set("Route", designer.Path{"Choices", 0}, `{"Variable": "$.count", "NumericGreaterThan": 10, "Next": "Fan out"}`)},
		{name: "rules_reordered", doc: "flow.json", op: set("Route", designer.Path{"Choices"}, `[{"And": [{"Variable": "$.async", "BooleanEquals": true}, {"Not": {"Variable": "$.jobId", "IsPresent": false}}], "Next": "Poll"}, {"Variable": "$.kind", "StringEquals": "bulk", "Next": "Fan out"}]`)},
		{name: "condition_added_to_and", doc: "flow.json", op: set("Route", designer.Path{"Choices", 1, "And", 2}, `{"Variable": "$.n", "NumericLessThanPath": "$.max"}`)},
		{name: "rule_condition", doc: jsonataChoice, op: set("C", designer.Path{"Choices", 0, "Condition"}, `"{% $states.input.n > 2 %}"`)},
		{name: "other_rule_broken", doc: brokenRule, op: set("C", designer.Path{"Choices", 0, "Comment"}, `"first"`), invalid: true},

		{name: "same_value", doc: "flow.json", op: set("Poll", designer.Path{"Seconds"}, `5`), same: true},
		{name: "same_value_other_spacing", doc: "flow.json", op: set("Validate", designer.Path{"Parameters"}, `{"FunctionName":"validate","Payload.$":"$"}`), same: true},
		{name: "delete_missing", doc: "flow.json", op: unset("Poll", designer.Path{"Comment"}), same: true},
		{name: "end_already", doc: "flow.json", op: set("Left 2", designer.Path{"End"}, `true`), same: true},

		{name: "type", doc: "flow.json", op: set("Poll", designer.Path{"Type"}, `"Pass"`), wantErr: "changing a state's Type is not a field edit", field: "Type"},
		{name: "branches", doc: "flow.json", op: set("Fan out", designer.Path{"Branches", 0}, `{}`), wantErr: "the states of a branch are edited with the state operations", field: "Branches/0"},
		{name: "processor_states", doc: "flow.json", op: unset("Each item", designer.Path{"ItemProcessor", "States", "Item"}), wantErr: "the states of an item processor are edited with the state operations", field: "ItemProcessor/States/Item"},
		{name: "next_on_choice", doc: "flow.json", op: set("Route", designer.Path{"Next"}, `"Poll"`), wantErr: "a Choice state has no Next field", field: "Next"},
		{name: "end_on_succeed", doc: "flow.json", op: set("Done", designer.Path{"End"}, `true`), wantErr: "a Succeed state has no End field", field: "End"},
		{name: "end_false_without_next", doc: "flow.json", op: set("Left 2", designer.Path{"End"}, `false`), wantErr: "a state needs Next or End", field: "End"},
		{name: "end_not_boolean", doc: "flow.json", op: set("Left 2", designer.Path{"End"}, `"yes"`), wantErr: `End must be true or false, not "yes"`, field: "End"},
		{name: "next_unknown", doc: "flow.json", op: set("Single", designer.Path{"Next"}, `"Nope"`), wantErr: `no state named "Nope" in the top level`, field: "Next"},
		{name: "next_other_scope", doc: "flow.json", op: set("Single", designer.Path{"Next"}, `"Left 1"`), wantErr: `no state named "Left 1" in the top level`, field: "Next"},
		{name: "next_not_string", doc: "flow.json", op: set("Single", designer.Path{"Next"}, `3`), wantErr: "a transition names a state with a string, not 3", field: "Next"},
		{name: "catch_list_unknown_target", doc: "flow.json", op: set("Validate", designer.Path{"Catch"}, `[{"ErrorEquals": ["States.ALL"], "Next": "Right"}]`), wantErr: `no state named "Right" in the top level`, field: "Catch/0/Next"},
		{name: "rule_next_in_map", doc: "flow.json", op: set("Item", designer.Path{"Next"}, `"Poll"`), wantErr: `no state named "Poll" in the item processor of "Each item"`, field: "Next"},
		{name: "rule_operand_type", doc: "flow.json", op: set("Route", designer.Path{"Choices", 0, "StringEquals"}, `3`), wantErr: "rule 1: StringEquals must be a string", field: "Choices/0/StringEquals"},
		{name: "nested_operand_type", doc: "flow.json", op: set("Route", designer.Path{"Choices", 1, "And", 0, "BooleanEquals"}, `"yes"`), wantErr: "rule 2: BooleanEquals must be true or false", field: "Choices/1/And/0/BooleanEquals"},
		{name: "rule_variable_not_path", doc: "flow.json", op: set("Route", designer.Path{"Choices", 0, "Variable"}, `"kind"`), wantErr: "rule 1: ", field: "Choices/0/Variable"},
		{name: "rule_timestamp", doc: "flow.json", op: set("Route", designer.Path{"Choices", 0}, `{"Variable": "$.at", "TimestampEquals": "yesterday", "Next": "Poll"}`), wantErr: `rule 1: "yesterday" is not an ISO-8601 timestamp`, field: "Choices/0/TimestampEquals"},
		{name: "rule_two_operators", doc: "flow.json", op: set("Route", designer.Path{"Choices", 0, "NumericEquals"}, `1`), wantErr: "rule 1: a choice rule needs exactly one of And, Or, Not or a comparison operator, not 2", field: "Choices/0"},
		{name: "rule_without_next", doc: "flow.json", op: unset("Route", designer.Path{"Choices", 0, "Next"}), wantErr: "rule 1: a choice rule needs Next", field: "Choices/0"},
		{name: "empty_and", doc: "flow.json", op: set("Route", designer.Path{"Choices", 1, "And"}, `[]`), wantErr: "rule 2: And must be a non-empty array of rules", field: "Choices/1/And"},
		{name: "last_rule_deleted", doc: "flow.json", op: unset("Is done?", designer.Path{"Choices"}), wantErr: "a Choice state needs a non-empty array of rules", field: "Choices"},
		{name: "rule_condition_not_expression", doc: jsonataChoice, op: set("C", designer.Path{"Choices", 0, "Condition"}, `"$states.input.n > 2"`), wantErr: "rule 1: Condition must be true, false or a {% %} expression", field: "Choices/0/Condition"},
		{name: "rule_condition_bad_jsonata", doc: jsonataChoice, op: set("C", designer.Path{"Choices", 0, "Condition"}, `"{% $states.input.n > %}"`), wantErr: "rule 1: ", field: "Choices/0/Condition"},
		{name: "value_not_json", doc: "flow.json", op: set("Single", designer.Path{"Comment"}, `'x'`), wantErr: `value: line 1, column 1: unexpected character '\'': expected a value`, field: "Comment"},
		{name: "no_value", doc: "flow.json", op: designer.SetField{State: "Single", Field: designer.Path{"Comment"}}, wantErr: "give a value (JSON) or delete: true", field: "Comment"},
		{name: "value_and_delete", doc: "flow.json", op: designer.SetField{State: "Single", Field: designer.Path{"Comment"}, Value: []byte(`"x"`), Delete: true}, wantErr: "give a value or delete, not both", field: "Comment"},
		{name: "empty_path", doc: "flow.json", op: set("Single", nil, `1`), wantErr: "the field path is empty"},
		{name: "missing_parent", doc: "flow.json", op: set("Single", designer.Path{"Parameters", "a", "b"}, `1`), wantErr: "no such value at /States/Single/Parameters", field: "Parameters/a/b"},
		{name: "index_too_far", doc: "flow.json", op: set("Validate", designer.Path{"Retry", 3}, `{}`), wantErr: "the array has 1 elements", field: "Retry/3"},
		{name: "no_such_state", doc: "flow.json", op: set("Nope", designer.Path{"Comment"}, `"x"`), wantErr: `no such state "Nope"`},
	})
}

func TestWrapStates(t *testing.T) {
	t.Parallel()
	wrap := func(in, name string, states ...string) designer.WrapStates {
		return designer.WrapStates{States: states, In: in, Name: name}
	}
	runOpCases(t, []opCase{
		{name: "chain_in_parallel", doc: "flow.json", op: wrap("Parallel", "Poll and check", "Poll", "Check")},
		{name: "one_state_in_map", doc: "flow.json", op: wrap("Map", "For each", "Single")},
		{name: "chain_to_the_end", doc: "flow.json", op: wrap("Parallel", "Finish", "Notify", "Done")},
		{name: "loop_inside", doc: `{"StartAt": "Start", "States": {"Start": {"Type": "Pass", "Next": "Wait"}, "Wait": {"Type": "Wait", "Seconds": 1, "Next": "Ready?"}, "Ready?": {"Type": "Choice", "Choices": [{"Variable": "$.ready", "BooleanEquals": false, "Next": "Wait"}], "Default": "Go"}, "Go": {"Type": "Pass", "Next": "After"}, "After": {"Type": "Succeed"}}}`, op: wrap("Parallel", "Polling", "Wait", "Ready?", "Go")},
		{name: "in_branch", doc: "flow.json", op: wrap("Parallel", "Left side", "Left 1", "Left 2")},
		{name: "one_state_in_map_2", doc: "flow.json", op: wrap("Map", "Check all", "Check")},
		// The runtime does not run JSONata yet, and says so: the case checks the text alone.
		{name: "jsonata", invalid: true, doc: `{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "End": true}}}`, op: wrap("Parallel", "W", "A")},
		{name: "tabs", doc: "tabs.json", op: wrap("Parallel", "Fetch and store", "Fetch", "Store")},

		{name: "catch_leaves", doc: "flow.json", op: wrap("Parallel", "W", "Validate", "Route"), wantErr: `catcher 1 of "Validate" leads out of the selection, to "Failed"`},
		{name: "rule_leaves", doc: "flow.json", op: wrap("Parallel", "W", "Check", "Is done?"), wantErr: `rule 1 of "Is done?" leads out of the selection, to "Notify"`},
		{name: "two_entries", doc: "flow.json", op: wrap("Parallel", "W", "Single", "Poll"), wantErr: `the flow enters the selection at "Poll" (from rule 2 of "Route") and at "Single" (from Default of "Route")`},
		{name: "two_scopes", doc: "flow.json", op: wrap("Parallel", "W", "Single", "Right"), wantErr: `"Single" is in the top level and "Right" in branch 2 of "Fan out"`},
		{name: "ends_and_goes_on", doc: `{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsNull": true, "Next": "B"}], "Default": "C"}, "B": {"Type": "Succeed"}, "C": {"Type": "Pass", "Next": "D"}, "D": {"Type": "Pass", "End": true}}}`, op: wrap("Parallel", "W", "A", "B", "C"), wantErr: `"B" ends the flow while the selection also goes on to "D"`},
		{name: "assigns_variables", doc: `{"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"n": 1}, "Next": "B"}, "B": {"Type": "Pass", "End": true}}}`, op: wrap("Parallel", "W", "A"), wantErr: `"A" assigns variables (Assign); inside a Parallel they would not be seen after it`},
		{name: "bad_kind", doc: "flow.json", op: wrap("Sequence", "W", "Single"), wantErr: `states are wrapped "in" a "Parallel" or a "Map", not "Sequence"`},
		{name: "name_taken", doc: "flow.json", op: wrap("Parallel", "Poll", "Single"), wantErr: `a state named "Poll" already exists`},
		{name: "nothing_selected", doc: "flow.json", op: wrap("Parallel", "W"), wantErr: "select the states to wrap"},
		{name: "selected_twice", doc: "flow.json", op: wrap("Parallel", "W", "Single", "Single"), wantErr: `"Single" is selected twice`},
	})
}

func TestReplaceDocument(t *testing.T) {
	t.Parallel()
	text := "{\"StartAt\": \"A\",\n \"States\": {\"A\": {\"Type\": \"Succeed\"}}}  \n"
	runOpCases(t, []opCase{
		{name: "kept_as_typed", doc: "flow.json", op: designer.ReplaceDocument{Text: text}},
		{name: "not_asl_yet", doc: "flow.json", op: designer.ReplaceDocument{Text: `{"StartAt": "A"}`}, invalid: true},
		{name: "not_json", doc: "flow.json", op: designer.ReplaceDocument{Text: "{\n  \"StartAt\": \"A\",\n  \"States\": {\n}"}, wantErr: `designer: ReplaceDocument: line 4, column 2 (at /States): unexpected end of text: expected ',' or '}'`},
	})
}

// TestDeleteThenRefillScope: the empty item processor a delete leaves is a drop zone, and a
// drop there makes the machine valid again.
func TestDeleteThenRefillScope(t *testing.T) {
	t.Parallel()
	def := `{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemProcessor": {"StartAt": "Each", "States": {"Each": {"Type": "Pass", "End": true}}}, "End": true}}}`
	doc, err := designer.Parse([]byte(def))
	if err != nil {
		t.Fatal(err)
	}
	emptied, err := designer.DeleteState{State: "Each"}.Apply(doc)
	if err != nil {
		t.Fatal(err)
	}
	zones, err := emptied.DropZones()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(zones, func(z designer.Where) bool { return z.Start != nil && z.Start.Parent == "M" }) {
		t.Fatalf("no drop zone at the start of the empty item processor: %+v", zones)
	}
	refilled, err := designer.InsertState{State: "Each", Definition: []byte(`{"Type": "Pass"}`), Where: start("M", 0)}.Apply(emptied)
	if err != nil {
		t.Fatal(err)
	}
	if errs := newErrors(nil, refilled.Bytes()); len(errs) > 0 {
		t.Errorf("refilled machine is invalid: %v\n%s", errs, refilled.Bytes())
	}
}

func TestConvertQueryLanguage(t *testing.T) {
	t.Parallel()
	convert := func(state, to string) designer.ConvertQueryLanguage {
		return designer.ConvertQueryLanguage{State: state, To: to}
	}
	jsonataTask := `{"StartAt":"T","States":{"T":{"Type":"Task","QueryLanguage":"JSONata","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"Payload":"{% $states.input.order %}"},"Output":"{% $states.result.Payload %}","End":true}}}`
	runOpCases(t, []opCase{
		{name: "task_to_jsonata", doc: "flow.json", op: convert("Validate", "JSONata")},
		{name: "choice_to_jsonata", doc: "flow.json", op: convert("Route", "JSONata")},
		{name: "task_to_jsonpath", doc: jsonataTask, op: convert("T", "JSONPath")},
		{name: "already_jsonpath", doc: "flow.json", op: convert("Validate", "JSONPath"), same: true},

		{name: "condition_stays", doc: `{"StartAt":"C","States":{"C":{"Type":"Choice","QueryLanguage":"JSONata","Choices":[{"Condition":"{% $states.input.n > 1 %}","Next":"E"}],"Default":"E"},"E":{"Type":"Succeed"}}}`,
			op: convert("C", "JSONPath"), wantErr: "a Condition has no JSONPath counterpart", field: "Choices"},
		{name: "inside_jsonata_map", doc: `{"StartAt":"M","States":{"M":{"Type":"Map","QueryLanguage":"JSONata","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}}}`,
			op: convert("I", "JSONPath"), wantErr: "the state inherits JSONata", field: "QueryLanguage"},
		{name: "unknown_language", doc: "flow.json", op: convert("Validate", "XPath"), wantErr: `the query language is JSONPath or JSONata, not "XPath"`, field: "QueryLanguage"},
		{name: "no_such_state", doc: "flow.json", op: convert("Nope", "JSONata"), wantErr: `no such state "Nope"`},
	})
}
