package web

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/stepstudio/stepstudio/designer"
	"github.com/stepstudio/stepstudio/views"
)

// jsonataMachine is a JSONata machine with a state of each type that has fields of its own.
const jsonataMachine = `{
  "QueryLanguage": "JSONata",
  "StartAt": "Call",
  "States": {
    "Call": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Arguments": {"FunctionName": "f", "Payload": "{% $states.input %}"},
      "Output": "{% $states.result.Payload %}",
      "TimeoutSeconds": "{% $states.input.timeout %}",
      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Oops", "Output": "{% $states.errorOutput %}", "Assign": {"failed": true}}],
      "Next": "Keep"
    },
    "Keep": {"Type": "Pass", "Output": {"n": 1}, "Assign": {"n": "{% $states.input.n %}"}, "Next": "Pick"},
    "Pick": {
      "Type": "Choice",
      "Choices": [{"Condition": "{% $states.input.n > 1 %}", "Next": "Each"}],
      "Default": "Pause"
    },
    "Each": {
      "Type": "Map",
      "Items": "{% $states.input.list %}",
      "MaxConcurrency": 2,
      "ItemProcessor": {"StartAt": "Inner", "States": {"Inner": {"Type": "Pass", "End": true}}},
      "Next": "Pause"
    },
    "Pause": {"Type": "Wait", "Seconds": 5, "Next": "Done"},
    "Done": {"Type": "Succeed"},
    "Oops": {"Type": "Fail", "Error": "{% $states.input.error %}"}
  }
}`

// jsonPathMachine is a JSONPath machine holding a JSONata state, and one inside a JSONata
// Parallel.
const jsonPathMachine = `{
  "StartAt": "Old",
  "States": {
    "Old": {"Type": "Pass", "Parameters": {"a.$": "$.a"}, "ResultPath": "$.r", "Next": "New"},
    "New": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input.a %}", "Next": "Fan"},
    "Fan": {
      "Type": "Parallel",
      "QueryLanguage": "JSONata",
      "Branches": [{"StartAt": "Leaf", "States": {"Leaf": {"Type": "Pass", "End": true}}}],
      "End": true
    }
  }
}`

// fieldsOf is what an inspector offers: the keys of each group, in order.
func fieldsOf(in views.InspectorData) map[string][]string {
	out := map[string][]string{}
	for _, g := range in.Groups {
		for _, f := range g.Fields {
			out[g.Title] = append(out[g.Title], f.Key)
		}
	}
	return out
}

