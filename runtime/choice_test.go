package runtime_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/fakeclock"
)

// TestChoiceOperators runs one rule against one input per case: the execution ends in
// "Yes" when the rule matches and in "No" (the Default) when it does not.
func TestChoiceOperators(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		rule  string // the rule without Next
		input string
		want  bool
	}{
		{"StringEquals", `"Variable":"$.v","StringEquals":"a"`, `{"v":"a"}`, true},
		{"StringEquals is case-sensitive", `"Variable":"$.v","StringEquals":"a"`, `{"v":"A"}`, false},
		{"StringEquals on a number is false", `"Variable":"$.v","StringEquals":"1"`, `{"v":1}`, false},
		{"StringLessThan", `"Variable":"$.v","StringLessThan":"b"`, `{"v":"a"}`, true},
		{"StringGreaterThanEquals", `"Variable":"$.v","StringGreaterThanEquals":"b"`, `{"v":"b"}`, true},
		{"String order by UTF-16 units", `"Variable":"$.v","StringLessThan":"\uffff"`, `{"v":"😀"}`, true},
		{"StringEqualsPath", `"Variable":"$.v","StringEqualsPath":"$.w"`, `{"v":"x","w":"x"}`, true},
		{"StringMatches", `"Variable":"$.v","StringMatches":"log-*.txt"`, `{"v":"log-1.txt"}`, true},
		{"StringMatches has no ? wildcard", `"Variable":"$.v","StringMatches":"a?c"`, `{"v":"abc"}`, false},
		{"NumericEquals across int and float", `"Variable":"$.v","NumericEquals":1`, `{"v":1.0}`, true},
		{"NumericEquals on big integers", `"Variable":"$.v","NumericEquals":9007199254740993`, `{"v":9007199254740992}`, false},
		{"NumericGreaterThan", `"Variable":"$.v","NumericGreaterThan":1.5`, `{"v":2}`, true},
		{"NumericLessThanEquals", `"Variable":"$.v","NumericLessThanEquals":-1`, `{"v":-1}`, true},
		{"NumericEquals on a string is false", `"Variable":"$.v","NumericEquals":1`, `{"v":"1"}`, false},
		{"NumericLessThanPath", `"Variable":"$.v","NumericLessThanPath":"$.limit"`, `{"v":3,"limit":4}`, true},
		{"BooleanEquals", `"Variable":"$.v","BooleanEquals":false`, `{"v":false}`, true},
		{"BooleanEquals on a string is false", `"Variable":"$.v","BooleanEquals":true`, `{"v":"true"}`, false},
		{"BooleanEqualsPath", `"Variable":"$.v","BooleanEqualsPath":"$.w"`, `{"v":true,"w":true}`, true},
		{"TimestampEquals across zones", `"Variable":"$.v","TimestampEquals":"2020-01-01T00:00:00Z"`, `{"v":"2020-01-01T01:00:00+01:00"}`, true},
		{"TimestampLessThan", `"Variable":"$.v","TimestampLessThan":"2020-01-01T00:00:00Z"`, `{"v":"2019-12-31T23:59:59.999Z"}`, true},
		{"Timestamp without zone is no timestamp", `"Variable":"$.v","TimestampLessThan":"2020-01-01T00:00:00Z"`, `{"v":"2019-01-01T00:00:00"}`, false},
		{"TimestampGreaterThanEqualsPath", `"Variable":"$.v","TimestampGreaterThanEqualsPath":"$.w"`, `{"v":"2020-01-02T00:00:00Z","w":"2020-01-01T00:00:00Z"}`, true},
		{"IsNull", `"Variable":"$.v","IsNull":true`, `{"v":null}`, true},
		{"IsNull false on a value", `"Variable":"$.v","IsNull":false`, `{"v":0}`, true},
		{"IsPresent on a missing field", `"Variable":"$.v","IsPresent":false`, `{}`, true},
		{"IsPresent on null", `"Variable":"$.v","IsPresent":true`, `{"v":null}`, true},
		{"IsNumeric", `"Variable":"$.v","IsNumeric":true`, `{"v":1e3}`, true},
		{"IsString", `"Variable":"$.v","IsString":true`, `{"v":""}`, true},
		{"IsBoolean", `"Variable":"$.v","IsBoolean":true`, `{"v":"false"}`, false},
		{"IsTimestamp", `"Variable":"$.v","IsTimestamp":true`, `{"v":"2020-01-01T00:00:00Z"}`, true},
		{"IsTimestamp on a date", `"Variable":"$.v","IsTimestamp":true`, `{"v":"2020-01-01"}`, false},
		{"And", `"And":[{"Variable":"$.a","NumericGreaterThan":1},{"Variable":"$.a","NumericLessThan":3}]`, `{"a":2}`, true},
		{"And short-circuits before a missing field", `"And":[{"Variable":"$.a","IsPresent":true},{"Variable":"$.a","NumericEquals":1}]`, `{}`, false},
		{"Or", `"Or":[{"Variable":"$.a","StringEquals":"x"},{"Variable":"$.a","StringEquals":"y"}]`, `{"a":"y"}`, true},
		{"Not", `"Not":{"Variable":"$.a","StringEquals":"x"}`, `{"a":"y"}`, true},
		{"Variable from the context object", `"Variable":"$$.Execution.Input.a","StringEquals":"x"`, `{"a":"x"}`, true},
		{"Variable with an index", `"Variable":"$.a[1]","NumericEquals":2`, `{"a":[1,2]}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			def := mustParse(t, fmt.Sprintf(`{"StartAt":"C","States":{
				"C":{"Type":"Choice","Choices":[{%s,"Next":"Yes"}],"Default":"No"},
				"Yes":{"Type":"Pass","Result":true,"End":true},
				"No":{"Type":"Pass","Result":false,"End":true}}}`, tt.rule))
			eng := runtime.NewEngine(runtime.EngineConfig{Clock: fakeclock.NewVirtual(testStart)})
			res, err := eng.Run(context.Background(), startInput(def, tt.input))
			if err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprint(tt.want); res.Status != runtime.StatusSucceeded || string(res.Output) != want {
				t.Errorf("%s %s (%s), want matched=%s", res.Status, res.Output, res.Cause, want)
			}
		})
	}
}
