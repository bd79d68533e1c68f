package designer_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stepstudio/stepstudio/designer"
)

func paste(fragment, after string) designer.PasteStates {
	return designer.PasteStates{Fragment: fragment, After: after}
}

// Fragments of flow.json's kind: a chain of two, a chain whose names flow.json has, a Parallel
// and a Map whose inner names it has, a Choice.
const (
	chainFragment = `{
  "StartAt": "Fetch",
  "States": {
    "Fetch": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Save"},
    "Save": {"Type": "Pass", "End": true}
  }
}`
	clashingFragment = `{"StartAt": "Check", "States": {
  "Check": {"Type": "Pass", "Result": {"done": 1.50}, "Next": "Notify"},
  "Notify": {"Type": "Pass", "Next": "Done"}
}}`
	nestedFragment = `{"StartAt": "Fan out", "States": {
  "Fan out": {"Type": "Parallel", "Branches": [
    {"StartAt": "Left 1", "States": {
      "Left 1": {"Type": "Pass", "Next": "Left 2"},
      "Left 2": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Right"}], "End": true},
      "Right": {"Type": "Pass", "End": true}
    }}
  ], "Next": "Each item"},
  "Each item": {"Type": "Map", "Label": "Items", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
    "StartAt": "Item", "States": {
    "Item": {"Type": "Pass", "End": true}
  }}, "End": true}
}}`
	choiceFragment = `{"StartAt": "Is done?", "States": {
  "Is done?": {"Type": "Choice", "Choices": [
    {"And": [{"Variable": "$.a", "IsPresent": true}], "Next": "Notify"},
    {"Variable": "$.b", "IsNull": true, "Next": "Elsewhere"}
  ], "Default": "Poll"},
  "Notify": {"Type": "Succeed"}
}}`
)

// mapWithLabel is a machine whose Map has the Label "Items", and whose names a pasted Map
// clashes with.
const mapWithLabel = `{
  "StartAt": "Each item",
  "States": {
    "Each item": {
      "Type": "Map",
      "Label": "Items",
      "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": true}}},
      "End": true
    }
  }
}
`

