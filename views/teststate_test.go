package views

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stepstudio/stepstudio/runtime"
)

// TestTestStepsByQueryLanguage lists the rows a tested state shows: a JSONata state's are
// Arguments, Result, its variables and Output, none of the JSONPath steps, up to the step
// that failed (a field of the work, such as a Condition, fails in Result).
func TestTestStepsByQueryLanguage(t *testing.T) {
	t.Parallel()
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	tests := []struct {
		name string
		r    runtime.TestStateResult
		want []string // key, label, and "failed" for the failed row
	}{
		{"a JSONata task shows its arguments, result, variables and output",
			runtime.TestStateResult{Type: "Task", QueryLanguage: "JSONata", Status: "SUCCEEDED", Input: raw(`{"a":1}`),
				AfterArguments: raw(`{"n":1}`), Result: raw(`{"v":2}`), Output: raw(`{"v":2}`), Variables: map[string]json.RawMessage{"v": raw(`2`)}},
			[]string{"Input Input", "Arguments After Arguments", "Result Result", "Assign Variables (Assign)", "Output Output"}},
		{"a JSONata pass without variables has no Assign row",
			runtime.TestStateResult{Type: "Pass", QueryLanguage: "JSONata", Status: "SUCCEEDED", Input: raw(`{}`),
				AfterArguments: raw(`{}`), Result: raw(`{}`), Output: raw(`{"b":1}`)},
			[]string{"Input Input", "Arguments After Arguments", "Result Result", "Output Output"}},
		{"a failing Output is marked after the variables it did not get to set",
			runtime.TestStateResult{Type: "Pass", QueryLanguage: "JSONata", Status: "FAILED", Input: raw(`{}`),
				AfterArguments: raw(`{}`), Result: raw(`{}`), FailedStep: "Output", Error: "States.QueryEvaluationError"},
			[]string{"Input Input", "Arguments After Arguments", "Result Result", "Output Output failed"}},
		{"a failing Condition is marked in Result",
			runtime.TestStateResult{Type: "Choice", QueryLanguage: "JSONata", Status: "FAILED", Input: raw(`{}`),
				AfterArguments: raw(`{}`), FailedStep: "Condition", Error: "States.QueryEvaluationError"},
			[]string{"Input Input", "Arguments After Arguments", "Result Result failed"}},
		{"a JSONata map shows Items and each iteration's input",
			runtime.TestStateResult{Type: "Map", QueryLanguage: "JSONata", Status: "SUCCEEDED", Input: raw(`[1]`),
				AfterArguments: raw(`[1]`), AfterItemsPath: raw(`[1]`), AfterItemSelector: raw(`[{"v":1}]`), Result: raw(`[1]`), Output: raw(`[1]`)},
			[]string{"Input Input", "Arguments After Arguments", "Items Items", "ItemSelector After ItemSelector", "Result Result", "Output Output"}},
		{"a JSONPath pass keeps its paths",
			runtime.TestStateResult{Type: "Pass", QueryLanguage: "JSONPath", Status: "SUCCEEDED", Input: raw(`{}`), AfterInputPath: raw(`{}`),
				AfterParameters: raw(`{}`), Result: raw(`{}`), AfterResultSelector: raw(`{}`), AfterResultPath: raw(`{}`), Output: raw(`{}`)},
			[]string{"Input Input", "InputPath After InputPath", "Parameters After Parameters", "Result Result",
				"ResultSelector After ResultSelector", "ResultPath After ResultPath", "OutputPath Output"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, s := range testSteps(tc.r) {
				row := s.Key + " " + s.Label
				if s.Failed {
					row += " failed"
				}
				got = append(got, row)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}
