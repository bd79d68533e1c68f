package runtime_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stepstudio/stepstudio/runtime"
)

// testStateMachine holds one of each case TestState has to handle; each test runs one of its
// states.
const testStateMachine = `{
  "StartAt": "Shape",
  "States": {
    "Shape": {
      "Type": "Pass",
      "InputPath": "$.order",
      "Parameters": {"id.$": "$.id", "kind": "book"},
      "ResultPath": "$.shaped",
      "OutputPath": "$.shaped",
      "Next": "Fetch"
    },
    "Fetch": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:fetch",
      "Parameters": {"id.$": "$.id"},
      "ResultSelector": {"price.$": "$.Payload.price"},
      "ResultPath": "$.fetched",
      "Assign": {"lastPrice.$": "$.price"},
      "Next": "Route"
    },
    "Route": {
      "Type": "Choice",
      "Choices": [{"Variable": "$.fetched.price", "NumericGreaterThan": 100, "Next": "Approve"}],
      "Default": "Pause"
    },
    "Approve": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {"MessageBody.$": "$", "token.$": "$$.Task.Token"},
      "TimeoutSeconds": 3600,
      "Retry": [{"ErrorEquals": ["Busy"], "MaxAttempts": 2}],
      "Catch": [{"ErrorEquals": ["Rejected"], "ResultPath": "$.why", "Next": "Refuse"}],
      "ResultPath": "$.decision",
      "Next": "Fan"
    },
    "Pause": {"Type": "Wait", "Seconds": 3600, "Next": "Fan"},
    "Fan": {
      "Type": "Parallel",
      "Branches": [{"StartAt": "Double", "States": {"Double": {"Type": "Pass", "Parameters": {"twice.$": "States.MathAdd($.n, $.n)"}, "End": true}}}],
      "Next": "Each"
    },
    "Each": {
      "Type": "Map",
      "ItemsPath": "$.items",
      "ItemSelector": {"value.$": "$$.Map.Item.Value", "at.$": "$$.Map.Item.Index"},
      "ItemProcessor": {"StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": true}}},
      "ResultPath": "$.done",
      "End": true
    },
    "Refuse": {"Type": "Fail", "Error": "Refused", "Cause": "A person said no."}
  }
}`

// testStateCase is a state of a machine tested with an input and options, and its result.
type testStateCase struct {
	name  string
	state string
	input string
	opts  runtime.TestStateOptions
	want  runtime.TestStateResult
}