func TestInspectorFieldsByQueryLanguage(t *testing.T) {
	t.Parallel()
	// What a JSONata Pass offers: no Result, no paths.
	jsonataPass := map[string][]string{
		"Configuration":        {"Comment", "Next"},
		"Arguments and output": {"Output"},
		"Variables":            {"Assign"},
	}
	tests := []struct {
		name, doc, state string
		lang             views.QueryLanguage
		fields           map[string][]string
	}{
		{
			name: "JSONata Task offers Arguments, Output and Assign", doc: jsonataMachine, state: "Call",
			lang: views.QueryLanguage{Name: "JSONata", From: "the state machine"},
			fields: map[string][]string{
				"Configuration":        {"Comment", "Resource", "Next", "TimeoutSeconds", "HeartbeatSeconds"},
				"Arguments and output": {"Arguments", "Output"},
				"Variables":            {"Assign"},
			},
		},
		{
			name: "JSONata Pass offers Output, no Result", doc: jsonataMachine, state: "Keep",
			lang:   views.QueryLanguage{Name: "JSONata", From: "the state machine"},
			fields: jsonataPass,
		},
		{
			name: "JSONata Choice keeps its rules as JSON, its Default in the rules form", doc: jsonataMachine, state: "Pick",
			lang: views.QueryLanguage{Name: "JSONata", From: "the state machine"},
			fields: map[string][]string{
				"Configuration":        {"Comment", "Choices"},
				"Arguments and output": {"Output"},
				"Variables":            {"Assign"},
			},
		},
		{
			name: "JSONata Map offers Items and ItemSelector", doc: jsonataMachine, state: "Each",
			lang: views.QueryLanguage{Name: "JSONata", From: "the state machine"},
			fields: map[string][]string{
				"Configuration":        {"Comment", "Next", "Items", "MaxConcurrency", "ToleratedFailurePercentage", "ToleratedFailureCount"},
				"Arguments and output": {"ItemSelector", "Output"},
				"Variables":            {"Assign"},
			},
		},
		{
			name: "JSONata Wait offers Seconds and Timestamp, no paths", doc: jsonataMachine, state: "Pause",
			lang: views.QueryLanguage{Name: "JSONata", From: "the state machine"},
			fields: map[string][]string{
				"Configuration":        {"Comment", "Next", "Seconds", "Timestamp"},
				"Arguments and output": {"Output"},
				"Variables":            {"Assign"},
			},
		},
		{
			name: "JSONata Fail has no output", doc: jsonataMachine, state: "Oops",
			lang:   views.QueryLanguage{Name: "JSONata", From: "the state machine"},
			fields: map[string][]string{"Configuration": {"Comment", "Error", "Cause"}},
		},
		{
			name: "a state inside a JSONata Map is JSONata", doc: jsonataMachine, state: "Inner",
			lang:   views.QueryLanguage{Name: "JSONata", From: "the state machine"},
			fields: jsonataPass,
		},
		{
			name: "JSONPath state of a JSONPath machine keeps the path fields", doc: jsonPathMachine, state: "Old",
			lang: views.QueryLanguage{Name: "JSONPath", From: "the default", ConvertTo: "JSONata"},
			fields: map[string][]string{
				"Configuration":    {"Comment", "Next", "Result"},
				"Input and output": {"InputPath", "Parameters", "ResultPath", "OutputPath"},
				"Variables":        {"Assign"},
			},
		},
		{
			name: "JSONata state of a JSONPath machine may go back to JSONPath", doc: jsonPathMachine, state: "New",
			lang:   views.QueryLanguage{Name: "JSONata", ConvertTo: "JSONPath"},
			fields: jsonataPass,
		},
		{
			name: "a state in a JSONata Parallel inherits from it", doc: jsonPathMachine, state: "Leaf",
			lang:   views.QueryLanguage{Name: "JSONata", From: `"Fan"`},
			fields: jsonataPass,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc, err := designer.Parse([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			in, ok := inspectorOf(doc, tt.state)
			if !ok {
				t.Fatalf("no inspector for %q", tt.state)
			}
			if diff := cmp.Diff(tt.lang, in.QueryLanguage); diff != "" {
				t.Errorf("query language (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.fields, fieldsOf(in)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInspectorShowsJSONataValues(t *testing.T) {
	t.Parallel()
	doc, err := designer.Parse([]byte(jsonataMachine))
	if err != nil {
		t.Fatal(err)
	}
	field := func(in views.InspectorData, key string) views.Field {
		for _, g := range in.Groups {
			for _, f := range g.Fields {
				if f.Key == key {
					return f
				}
			}
		}
		t.Fatalf("no field %s", key)
		return views.Field{}
	}
	call, _ := inspectorOf(doc, "Call")
	// An expression is shown as it is written; other values as JSON.
	want := map[string]views.Field{
		"Output":         {Key: "Output", Label: "Output", Kind: "jsonata", Value: "{% $states.result.Payload %}", Multiline: true},
		"TimeoutSeconds": {Key: "TimeoutSeconds", Label: "TimeoutSeconds", Kind: "jsonata", Value: "{% $states.input.timeout %}"},
		"Arguments":      {Key: "Arguments", Label: "Arguments", Kind: "jsonata", Value: "{\n  \"FunctionName\": \"f\",\n  \"Payload\": \"{% $states.input %}\"\n}", Multiline: true},
	}
	for key, w := range want {
		got := field(call, key)
		got.Help = ""
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", key, diff)
		}
	}
	if h := field(call, "Output").Help; !strings.Contains(h, "$states.result") {
		t.Errorf("a Task's Output help says nothing of $states.result: %q", h)
	}
	if h := field(call, "Arguments").Help; !strings.Contains(h, "$states.input") || !strings.Contains(h, "$states.context") {
		t.Errorf("Arguments help says nothing of $states.input and $states.context: %q", h)
	}
	keep, _ := inspectorOf(doc, "Keep")
	if h := field(keep, "Output").Help; strings.Contains(h, "$states.result") {
		t.Errorf("a Pass has no result, yet its Output help offers $states.result: %q", h)
	}
	if h := field(mustInspect(t, doc, "Pick"), "Choices").Help; !strings.Contains(h, `{"Condition": "{% ... %}", "Next": "..."}`) {
		t.Errorf("the Choices help does not show a JSONata rule: %q", h)
	}
	if v := field(mustInspect(t, doc, "Pause"), "Seconds"); v.Value != "5" || v.Kind != "jsonata" {
		t.Errorf("Seconds = %q (%s), want 5 (jsonata)", v.Value, v.Kind)
	}
	// The catchers of a JSONata state have Output and Assign, on one line.
	wantCatch := []views.Catcher{{ErrorEquals: "States.ALL", Next: "Oops", Output: "{% $states.errorOutput %}", Assign: `{"failed":true}`}}
	if diff := cmp.Diff(wantCatch, call.Catchers); diff != "" {
		t.Errorf("catchers (-want +got):\n%s", diff)
	}
}

func mustInspect(t *testing.T, doc *designer.Document, name string) views.InspectorData {
	t.Helper()
	in, ok := inspectorOf(doc, name)
	if !ok {
		t.Fatalf("no inspector for %q", name)
	}
	return in
}

func TestInspectorRendersQueryLanguage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, doc, state string
		want, wantNot    []string
	}{
		{
			name: "a JSONata Task shows its language, inherited, and catchers with Output", doc: jsonataMachine, state: "Call",
			want:    []string{`data-testid="query-language-name">JSONata<`, "inherited from the state machine, whose states are all JSONata", `data-testid="field-Catch-0-Output"`, `value="{% $states.errorOutput %}"`, "$states.errorOutput (its Error and Cause)"},
			wantNot: []string{`data-testid="field-Catch-0-ResultPath"`, `data-testid="field-Parameters"`, `data-action="convert-language"`},
		},
		{
			name: "a JSONPath state says the default", doc: jsonPathMachine, state: "Old",
			want:    []string{`data-testid="query-language-name">JSONPath<`, "the default: the state machine names none", `data-testid="field-Parameters"`, `data-to="JSONata"`, ">Convert to JSONata</button>"},
			wantNot: []string{`data-testid="field-Output"`},
		},
		{
			name: "a state's own language is set on it", doc: jsonPathMachine, state: "New",
			want: []string{`data-testid="query-language-name">JSONata<`, "set on this state", ">Convert to JSONPath</button>"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			doc, err := designer.Parse([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			if err := views.Inspector(mustInspect(t, doc, tt.state)).Render(t.Context(), &b); err != nil {
				t.Fatal(err)
			}
			html := b.String()
			for _, w := range tt.want {
				if !strings.Contains(html, w) {
					t.Errorf("the inspector does not show %s", w)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(html, w) {
					t.Errorf("the inspector shows %s", w)
				}
			}
		})
	}
}

func TestInspectorChoiceRules(t *testing.T) {
	t.Parallel()
	const machine = `{
  "StartAt": "Route",
  "States": {
    "Route": {
      "Type": "Choice",
      "Choices": [
        {"Variable": "$.kind", "StringEquals": "bulk", "Comment": "big ones", "Next": "A"},
        {"And": [{"Variable": "$.n", "NumericGreaterThan": 10}, {"Not": {"Variable": "$.id", "IsPresent": false}}], "Next": "B"},
        {"Variable": "$.n", "NumericEquals": "ten", "Next": "A"},
        {"Variable": "$.a", "IsNull": true, "IsString": true, "Next": "Gone"}
      ],
      "Default": "B"
    },
    "A": {"Type": "Succeed"},
    "B": {"Type": "Succeed"}
  }
}`
	doc, err := designer.Parse([]byte(machine))
	if err != nil {
		t.Fatal(err)
	}
	in := mustInspect(t, doc, "Route")
	compare := func(path []any, variable, op, value string, inGroup bool) views.Condition {
		return views.Condition{Path: path, Kind: "compare", Variable: variable, Operator: op, Value: value, InGroup: inGroup}
	}
	want := &views.ChoiceRules{
		Targets: []string{"A", "B"},
		Default: "B",
		Rules: []views.ChoiceRule{
			{Index: 0, Next: "A", Comment: "big ones", When: compare([]any{"Choices", 0}, "$.kind", "StringEquals", "bulk", false)},
			{Index: 1, Next: "B", When: views.Condition{Path: []any{"Choices", 1}, Kind: "And", Children: []views.Condition{
				compare([]any{"Choices", 1, "And", 0}, "$.n", "NumericGreaterThan", "10", true),
				{Path: []any{"Choices", 1, "And", 1}, Kind: "Not", InGroup: true, Children: []views.Condition{
					compare([]any{"Choices", 1, "And", 1, "Not"}, "$.id", "IsPresent", "false", false),
				}},
			}}},
			// A value of the wrong type is shown as JSON, for the server to refuse until fixed.
			{Index: 2, Next: "A", When: compare([]any{"Choices", 2}, "$.n", "NumericEquals", `"ten"`, false)},
			{Index: 3, Next: "Gone", When: views.Condition{Path: []any{"Choices", 3}, Kind: "other"}},
		},
	}
	if diff := cmp.Diff(want, in.Choice, cmpopts.IgnoreFields(views.ChoiceRules{}, "Choices")); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	var b strings.Builder
	if err := views.Inspector(in).Render(t.Context(), &b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, w := range []string{
		`data-testid="cond-1-And-0-Variable"`, `data-path="[&#34;Choices&#34;,1,&#34;And&#34;,0,&#34;NumericGreaterThan&#34;]"`,
		`data-testid="cond-1-And-1-unnot"`, `data-testid="cond-1-add"`, `<option value="NumericGreaterThan" data-kind="number" title="NumericGreaterThan" selected>Numeric &gt;</option>`,
		`data-testid="rule-0-Next"`, `data-new-state>New state…</option>`, `data-testid="field-Default"`,
		`data-action="rule-up" data-index="0" disabled`, "edit it in the Choices JSON",
	} {
		if !strings.Contains(html, w) {
			t.Errorf("the rules form does not show %s", w)
		}
	}

	jsonata := mustInspect(t, parseDoc(t, jsonataMachine), "Pick")
	wantRules := []views.ChoiceRule{{Index: 0, Next: "Each", Condition: "{% $states.input.n > 1 %}"}}
	if diff := cmp.Diff(wantRules, jsonata.Choice.Rules); diff != "" || !jsonata.Choice.JSONata {
		t.Errorf("JSONata rules (-want +got):\n%s", diff)
	}
}

func parseDoc(t *testing.T, text string) *designer.Document {
	t.Helper()
	doc, err := designer.Parse([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
