package runtime_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/casefile"
)

// TestJSONataStates covers what the conformance corpus does not record: catchers,
// Parallel Arguments, AWS's added functions, $now() and the run-time failures of fields.
func TestJSONataStates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, def, input, expect string
	}{
		{"a catcher's Output and Assign read $states.errorOutput",
			`{"QueryLanguage":"JSONata","StartAt":"P","States":{
				"P":{"Type":"Parallel","Branches":[{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Boom","Cause":"bad"}}}],
					"Catch":[{"ErrorEquals":["States.ALL"],"Assign":{"err":"{% $states.errorOutput.Error %}"},
						"Output":{"caught":"{% $states.errorOutput.Cause %}","in":"{% $states.input.a %}"},"Next":"Show"}],"End":true},
				"Show":{"Type":"Pass","Output":{"err":"{% $err %}","was":"{% $states.input %}"},"End":true}}}`,
			`{"a":1}`,
			`{"status":"SUCCEEDED","output":{"err":"Boom","was":{"caught":"bad","in":1}}}`},
		{"a catcher without Output passes the error output on",
			`{"QueryLanguage":"JSONata","StartAt":"P","States":{
				"P":{"Type":"Parallel","Branches":[{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Boom"}}}],
					"Catch":[{"ErrorEquals":["Boom"],"Next":"Done"}],"End":true},
				"Done":{"Type":"Succeed"}}}`,
			`{}`,
			`{"status":"SUCCEEDED","output":{"Error":"Boom"}}`},
		{"a QueryEvaluationError can be caught",
			`{"QueryLanguage":"JSONata","StartAt":"P","States":{
				"P":{"Type":"Parallel","Branches":[{"StartAt":"X","States":{"X":{"Type":"Pass","Output":"{% $nope %}","End":true}}}],
					"Catch":[{"ErrorEquals":["States.QueryEvaluationError"],"Output":"{% $states.errorOutput.Error %}","Next":"Done"}],"End":true},
				"Done":{"Type":"Succeed"}}}`,
			`{}`,
			`{"status":"SUCCEEDED","output":"States.QueryEvaluationError"}`},
		{"Parallel Arguments make each branch's input and Output shapes the result",
			`{"QueryLanguage":"JSONata","StartAt":"P","States":{
				"P":{"Type":"Parallel","Arguments":{"n":"{% $states.input.a * 2 %}"},
					"Branches":[{"StartAt":"B","States":{"B":{"Type":"Pass","Output":"{% $states.input.n + 1 %}","End":true}}}],
					"Output":{"r":"{% $states.result[0] %}","in":"{% $states.input.a %}"},"End":true}}}`,
			`{"a":2}`,
			`{"status":"SUCCEEDED","output":{"r":5,"in":2}}`},
		{"AWS's added functions",
			`{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":{
				"hash":"{% $hash('abc', 'SHA-256') %}",
				"uuid":"{% $length($uuid()) %}",
				"seeded":"{% $random(7) = $random(7) %}",
				"unseeded":"{% $random() < 1 %}",
				"range":"{% $range(5, 1, -2) %}",
				"parse":"{% $parse('{\"a\":[1,2]}').a[1] %}",
				"now":"{% $now() = $now() %}"},"End":true}}}`,
			`{}`,
			`{"status":"SUCCEEDED","output":{"hash":"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
				"uuid":36,"seeded":true,"unseeded":true,"range":[5,3,1],"parse":2,"now":true}}`},
		{"a function result is refused",
			`{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $sum %}","End":true}}}`,
			`{}`,
			`{"status":"FAILED","error":"States.QueryEvaluationError","cause":"An error occurred while executing the state 'P' (entered at the event id #2). The JSONata expression '$sum' specified for the field 'Output' returned an unsupported result type."}`},
		{"a Condition must give a boolean",
			`{"QueryLanguage":"JSONata","StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Condition":"{% 1 %}","Next":"D"}],"Default":"D"},"D":{"Type":"Succeed"}}}`,
			`{}`,
			`{"status":"FAILED","error":"States.QueryEvaluationError","cause":"An error occurred while executing the state 'C' (entered at the event id #2). The JSONata expression '1' specified for the field 'Condition' returned an unexpected result type. Expected 'boolean', but was 'number' for value: 1"}`},
		{"a distributed Map batches with ItemBatcher expressions",
			`{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":"{% $states.input.xs %}",
				"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"B",
					"States":{"B":{"Type":"Pass","Output":"{% $states.input.BatchInput.tag & $count($states.input.Items) %}","End":true}}},
				"ItemBatcher":{"MaxItemsPerBatch":"{% $states.input.n %}","BatchInput":{"tag":"{% $states.input.tag %}"}},"End":true}}}`,
			`{"xs":[1,2,3],"n":2,"tag":"t"}`,
			`{"status":"SUCCEEDED","output":["t2","t1"]}`},
		{"Map ItemSelector sees the item in $states.context.Map.Item",
			`{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":[10,20],
				"ItemSelector":{"i":"{% $states.context.Map.Item.Index %}","v":"{% $states.context.Map.Item.Value %}"},
				"ItemProcessor":{"StartAt":"B","States":{"B":{"Type":"Pass","Output":"{% $states.input.i + $states.input.v %}","End":true}}},"End":true}}}`,
			`{}`,
			`{"status":"SUCCEEDED","output":[10,21]}`},
		{"Wait Seconds, Succeed Output and Fail Cause as expressions",
			`{"QueryLanguage":"JSONata","StartAt":"W","States":{
				"W":{"Type":"Wait","Seconds":"{% $states.input.s %}","Next":"C"},
				"C":{"Type":"Choice","Choices":[{"Condition":"{% $states.input.s > 1 %}","Next":"F"}],"Default":"S"},
				"S":{"Type":"Succeed","Output":{"waited":"{% $states.input.s %}"}},
				"F":{"Type":"Fail","Error":"Slow","Cause":"{% 'waited ' & $states.input.s %}"}}}`,
			`{"s":1}`,
			`{"status":"SUCCEEDED","output":{"waited":1}}`},
		{"a Fail Error expression must give a string",
			`{"QueryLanguage":"JSONata","StartAt":"F","States":{"F":{"Type":"Fail","Error":"{% $states.input.n %}"}}}`,
			`{"n":1}`,
			`{"status":"FAILED","error":"States.QueryEvaluationError","cause":"An error occurred while executing the state 'F' (entered at the event id #2). The JSONata expression '$states.input.n' specified for the field 'Error' returned an unexpected result type. Expected 'string', but was 'number' for value: 1"}`},
		{"a JSONPath machine may hold JSONata states, sharing variables",
			`{"StartAt":"A","States":{
				"A":{"Type":"Pass","Assign":{"x.$":"$.a"},"Next":"B"},
				"B":{"Type":"Pass","QueryLanguage":"JSONata","Assign":{"y":"{% $x + 1 %}"},"Next":"C"},
				"C":{"Type":"Pass","Parameters":{"y.$":"$y"},"End":true}}}`,
			`{"a":1}`,
			`{"status":"SUCCEEDED","output":{"y":2}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var exp casefile.Expect
			if err := json.Unmarshal([]byte(tt.expect), &exp); err != nil {
				t.Fatal(err)
			}
			c := &casefile.Case{Name: tt.name, Definition: []byte(tt.def), Input: []byte(tt.input), Expect: exp}
			if o := casefile.Run(context.Background(), c, casefile.Options{}); !o.Passed() {
				t.Errorf("%s", o.Report())
			}
		})
	}
}

// TestJSONataTestState runs a JSONata Task through TestState: Arguments, the mocked
// result as $states.result, Output and Assign.
func TestJSONataTestState(t *testing.T) {
	t.Parallel()
	def, err := runtime.Parse([]byte(`{"QueryLanguage":"JSONata","StartAt":"T","States":{"T":{"Type":"Task",
		"Resource":"arn:aws:states:::lambda:invoke","Arguments":{"n":"{% $states.input.a %}"},"TimeoutSeconds":"{% 5 %}",
		"Output":{"got":"{% $states.result.v %}","state":"{% $states.context.State.Name %}"},
		"Assign":{"v":"{% $states.result.v %}"},"End":true}}}`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := runtime.TestState(context.Background(), def, "T", json.RawMessage(`{"a":1}`),
		runtime.TestStateOptions{MockResult: json.RawMessage(`{"v":42}`)})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != runtime.TestSucceeded || string(got.AfterArguments) != `{"n":1}` || got.AfterParameters != nil ||
		string(got.Output) != `{"got":42,"state":"T"}` || string(got.Variables["v"]) != `42` {
		t.Errorf("got %+v", got)
	}
}

// TestJSONataItemReaderAndResultWriter reads items and writes results of a JSONata
// distributed Map through Arguments and a MaxItems expression.
func TestJSONataItemReaderAndResultWriter(t *testing.T) {
	t.Parallel()
	objects := s3Folder(t, map[string]string{"b/items.json": `[1,2,3]`})
	def := `{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","End":true,
		"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","Arguments":{"Bucket":"b","Key":"{% $states.input.key %}"},
			"ReaderConfig":{"InputType":"JSON","MaxItems":"{% $states.input.max %}"}},
		"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Arguments":"{% {'Bucket': 'b', 'Prefix': 'out'} %}"},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}}`
	res, _ := runWithObjects(t, objects, def, `{"key":"items.json","max":2}`)
	if res.Status != runtime.StatusSucceeded || !strings.Contains(string(res.Output), `"ResultWriterDetails"`) {
		t.Fatalf("got %s %s %s: %s", res.Status, res.Error, res.Cause, res.Output)
	}
	succeeded, _ := filepath.Glob(filepath.Join(objects.Root, "b", "out", "*", "SUCCEEDED_0.json"))
	if len(succeeded) != 1 {
		t.Fatalf("results written: %v", succeeded)
	}
	data, err := os.ReadFile(succeeded[0])
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), `"Status":"SUCCEEDED"`); n != 2 {
		t.Errorf("%d results written, want the 2 MaxItems lets through:\n%s", n, data)
	}
}

// TestJSONataEvaluationFailedEvent checks that a failing expression is recorded once, as
// EvaluationFailed with the state and field, where it failed: in a Parallel branch, not
// again for the Parallel state.
func TestJSONataEvaluationFailedEvent(t *testing.T) {
	t.Parallel()
	def := `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Parallel","End":true,
		"Branches":[{"StartAt":"X","States":{"X":{"Type":"Pass","Output":{"result":"{% $nope %}"},"End":true}}}]}}}`
	res, history := runWithObjects(t, nil, def, `{}`)
	if res.Status != runtime.StatusFailed || res.Error != runtime.ErrNameQueryEvaluation {
		t.Fatalf("got %s %s %s", res.Status, res.Error, res.Cause)
	}
	var got []runtime.EventDetails
	for _, ev := range history {
		if ev.Type == runtime.EvaluationFailed {
			got = append(got, ev.Details)
		}
	}
	want := "An error occurred while executing the state 'X' (entered at the event id #4). The JSONata expression '$nope' specified for the field 'Output/result' returned nothing (undefined)."
	if len(got) != 1 || got[0].State != "X" || got[0].Location != "Output/result" || got[0].Cause != want {
		t.Errorf("EvaluationFailed events: %+v", got)
	}
}