// runTestStateCases tests each case's state of the machine doc in a subtest.
func runTestStateCases(t *testing.T, doc string, tests []testStateCase) {
	t.Helper()
	def, err := runtime.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := runtime.TestState(context.Background(), def, tc.state, json.RawMessage(tc.input), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTestStateReportsEveryStep(t *testing.T) {
	t.Parallel()
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	runTestStateCases(t, testStateMachine, []testStateCase{
		{"pass shapes its input with every path", "Shape", `{"order":{"id":7},"other":1}`, runtime.TestStateOptions{},
			runtime.TestStateResult{State: "Shape", Type: "Pass", QueryLanguage: "JSONPath", Status: "SUCCEEDED", Input: raw(`{"order":{"id":7},"other":1}`),
				AfterInputPath: raw(`{"id":7}`), AfterParameters: raw(`{"id":7,"kind":"book"}`), Result: raw(`{"id":7,"kind":"book"}`),
				AfterResultSelector: raw(`{"id":7,"kind":"book"}`), AfterResultPath: raw(`{"order":{"id":7},"other":1,"shaped":{"id":7,"kind":"book"}}`),
				Output: raw(`{"id":7,"kind":"book"}`), NextState: "Fetch"}},
		{"task returns the mock through ResultSelector and ResultPath", "Fetch", `{"id":7}`,
			runtime.TestStateOptions{MockResult: raw(`{"Payload":{"price":120}}`)},
			runtime.TestStateResult{State: "Fetch", Type: "Task", QueryLanguage: "JSONPath", Status: "SUCCEEDED", Input: raw(`{"id":7}`),
				AfterInputPath: raw(`{"id":7}`), AfterParameters: raw(`{"id":7}`), Result: raw(`{"Payload":{"price":120}}`),
				AfterResultSelector: raw(`{"price":120}`), AfterResultPath: raw(`{"id":7,"fetched":{"price":120}}`),
				Output: raw(`{"id":7,"fetched":{"price":120}}`), NextState: "Route", Variables: map[string]json.RawMessage{"lastPrice": raw(`120`)}}},
		{"task without a mock says it cannot call the resource", "Fetch", `{"id":7}`, runtime.TestStateOptions{},
			runtime.TestStateResult{State: "Fetch", Type: "Task", QueryLanguage: "JSONPath", Status: "FAILED", Input: raw(`{"id":7}`),
				AfterInputPath: raw(`{"id":7}`), AfterParameters: raw(`{"id":7}`), FailedStep: "Result", Error: "States.Runtime",
				Cause: "An error occurred while executing the state 'Fetch' (entered at the event id #1). TestState does not call arn:aws:lambda:us-east-1:123456789012:function:fetch: give a mock result (or a mock error) for the task"}},
		{"a missing path fails with AWS's cause", "Fetch", `{"other":1}`, runtime.TestStateOptions{MockResult: raw(`{}`)},
			runtime.TestStateResult{State: "Fetch", Type: "Task", QueryLanguage: "JSONPath", Status: "FAILED", Input: raw(`{"other":1}`),
				AfterInputPath: raw(`{"other":1}`), FailedStep: "Parameters", Error: "States.Runtime",
				Cause: "An error occurred while executing the state 'Fetch' (entered at the event id #1). The JSONPath '$.id' specified for the field 'id.$' could not be found in the input '{\"other\":1}'"}},
		{"choice picks the next state", "Route", `{"fetched":{"price":150}}`, runtime.TestStateOptions{},
			runtime.TestStateResult{State: "Route", Type: "Choice", QueryLanguage: "JSONPath", Status: "SUCCEEDED", Input: raw(`{"fetched":{"price":150}}`),
				AfterInputPath: raw(`{"fetched":{"price":150}}`), AfterParameters: raw(`{"fetched":{"price":150}}`), Result: raw(`{"fetched":{"price":150}}`),
				AfterResultSelector: raw(`{"fetched":{"price":150}}`), AfterResultPath: raw(`{"fetched":{"price":150}}`),
				Output: raw(`{"fetched":{"price":150}}`), NextState: "Approve"}},
		{"callback task gets the mock as its callback output", "Approve", `{"a":1}`, runtime.TestStateOptions{MockResult: raw(`{"ok":true}`)},
			runtime.TestStateResult{State: "Approve", Type: "Task", QueryLanguage: "JSONPath", Status: "SUCCEEDED", Input: raw(`{"a":1}`),
				AfterInputPath: raw(`{"a":1}`), AfterParameters: raw(`{"MessageBody":{"a":1},"token":"teststate-token"}`), Result: raw(`{"ok":true}`),
				AfterResultSelector: raw(`{"ok":true}`), AfterResultPath: raw(`{"a":1,"decision":{"ok":true}}`),
				Output: raw(`{"a":1,"decision":{"ok":true}}`), NextState: "Fan"}},
		{"a caught failure goes to the catcher", "Approve", `{"a":1}`,
			runtime.TestStateOptions{MockError: &runtime.Error{Name: "Rejected", Cause: "no"}},
			runtime.TestStateResult{State: "Approve", Type: "Task", QueryLanguage: "JSONPath", Status: "CAUGHT_ERROR", Input: raw(`{"a":1}`),
				AfterInputPath: raw(`{"a":1}`), AfterParameters: raw(`{"MessageBody":{"a":1},"token":"teststate-token"}`),
				Output: raw(`{"a":1,"why":{"Error":"Rejected","Cause":"no"}}`), NextState: "Refuse",
				Error: "Rejected", Cause: "no", FailedStep: "Result"}},
		{"a retriable failure is not retried", "Approve", `{"a":1}`,
			runtime.TestStateOptions{MockError: &runtime.Error{Name: "Busy", Cause: "later"}},
			runtime.TestStateResult{State: "Approve", Type: "Task", QueryLanguage: "JSONPath", Status: "RETRIABLE", Input: raw(`{"a":1}`),
				AfterInputPath: raw(`{"a":1}`), AfterParameters: raw(`{"MessageBody":{"a":1},"token":"teststate-token"}`),
				Error: "Busy", Cause: "later", FailedStep: "Result"}},
		{"a wait takes no time and says how long", "Pause", `{}`, runtime.TestStateOptions{},
			runtime.TestStateResult{State: "Pause", Type: "Wait", QueryLanguage: "JSONPath", Status: "SUCCEEDED", Input: raw(`{}`),
				AfterInputPath: raw(`{}`), AfterParameters: raw(`{}`), Result: raw(`{}`), AfterResultSelector: raw(`{}`),
				AfterResultPath: raw(`{}`), Output: raw(`{}`), NextState: "Fan", Waited: time.Hour}},
		{"fail ends with its error", "Refuse", `{}`, runtime.TestStateOptions{},
			runtime.TestStateResult{State: "Refuse", Type: "Fail", QueryLanguage: "JSONPath", Status: "FAILED", Input: raw(`{}`), Error: "Refused", Cause: "A person said no."}},
		{"a state inside a Parallel branch", "Double", `{"n":4}`, runtime.TestStateOptions{},
			runtime.TestStateResult{State: "Double", Type: "Pass", QueryLanguage: "JSONPath", Status: "SUCCEEDED", Input: raw(`{"n":4}`),
				AfterInputPath: raw(`{"n":4}`), AfterParameters: raw(`{"twice":8}`), Result: raw(`{"twice":8}`), AfterResultSelector: raw(`{"twice":8}`),
				AfterResultPath: raw(`{"twice":8}`), Output: raw(`{"twice":8}`), End: true}},
		{"a map runs every item", "Each", `{"items":["a","b"]}`, runtime.TestStateOptions{},
			runtime.TestStateResult{State: "Each", Type: "Map", QueryLanguage: "JSONPath", Status: "SUCCEEDED", Input: raw(`{"items":["a","b"]}`),
				AfterInputPath: raw(`{"items":["a","b"]}`), AfterParameters: raw(`{"items":["a","b"]}`), AfterItemsPath: raw(`["a","b"]`),
				AfterItemSelector: raw(`[{"value":"a","at":0},{"value":"b","at":1}]`),
				Result:            raw(`[{"value":"a","at":0},{"value":"b","at":1}]`), AfterResultSelector: raw(`[{"value":"a","at":0},{"value":"b","at":1}]`),
				AfterResultPath: raw(`{"items":["a","b"],"done":[{"value":"a","at":0},{"value":"b","at":1}]}`),
				Output:          raw(`{"items":["a","b"],"done":[{"value":"a","at":0},{"value":"b","at":1}]}`), End: true}},
	})
}

func TestTestStateRefusesWhatItCannotRun(t *testing.T) {
	t.Parallel()
	def, err := runtime.Parse([]byte(testStateMachine))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runtime.TestState(context.Background(), def, "Nope", nil, runtime.TestStateOptions{}); !errors.Is(err, runtime.ErrNoSuchState) {
		t.Errorf("unknown state: %v, want ErrNoSuchState", err)
	}
	if _, err := runtime.TestState(context.Background(), def, "Shape", json.RawMessage(`{"a":`), runtime.TestStateOptions{}); err == nil {
		t.Error("an input that is not JSON was accepted")
	}
}

func TestTestStateWithContextAndRetriesSpent(t *testing.T) {
	t.Parallel()
	def, err := runtime.Parse([]byte(`{"StartAt":"T","States":{
		"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
			"Parameters":{"who.$":"$$.Execution.Name","state.$":"$$.State.Name","retries.$":"$$.State.RetryCount"},
			"Retry":[{"ErrorEquals":["Boom"],"MaxAttempts":3}],"Catch":[{"ErrorEquals":["Boom"],"Next":"H"}],"End":true},
		"H":{"Type":"Succeed"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		name    string
		retries int
		want    string
	}{
		{"a retrier with attempts left would retry", 2, runtime.TestRetriable},
		{"a retrier at its MaxAttempts lets the Catch act", 3, runtime.TestCaughtError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := runtime.TestState(context.Background(), def, "T", json.RawMessage(`{}`), runtime.TestStateOptions{
				Start: start, MockError: &runtime.Error{Name: "Boom"}, RetrierRetryCount: tc.retries,
				Context: json.RawMessage(`{"Execution":{"Name":"run-7"},"Extra":1}`)})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tc.want {
				t.Fatalf("status %s, want %s", res.Status, tc.want)
			}
			want := `{"who":"run-7","state":"T","retries":` + map[int]string{2: "2", 3: "3"}[tc.retries] + `}`
			if string(res.AfterParameters) != want {
				t.Fatalf("parameters %s, want %s", res.AfterParameters, want)
			}
		})
	}
	if _, err := runtime.TestState(context.Background(), def, "T", nil, runtime.TestStateOptions{Start: start,
		Context: json.RawMessage(`[1]`)}); !errors.Is(err, runtime.ErrBadTestOptions) {
		t.Fatalf("a context that is not an object: %v", err)
	}
}

// testStateJSONata holds the JSONata cases TestState has to handle: its steps are
// Arguments, the result, Assign and Output, and a failing expression names its field.
const testStateJSONata = `{
  "QueryLanguage": "JSONata",
  "StartAt": "Shape",
  "States": {
    "Shape": {
      "Type": "Pass",
      "Output": {"id": "{% $states.input.order.id %}", "kind": "book"},
      "Next": "Fetch"
    },
    "Fetch": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:fetch",
      "Arguments": {"id": "{% $states.input.id %}", "run": "{% $states.context.Execution.Name %}"},
      "Assign": {"lastPrice": "{% $states.result.Payload.price %}", "before": "{% $lastPrice %}"},
      "Output": {"id": "{% $states.input.id %}", "price": "{% $states.result.Payload.price %}"},
      "Catch": [{"ErrorEquals": ["Rejected"], "Output": {"why": "{% $states.errorOutput.Cause %}"}, "Next": "Route"}],
      "Next": "Route"
    },
    "Route": {
      "Type": "Choice",
      "Choices": [{"Condition": "{% $states.input.price > 100 %}", "Output": {"big": true}, "Next": "Each"}],
      "Default": "Broken"
    },
    "Each": {
      "Type": "Map",
      "Items": "{% $states.input.items %}",
      "ItemSelector": {"value": "{% $states.context.Map.Item.Value %}", "at": "{% $states.context.Map.Item.Index %}"},
      "ItemProcessor": {"StartAt": "Item", "States": {"Item": {"Type": "Pass", "Output": "{% $states.input.value %}", "End": true}}},
      "Output": {"done": "{% $states.result %}"},
      "Next": "Broken"
    },
    "Inner": {
      "Type": "Map",
      "ItemProcessor": {"StartAt": "Bad", "States": {"Bad": {"Type": "Pass", "Output": "{% $states.input.nope %}", "End": true}}},
      "Next": "Broken"
    },
    "Broken": {
      "Type": "Pass",
      "Assign": {"ok": "{% $states.input.ok %}"},
      "Output": "{% $states.input.missing %}",
      "End": true
    }
  }
}`

func TestTestStateReportsJSONataSteps(t *testing.T) {
	t.Parallel()
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	undefined := func(state, expr, field string) string {
		return "An error occurred while executing the state '" + state + "' (entered at the event id #1). The JSONata expression '" + expr +
			"' specified for the field '" + field + "' returned nothing (undefined)."
	}
	runTestStateCases(t, testStateJSONata, []testStateCase{
		{"pass shapes its input with Output", "Shape", `{"order":{"id":7}}`, runtime.TestStateOptions{},
			runtime.TestStateResult{State: "Shape", Type: "Pass", QueryLanguage: "JSONata", Status: "SUCCEEDED", Input: raw(`{"order":{"id":7}}`),
				AfterArguments: raw(`{"order":{"id":7}}`), Result: raw(`{"order":{"id":7}}`), Output: raw(`{"id":7,"kind":"book"}`), NextState: "Fetch"}},
		{"task gives Arguments the input and Output and Assign the mock result", "Fetch", `{"id":7}`,
			runtime.TestStateOptions{MockResult: raw(`{"Payload":{"price":120}}`), Variables: map[string]json.RawMessage{"lastPrice": raw(`99`)},
				Context: raw(`{"Execution":{"Name":"run-7"}}`)},
			runtime.TestStateResult{State: "Fetch", Type: "Task", QueryLanguage: "JSONata", Status: "SUCCEEDED", Input: raw(`{"id":7}`),
				AfterArguments: raw(`{"id":7,"run":"run-7"}`), Result: raw(`{"Payload":{"price":120}}`), Output: raw(`{"id":7,"price":120}`),
				NextState: "Route", Variables: map[string]json.RawMessage{"lastPrice": raw(`120`), "before": raw(`99`)}}},
		{"a failing Arguments expression names Arguments", "Fetch", `{}`, runtime.TestStateOptions{MockResult: raw(`{}`)},
			runtime.TestStateResult{State: "Fetch", Type: "Task", QueryLanguage: "JSONata", Status: "FAILED", Input: raw(`{}`),
				FailedStep: "Arguments", Error: "States.QueryEvaluationError", Cause: undefined("Fetch", "$states.input.id", "Arguments/id")}},
		{"a failing Assign expression names Assign", "Fetch", `{"id":7}`, runtime.TestStateOptions{MockResult: raw(`{"Payload":{}}`)},
			runtime.TestStateResult{State: "Fetch", Type: "Task", QueryLanguage: "JSONata", Status: "FAILED", Input: raw(`{"id":7}`),
				AfterArguments: raw(`{"id":7,"run":"test"}`), Result: raw(`{"Payload":{}}`),
				FailedStep: "Assign", Error: "States.QueryEvaluationError", Cause: undefined("Fetch", "$states.result.Payload.price", "Assign/lastPrice")}},
		{"a caught task failure takes the catcher's Output", "Fetch", `{"id":7}`,
			runtime.TestStateOptions{MockError: &runtime.Error{Name: "Rejected", Cause: "no"}},
			runtime.TestStateResult{State: "Fetch", Type: "Task", QueryLanguage: "JSONata", Status: "CAUGHT_ERROR", Input: raw(`{"id":7}`),
				AfterArguments: raw(`{"id":7,"run":"test"}`), Output: raw(`{"why":"no"}`), NextState: "Route",
				Error: "Rejected", Cause: "no", FailedStep: "Result"}},
		{"choice takes the rule's Output", "Route", `{"price":150}`, runtime.TestStateOptions{},
			runtime.TestStateResult{State: "Route", Type: "Choice", QueryLanguage: "JSONata", Status: "SUCCEEDED", Input: raw(`{"price":150}`),
				AfterArguments: raw(`{"price":150}`), Result: raw(`{"price":150}`), Output: raw(`{"big":true}`), NextState: "Each"}},
		{"a failing Condition names Condition", "Route", `{"price":"x"}`, runtime.TestStateOptions{},
			runtime.TestStateResult{State: "Route", Type: "Choice", QueryLanguage: "JSONata", Status: "FAILED", Input: raw(`{"price":"x"}`),
				AfterArguments: raw(`{"price":"x"}`), FailedStep: "Condition", Error: "States.QueryEvaluationError",
				Cause: "An error occurred while executing the state 'Route' (entered at the event id #1). The JSONata expression '$states.input.price > 100' specified for the field 'Condition' threw an error during evaluation. T2009: The values \"x\" and 100 either side of operator \">\" must be of the same data type"}},
		{"a map reports Items and each ItemSelector", "Each", `{"items":["a","b"]}`, runtime.TestStateOptions{},
			runtime.TestStateResult{State: "Each", Type: "Map", QueryLanguage: "JSONata", Status: "SUCCEEDED", Input: raw(`{"items":["a","b"]}`),
				AfterArguments: raw(`{"items":["a","b"]}`), AfterItemsPath: raw(`["a","b"]`),
				AfterItemSelector: raw(`[{"value":"a","at":0},{"value":"b","at":1}]`), Result: raw(`["a","b"]`),
				Output: raw(`{"done":["a","b"]}`), NextState: "Broken"}},
		{"a failing Items expression names Items", "Each", `{}`, runtime.TestStateOptions{},
			runtime.TestStateResult{State: "Each", Type: "Map", QueryLanguage: "JSONata", Status: "FAILED", Input: raw(`{}`),
				AfterArguments: raw(`{}`), FailedStep: "Items", Error: "States.QueryEvaluationError", Cause: undefined("Each", "$states.input.items", "Items")}},
		{"a map whose input is no array fails in Items", "Inner", `{"a":1}`, runtime.TestStateOptions{},
			runtime.TestStateResult{State: "Inner", Type: "Map", QueryLanguage: "JSONata", Status: "FAILED", Input: raw(`{"a":1}`),
				AfterArguments: raw(`{"a":1}`), FailedStep: "Items", Error: "States.QueryEvaluationError",
				Cause: "An error occurred while executing the state 'Inner' (entered at the event id #1). Map state input must be an array but was: {\"a\":1}"}},
		{"an iteration's failing Output is the map's result failing", "Inner", `[{}]`, runtime.TestStateOptions{},
			runtime.TestStateResult{State: "Inner", Type: "Map", QueryLanguage: "JSONata", Status: "FAILED", Input: raw(`[{}]`),
				AfterArguments: raw(`[{}]`), AfterItemsPath: raw(`[{}]`), AfterItemSelector: raw(`[{}]`), FailedStep: "Result",
				Error: "States.QueryEvaluationError", Cause: "An error occurred while executing the state 'Bad' (entered at the event id #4). The JSONata expression '$states.input.nope' specified for the field 'Output' returned nothing (undefined)."}},
		{"a failing Output expression names Output", "Broken", `{"ok":true}`, runtime.TestStateOptions{},
			runtime.TestStateResult{State: "Broken", Type: "Pass", QueryLanguage: "JSONata", Status: "FAILED", Input: raw(`{"ok":true}`),
				AfterArguments: raw(`{"ok":true}`), Result: raw(`{"ok":true}`),
				FailedStep: "Output", Error: "States.QueryEvaluationError", Cause: undefined("Broken", "$states.input.missing", "Output")}},
	})
}

// TestTestStateContextReplacesValuesWhole lays a context over $$ whose Execution.Input is
// an object: it replaces the input $$ shows, and leaves the state's input as it was.
func TestTestStateContextReplacesValuesWhole(t *testing.T) {
	t.Parallel()
	def, err := runtime.Parse([]byte(`{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass",
		"Output":{"run":"{% $states.context.Execution.Input %}","mine":"{% $states.input %}","name":"{% $states.context.Execution.Name %}"},"End":true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := runtime.TestState(context.Background(), def, "P", json.RawMessage(`{"a":1}`), runtime.TestStateOptions{
		Context: json.RawMessage(`{"Execution":{"Input":{"x":2},"Name":"run-7"}}`)})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"run":{"x":2},"mine":{"a":1},"name":"run-7"}`; string(res.Output) != want {
		t.Errorf("output %s, want %s", res.Output, want)
	}
}
