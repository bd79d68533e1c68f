package runtime_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stepstudio/stepstudio/runtime"
)

// diag is the part of a diagnostic a test pins down; Message is matched as a substring.
type diag struct {
	Severity, Code, Location, State, Field, Message string
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		def  string
		want []diag
	}{
		{
			name: "invalid JSON gives the line and column",
			def:  "{\n  \"StartAt\": \"A\",\n  \"States\": {\"A\": {\"Type\": \"Pass\" \"End\": true}}\n}",
			want: []diag{{"ERROR", "INVALID_JSON_DESCRIPTION", "", "", "", "invalid JSON at line 3, column 35"}},
		},
		{
			name: "empty definition",
			def:  "  ",
			want: []diag{{"ERROR", "MISSING_DESCRIPTION", "", "", "", "empty"}},
		},
		{
			name: "not an object",
			def:  `[1]`,
			want: []diag{{"ERROR", "SCHEMA_VALIDATION_FAILED", "", "", "", "must be a JSON object"}},
		},
		{
			name: "missing Next target",
			def:  `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"C":{"Type":"Succeed"}}}`,
			want: []diag{
				{"ERROR", "MISSING_TRANSITION_TARGET", "/States/A/Next", "A", "Next", `no state named "B"`},
				{"WARNING", "UNREACHABLE_STATE", "/States/C", "C", "", "no transition leads"},
			},
		},
		{
			name: "missing StartAt target",
			def:  `{"StartAt":"Nope","States":{"A":{"Type":"Succeed"}}}`,
			want: []diag{
				{"ERROR", "MISSING_TRANSITION_TARGET", "/StartAt", "", "StartAt", `no state named "Nope"`},
				{"WARNING", "UNREACHABLE_STATE", "/States/A", "A", "", ""},
			},
		},
		{
			name: "missing StartAt and States",
			def:  `{"Comment":"x"}`,
			want: []diag{
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "", "", "", "[StartAt]"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "", "", "", "[States]"},
			},
		},
		{
			name: "no state ends the execution",
			def:  `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"}}}`,
			want: []diag{{"ERROR", "MISSING_END_STATE", "/States", "", "States", "no state ends the execution"}},
		},
		{
			name: "unknown state type",
			def:  `{"StartAt":"A","States":{"A":{"Type":"Sleep","End":true}}}`,
			want: []diag{{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/A/Type", "A", "Type", `"Sleep" is not a state type`}},
		},
		{
			name: "bad path",
			def:  `{"StartAt":"A","States":{"A":{"Type":"Pass","InputPath":"$.a[","End":true}}}`,
			want: []diag{{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/A/InputPath", "A", "InputPath", "must be a valid JSONPath"}},
		},
		{
			name: "ResultPath must be a reference path into the input",
			def: `{"StartAt":"A","States":{"A":{"Type":"Pass","ResultPath":"$.a[*]","Next":"B"},
				"B":{"Type":"Pass","ResultPath":"$$.Execution","End":true}}}`,
			want: []diag{
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/A/ResultPath", "A", "ResultPath", "reference path"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/B/ResultPath", "B", "ResultPath", "context object"},
			},
		},
		{
			name: "bad path in a payload template",
			def:  `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x":{"y.$":"$.a..."}},"End":true}}}`,
			want: []diag{{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/A/Parameters/x/y.$", "A", "Parameters/x/y.$", "not a valid JSONPath"}},
		},
		{
			name: "template value that is neither path nor intrinsic",
			def:  `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"x.$":"hello"},"End":true}}}`,
			want: []diag{{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/A/Parameters/x.$", "A", "Parameters/x.$", "must be a JSONPath or an intrinsic function"}},
		},
		{
			name: "field not supported by the state type",
			def:  `{"StartAt":"A","States":{"A":{"Type":"Succeed","Next":"A","Resultt":1}}}`,
			want: []diag{
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/A/Next", "A", "Next", "Field 'Next' is not supported"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/A/Resultt", "A", "Resultt", "Field 'Resultt' is not supported"},
			},
		},
		{
			name: "Next and End together",
			def:  `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"A","End":true}}}`,
			want: []diag{{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/A/End", "A", "End", "both Next"}},
		},
		{
			name: "neither Next nor End",
			def:  `{"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":1},"B":{"Type":"Succeed"}}}`,
			want: []diag{
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/A", "A", "", "needs Next or \"End\": true"},
				{"WARNING", "UNREACHABLE_STATE", "/States/B", "B", "", ""},
			},
		},
		{
			name: "JSONata expressions are compiled and JSONPath fields refused in JSONata states",
			def: `{"QueryLanguage":"JSONata","StartAt":"A","States":{
				"A":{"Type":"Pass","Output":{"v":"{% $states.input.a + %}","w":"{% phone %}"},"InputPath":"$.a","Next":"B"},
				"B":{"Type":"Pass","QueryLanguage":"JSONPath","End":true}}}`,
			want: []diag{
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/A/InputPath", "A", "InputPath", "not supported for the JSONata query language"},
				{"ERROR", "INVALID_JSONATA_EXPRESSION", "/States/A/Output/v", "A", "Output/v", "Unexpected end of expression"},
				{"ERROR", "UNSUPPORTED_JSONATA_EXPRESSION", "/States/A/Output/w", "A", "Output/w", "Reference to 'phone' at the top level is not supported."},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/B/QueryLanguage", "B", "QueryLanguage", "cannot use JSONPath"},
			},
		},
		{
			name: "JSONata catchers, rules and Map fields are checked where they are",
			def: `{"QueryLanguage":"JSONata","StartAt":"P","States":{
				"P":{"Type":"Parallel","Branches":[{"StartAt":"B","States":{"B":{"Type":"Succeed"}}}],"Next":"C",
					"Catch":[{"ErrorEquals":["States.ALL"],"Output":"{% ( %}","ResultPath":"$.x","Next":"C"}]},
				"C":{"Type":"Choice","Choices":[{"Condition":"yes","Next":"M"},{"Variable":"$.a","IsNull":true,"Next":"M"}]},
				"M":{"Type":"Map","Items":"{% $states.input.xs %}","ItemsPath":"$.xs","MaxConcurrency":"{% 1 + %}",
					"ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}}}`,
			want: []diag{
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/P/Catch/0/ResultPath", "P", "Catch/0/ResultPath", "not supported for the JSONata query language"},
				{"ERROR", "INVALID_JSONATA_EXPRESSION", "/States/P/Catch/0/Output", "P", "Catch/0/Output", ""},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/C/Choices/0/Condition", "C", "Choices/0/Condition", "must be true, false or a {% %} expression"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/C/Choices/1/Variable", "C", "Choices/1/Variable", "not supported for the JSONata query language: use Condition"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/C/Choices/1/IsNull", "C", "Choices/1/IsNull", "not supported for the JSONata query language: use Condition"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/C/Choices/1", "C", "Choices/1", "[Condition]"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/M/ItemsPath", "M", "ItemsPath", "not supported for the JSONata query language"},
				{"ERROR", "INVALID_JSONATA_EXPRESSION", "/States/M/MaxConcurrency", "M", "MaxConcurrency", ""},
			},
		},
		{
			name: "JSONata fields are refused in JSONPath states",
			def:  `{"StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% 1 %}","End":true}}}`,
			want: []diag{
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/A/Output", "A", "Output", "only supported for the JSONata query language"},
			},
		},
		{
			name: "choice rule targets and operand types",
			def: `{"StartAt":"C","States":{"C":{"Type":"Choice","Default":"Gone",
				"Choices":[{"Variable":"$.a","NumericEquals":"1","Next":"Nowhere"},{"Variable":"$.a","Next":"D"},
				{"Not":{"Variable":"$.a","IsNull":true,"Next":"D"},"Next":"D"}]},"D":{"Type":"Succeed"}}}`,
			want: []diag{
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/C/Choices/0/NumericEquals", "C", "Choices/0/NumericEquals", "must be a number"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/C/Choices/1", "C", "Choices/1", "exactly one of And, Or, Not or a comparison"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/C/Choices/2/Not/Next", "C", "Choices/2/Not/Next", "only top-level choice rules have Next"},
				{"ERROR", "MISSING_TRANSITION_TARGET", "/States/C/Choices/0/Next", "C", "Choices/0/Next", `no state named "Nowhere"`},
				{"ERROR", "MISSING_TRANSITION_TARGET", "/States/C/Default", "C", "Default", `no state named "Gone"`},
			},
		},
		{
			name: "Wait needs exactly one way to wait",
			def:  `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Timestamp":"2016-13-01T00:00:00Z","End":true}}}`,
			want: []diag{
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/W", "W", "", "exactly one of Seconds"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/W/Timestamp", "W", "Timestamp", "not an ISO-8601"},
			},
		},
		{
			name: "Task resource, catch target and States.ALL placement",
			def: `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"approve","End":true,
				"Retry":[{"ErrorEquals":["States.ALL"]},{"ErrorEquals":["X"],"BackoffRate":0.5}],
				"Catch":[{"ErrorEquals":["States.ALL","X"],"Next":"Missing"}]}}}`,
			want: []diag{
				{"ERROR", "INVALID_RESOURCE", "/States/T/Resource", "T", "Resource", "not a resource ARN"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/T/Retry/0/ErrorEquals", "T", "Retry/0/ErrorEquals", "States.ALL must appear alone, in the last entry"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/T/Retry/1/BackoffRate", "T", "Retry/1/BackoffRate", "must be between"},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/T/Catch/0/ErrorEquals", "T", "Catch/0/ErrorEquals", "States.ALL must appear alone"},
				{"ERROR", "MISSING_TRANSITION_TARGET", "/States/T/Catch/0/Next", "T", "Catch/0/Next", `no state named "Missing"`},
			},
		},
		{
			name: "nested branches are validated and names are unique across them",
			def: `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
				{"StartAt":"P","States":{"P":{"Type":"Pass","Next":"Outside"}}},
				{"States":{"B":{"Type":"Succeed"}}}]}}}`,
			want: []diag{
				{"ERROR", "DUPLICATE_STATE_NAME", "/States/P/Branches/0/States/P", "P", "", `"P" is already used at /States/P`},
				{"ERROR", "MISSING_TRANSITION_TARGET", "/States/P/Branches/0/States/P/Next", "P", "Next", `no state named "Outside"`},
				{"ERROR", "MISSING_END_STATE", "/States/P/Branches/0/States", "P", "Branches/0/States", ""},
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/P/Branches/1", "P", "Branches/1", "[StartAt]"},
			},
		},
		{
			name: "Map processor is parsed as a machine",
			def: `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,"ItemsPath":"$.items",
				"ItemProcessor":{"StartAt":"Do","States":{"Do":{"Type":"Pass","InputPath":"bad","End":true}}}}}}`,
			want: []diag{
				{"ERROR", "SCHEMA_VALIDATION_FAILED", "/States/M/ItemProcessor/States/Do/InputPath", "Do", "InputPath", "must start with '$'"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkDiagnostics(t, tt.def, tt.want)
		})
	}
}

func TestParseReturnsEveryError(t *testing.T) {
	t.Parallel()
	def := `{"StartAt":"Approve","States":{
		"Approve":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Next":"Ship"},
		"Check":{"Type":"Pass","OutputPath":"x","End":true}}}`
	_, err := runtime.Parse([]byte(def))
	var de *runtime.DefinitionError
	if !errors.As(err, &de) {
		t.Fatalf("Parse error %v, want a *DefinitionError", err)
	}
	for _, want := range []string{
		`state "Approve": Next: no state named "Ship"`,
		`state "Check": OutputPath: The value for the field 'OutputPath' must be a valid JSONPath`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	for _, d := range de.Diagnostics {
		if d.Severity != runtime.SeverityError {
			t.Errorf("DefinitionError holds a %s: %v", d.Severity, d)
		}
	}
}

func TestParseBuildsTypedStates(t *testing.T) {
	t.Parallel()
	def, err := runtime.Parse([]byte(`{"Comment":"c","TimeoutSeconds":30,"StartAt":"T","States":{
		"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","TimeoutSeconds":60,"Next":"C",
			"Retry":[{"ErrorEquals":["X"]}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"F"}]},
		"C":{"Type":"Choice","Choices":[{"Variable":"$.ok","BooleanEquals":true,"Next":"W"}],"Default":"F"},
		"W":{"Type":"Wait","SecondsPath":"$.s","Next":"S"},
		"S":{"Type":"Succeed"},
		"F":{"Type":"Fail","Error":"E","Cause":"c"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if def.StartAt != "T" || def.TimeoutSeconds != 30 || def.Comment != "c" {
		t.Errorf("top level = %q %d %q", def.StartAt, def.TimeoutSeconds, def.Comment)
	}
	if diff := cmp.Diff([]string{"T", "C", "W", "S", "F"}, def.Order); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	task, ok := def.States["T"].(*runtime.TaskState)
	if !ok {
		t.Fatalf("T is %T", def.States["T"])
	}
	retry := runtime.Retrier{ErrorEquals: []string{"X"}, IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: "NONE"}
	if task.TimeoutSeconds != 60 || task.Next != "C" || !cmp.Equal(task.Retry, []runtime.Retrier{retry}) {
		t.Errorf("task = %+v", task)
	}
	if c := def.States["C"].(*runtime.ChoiceState); c.Default != "F" || c.Choices[0].Operator != "BooleanEquals" || c.Choices[0].Variable.String() != "$.ok" {
		t.Errorf("choice = %+v", c)
	}
	if w := def.States["W"].(*runtime.WaitState); w.SecondsPath.String() != "$.s" {
		t.Errorf("wait = %+v", w)
	}
	if f := def.States["F"].(*runtime.FailState); f.Error != "E" || f.Cause != "c" {
		t.Errorf("fail = %+v", f)
	}
}
