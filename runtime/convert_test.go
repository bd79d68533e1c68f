package runtime_test

import (
	"context"
	"errors"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/casefile"
)

// convertExceptions are the cases whose converted machine runs differently, and why the
// converter still writes what it writes.
var convertExceptions = map[string]string{
	// AWS formats an object argument of States.Format the Java way ({Arg1=1, Arg2=[]});
	// the converter writes $string, which gives JSON, the form a JSONata author expects.
	"intrinsics/test_format_2_07": "States.Format of an object",
	// [*] over an object selects its values in JSONPath; the converter assumes [*] is
	// over a list (its use in practice), where JSONata maps the path by itself.
	"paths/test_json_path_array_wildcard_or_slice_with_no_input_all": "[*] over an object",
}

// TestConvertConformance converts every JSONPath machine of the conformance corpus that
// succeeded on AWS into JSONata and runs it: the converted machine must give the output AWS
// recorded for the original. A machine the converter refuses is fine (it says why); one it
// converts into something that runs differently is not.
func TestConvertConformance(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob(filepath.Join(conformanceDir, "*", "*.json"))
	if len(files) == 0 {
		t.Skipf("no conformance cases in %s", conformanceDir)
	}
	sort.Strings(files)
	var converted, refused int
	reasons := map[string]int{}
	for _, file := range files {
		c, err := casefile.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if usesJSONata(c.Definition) || c.Expect.Status != casefile.StatusSucceeded {
			continue
		}
		def, err := runtime.ConvertDefinition(c.Definition)
		var ce *runtime.ConvertError
		if errors.As(err, &ce) {
			refused++
			reasons[ce.Msg]++
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		converted++
		rel, _ := filepath.Rel(conformanceDir, file)
		rel = strings.TrimSuffix(rel, ".json")
		if why, ok := convertExceptions[rel]; ok {
			t.Logf("%s: not compared: %s", rel, why)
			continue
		}
		orig := *c
		t.Run(rel, func(t *testing.T) {
			jc := orig
			jc.Definition = def
			o := casefile.Run(context.Background(), &jc, casefile.Options{})
			if !o.Passed() {
				t.Errorf("converted:\n%s\n%s", def, o.Report())
			}
		})
	}
	t.Logf("converted %d JSONPath machines to JSONata, %d refused", converted, refused)
	for msg, n := range reasons {
		t.Logf("refused %d: %s", n, msg)
	}
}

// TestConvertState shows what the designer's conversion writes for the common shapes, and
// what it refuses.
func TestConvertState(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, state, to, machine, want, err string
	}{{
		name:    "a Lambda task with every data-flow field",
		state:   `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","InputPath":"$.order","Parameters":{"FunctionName":"f","Payload":{"id.$":"$.id","token.$":"$$.Task.Token"}},"ResultSelector":{"body.$":"$.Payload"},"ResultPath":"$.result","OutputPath":"$.result.body","Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.error","Next":"F"}],"Next":"N"}`,
		to:      "JSONata",
		machine: "JSONPath",
		want:    `{"Type":"Task","QueryLanguage":"JSONata","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"FunctionName":"f","Payload":{"id":"{% $states.input.order.id %}","token":"{% $states.context.Task.Token %}"}},"Output":"{% $states.result.Payload %}","Catch":[{"ErrorEquals":["States.ALL"],"Output":"{% $merge([$states.input, {\"error\": $states.errorOutput}]) %}","Next":"F"}],"Next":"N"}`,
	}, {
		name:    "Choice rules become Conditions, false on the wrong type as JSONPath's are",
		state:   `{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":3,"Next":"A"},{"Not":{"Variable":"$.b","BooleanEquals":true},"Next":"B"}],"Default":"C"}`,
		to:      "JSONata",
		machine: "JSONPath",
		want:    `{"Type":"Choice","QueryLanguage":"JSONata","Choices":[{"Condition":"{% $type($states.input.n) = \"number\" and $states.input.n > 3 %}","Next":"A"},{"Condition":"{% $not($states.input.b = true) %}","Next":"B"}],"Default":"C"}`,
	}, {
		name:    "Assign reads the Pass's result; no QueryLanguage inside a JSONata machine",
		state:   `{"Type":"Pass","Parameters":{"a.$":"$.x"},"ResultPath":"$.p","Assign":{"v.$":"$.a"},"Next":"N"}`,
		to:      "JSONata",
		machine: "JSONata",
		want:    `{"Type":"Pass","Parameters":{"a.$":"$.x"},"ResultPath":"$.p","Assign":{"v.$":"$.a"},"Next":"N"}`, // a JSONata machine's state is JSONata already
	}, {
		name:    "Assign reads the Pass's result",
		state:   `{"Type":"Pass","Parameters":{"a.$":"$.x"},"ResultPath":"$.p","Assign":{"v.$":"$.a"},"Next":"N"}`,
		to:      "JSONata",
		machine: "JSONPath",
		want:    `{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% $merge([$states.input, {\"p\": {\"a\": $states.input.x}}]) %}","Assign":{"v":"{% $states.input.x %}"},"Next":"N"}`,
	}, {
		name:    "back to JSONPath when every expression is a plain path",
		state:   `{"Type":"Wait","QueryLanguage":"JSONata","Seconds":"{% $states.input.wait %}","Output":"{% $states.input.rest %}","Next":"N"}`,
		to:      "JSONPath",
		machine: "JSONPath",
		want:    `{"Type":"Wait","SecondsPath":"$.wait","OutputPath":"$.rest","Next":"N"}`,
	}, {
		name:    "a Condition does not go back",
		state:   `{"Type":"Choice","QueryLanguage":"JSONata","Choices":[{"Condition":"{% $states.input.n > 1 %}","Next":"A"}]}`,
		to:      "JSONPath",
		machine: "JSONPath",
		err:     `cannot convert "S" Choices: a Condition has no JSONPath counterpart: rewrite the rules with Variable and a comparison`,
	}, {
		name:    "nor into a JSONata machine",
		state:   `{"Type":"Pass","End":true}`,
		to:      "JSONPath",
		machine: "JSONata",
		err:     `cannot convert "S" QueryLanguage: the state inherits JSONata (from its machine, its branch or the Parallel or Map around it), which cannot hold JSONPath states: convert that to JSONPath first`,
	}, {
		name:    "the states inside a Parallel inherit its language: they are converted with it",
		state:   `{"Type":"Parallel","Branches":[{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"a.$":"$.x"},"End":true}}}],"ResultPath":null,"End":true}`,
		to:      "JSONata",
		machine: "JSONPath",
		want:    `{"Type":"Parallel","QueryLanguage":"JSONata","Branches":[{"StartAt":"P","States":{"P":{"Type":"Pass","Output":{"a":"{% $states.input.x %}"},"End":true}}}],"Output":"{% $states.input %}","End":true}`,
	}, {
		name:    "back to JSONPath, the states inside keep JSONata, named on each",
		state:   `{"Type":"Parallel","QueryLanguage":"JSONata","Branches":[{"StartAt":"P","States":{"P":{"Type":"Pass","Output":{"a":"{% $states.input.x %}"},"End":true}}}],"End":true}`,
		to:      "JSONPath",
		machine: "JSONPath",
		want:    `{"Type":"Parallel","Branches":[{"StartAt":"P","States":{"P":{"Type":"Pass","QueryLanguage":"JSONata","Output":{"a":"{% $states.input.x %}"},"End":true}}}],"End":true}`,
	}, {
		name:    "a filter has no JSONata counterpart here",
		state:   `{"Type":"Pass","Parameters":{"ok.$":"$.users[?(@.status == 0)]"},"End":true}`,
		to:      "JSONata",
		machine: "JSONPath",
		err:     `cannot convert "S" Parameters/ok.$: $.users[?(@.status == 0)] uses a filter, slice or deep scan, which does not convert to JSONata`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := runtime.ConvertState("S", []byte(tt.state), tt.to, tt.machine)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("got %s, %v; want error %s", got, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}