func TestPasteStates(t *testing.T) {
	t.Parallel()
	runOpCases(t, []opCase{
		// Shapes: a machine, a bare States map, one state named after its Type.
		{name: "machine_after_next", doc: "flow.json", op: paste(chainFragment, "Single")},
		{name: "states_map", doc: "flow.json", op: paste(`{"Fetch": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}`, "Single")},
		{name: "one_state", doc: "flow.json", op: paste(`{"Type": "Wait", "Seconds": 3, "Next": "Somewhere"}`, "Single")},
		{name: "one_state_name_taken", doc: `{"StartAt": "Pass", "States": {"Pass": {"Type": "Pass", "End": true}}}`, op: paste(`{"Type": "Pass", "End": true}`, "Pass")},
		// Places: after a state that ends, after a Choice, at the top level.
		{name: "after_end_in_branch", doc: "flow.json", op: paste(chainFragment, "Left 2")},
		{name: "after_choice_unconnected", doc: "flow.json", op: paste(chainFragment, "Route")},
		{name: "no_after", doc: "flow.json", op: paste(chainFragment, "")},
		// Names: clashes renamed with their references, at any depth.
		{name: "renamed", doc: "flow.json", op: paste(clashingFragment, "Poll")},
		{name: "renamed_nested", doc: "flow.json", op: paste(nestedFragment, "Notify")},
		{name: "map_label_dropped", doc: mapWithLabel, op: paste(nestedFragment, "Each item")},
		{name: "choice_rules_renamed", doc: "flow.json", op: paste(choiceFragment, ""), invalid: true},
		// A Next out of the fragment to nowhere in the scope ends; after a state with a Next
		// it then goes where that state went.
		{name: "next_out_ends", doc: "flow.json", op: paste(`{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Gone"}}}`, "")},
		{name: "next_out_linked", doc: "flow.json", op: paste(`{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Gone"}}}`, "Single")},
		{name: "next_into_scope_kept", doc: "flow.json", op: paste(`{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Done"}}}`, "")},
		{name: "compact", doc: "compact.json", op: paste(chainFragment, "A")},
		// States of a JSONata machine stay JSONata in a JSONPath one.
		{name: "jsonata_into_jsonpath", doc: "flow.json", op: paste(`{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
  "A": {"Type": "Pass", "Output": "{% $states.input.n + 1 %}", "Next": "B"},
  "B": {"Type": "Pass", "QueryLanguage": "JSONPath", "ResultPath": "$.b", "End": true}}}`, "Single")},
		{name: "jsonata_into_jsonata", doc: `{"QueryLanguage": "JSONata", "StartAt": "S", "States": {"S": {"Type": "Pass", "End": true}}}`,
			op: paste(`{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% 1 %}", "End": true}}}`, "S")},

		{name: "not_json", doc: "flow.json", op: paste(`{"StartAt": "A",`, "Single"), wantErr: `designer: PasteStates: the pasted text is not JSON: line 1, column 17 (at /StartAt): unexpected end of text`},
		{name: "plain_text", doc: "flow.json", op: paste(`Fetch the order`, ""), wantErr: `the pasted text is not JSON: line 1, column 1`},
		{name: "array", doc: "flow.json", op: paste(`[{"Type": "Pass"}]`, ""), wantErr: `the pasted JSON is an array, not ASL: paste a state machine {"StartAt": ..., "States": {...}}, a States map`},
		{name: "empty", doc: "flow.json", op: paste(`{}`, ""), wantErr: `the pasted JSON holds no states`},
		{name: "empty_states", doc: "flow.json", op: paste(`{"StartAt": "A", "States": {}}`, ""), wantErr: `the pasted JSON holds no states`},
		{name: "states_not_object", doc: "flow.json", op: paste(`{"StartAt": "A", "States": [1]}`, ""), wantErr: `the pasted JSON at /States: States is an array, not an object of states`},
		{name: "start_not_string", doc: "flow.json", op: paste(`{"StartAt": 1, "States": {"A": {"Type": "Pass", "End": true}}}`, ""), wantErr: `the pasted JSON at /StartAt: StartAt is 1, not a state name`},
		{name: "no_type", doc: "flow.json", op: paste(`{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Next": "A"}}}`, ""), wantErr: `the pasted JSON at /States/B: the state has no Type`},
		{name: "map_without_type", doc: "flow.json", op: paste(`{"A": {"Comment": "x"}}`, ""), wantErr: `the pasted JSON at /A: the state has no Type`},
		{name: "unknown_type", doc: "flow.json", op: paste(`{"Type": "Lambda"}`, ""), wantErr: `the pasted JSON at /Type: Type must be one of "Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map", not "Lambda"`},
		{name: "state_not_object", doc: "flow.json", op: paste(`{"A": "Pass"}`, ""), wantErr: `the pasted JSON at /A: a state is a JSON object, not the string "Pass"`},
		{name: "bad_name", doc: "flow.json", op: paste(`{"": {"Type": "Pass", "End": true}}`, ""), wantErr: `the pasted JSON at /: a state name cannot be empty`},
		{name: "name_twice", doc: "flow.json", op: paste(`{"P": {"Type": "Parallel", "Branches": [{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}], "End": true}}`, ""), wantErr: `the pasted states use the name "P" twice`},
		{name: "no_such_after", doc: "flow.json", op: paste(chainFragment, "Nope"), wantErr: `no such state "Nope"`},
		{name: "not_a_machine", doc: `[1]`, op: paste(chainFragment, ""), wantErr: "not a state machine"},
	})
}

// TestPastedNames checks what Paste says it pasted, which the designer selects and reports.
func TestPastedNames(t *testing.T) {
	t.Parallel()
	d := parseInput(t, "flow.json")
	_, got, err := paste(nestedFragment, "Notify").Paste(d)
	if err != nil {
		t.Fatal(err)
	}
	want := designer.Pasted{
		States: []string{"Fan out copy", "Each item copy"},
		Renamed: []designer.Renamed{
			{From: "Fan out", To: "Fan out copy"}, {From: "Left 1", To: "Left 1 copy"}, {From: "Left 2", To: "Left 2 copy"},
			{From: "Right", To: "Right copy"}, {From: "Each item", To: "Each item copy"}, {From: "Item", To: "Item copy"},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Paste (-want +got):\n%s", diff)
	}
}

// TestPasteCopyNamesDoNotClash pastes into a machine that has "A" a fragment holding "A" and
// "A copy": the pasted "A" must not take the fragment's own "A copy".
func TestPasteCopyNamesDoNotClash(t *testing.T) {
	t.Parallel()
	d := parseInput(t, `{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}`)
	_, got, err := paste(`{"A": {"Type": "Pass", "Next": "A copy"}, "A copy": {"Type": "Pass", "End": true}}`, "A").Paste(d)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"A copy 2", "A copy"}; !cmp.Equal(got.States, want) {
		t.Errorf("pasted %q, want %q", got.States, want)
	}
}
