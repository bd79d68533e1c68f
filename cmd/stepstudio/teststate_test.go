package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testStateAnswer is what POST /machines/:name/design/test answers.
type testStateAnswer struct {
	Result struct {
		State, Status, NextState, Error, Cause, FailedStep string
		AfterInputPath, AfterParameters, Result            json.RawMessage
		AfterResultSelector, AfterResultPath, Output       json.RawMessage
	} `json:"result"`
	HTML     string   `json:"html"`
	Error    string   `json:"error"`
	Field    string   `json:"field"`
	Line     int      `json:"line"`
	Column   int      `json:"column"`
	Problems []string `json:"problems"`
}

const testedMachine = `{
  "StartAt": "Shape",
  "States": {
    "Shape": {
      "Type": "Pass",
      "InputPath": "$.order",
      "Parameters": {"id.$": "$.id"},
      "ResultPath": "$.shaped",
      "Next": "Fetch"
    },
    "Fetch": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:fetch",
      "ResultSelector": {"price.$": "$.Payload.price"},
      "ResultPath": "$.price",
      "OutputPath": "$.price",
      "Retry": [{"ErrorEquals": ["Busy"]}],
      "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Oops"}],
      "End": true
    },
    "Oops": {"Type": "Fail", "Error": "Oops"}
  }
}`

func TestDesignTestRunsOneStateStepByStep(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Shop", testedMachine)

	var got testStateAnswer
	status := s.postJSON(t, "/machines/Shop/design/test", map[string]string{
		"document": testedMachine, "state": "Shape", "input": `{"order": {"id": 7}}`,
	}, &got)
	if status != http.StatusOK {
		t.Fatalf("status %d: %+v", status, got)
	}
	r := got.Result
	want := []string{"SUCCEEDED", "Fetch", `{"id":7}`, `{"id":7}`, `{"order":{"id":7},"shaped":{"id":7}}`}
	if diff := cmp.Diff(want, []string{r.Status, r.NextState, string(r.AfterInputPath), string(r.AfterParameters), string(r.Output)}); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	for _, part := range []string{`data-testid="test-status"`, `data-testid="test-step-InputPath"`, `data-testid="test-value-OutputPath"`, "Next: <strong>Fetch</strong>"} {
		if !strings.Contains(got.HTML, part) {
			t.Errorf("the HTML has no %s:\n%s", part, got.HTML)
		}
	}

	// A Task returns the mock result; without one it fails saying why, as a result, not a 4xx.
	got = testStateAnswer{}
	if status := s.postJSON(t, "/machines/Shop/design/test", map[string]string{
		"document": testedMachine, "state": "Fetch", "input": `{}`, "mockResult": `{"Payload": {"price": 12}}`,
	}, &got); status != http.StatusOK || got.Result.Status != "SUCCEEDED" || string(got.Result.Output) != `{"price":12}` || string(got.Result.AfterResultSelector) != `{"price":12}` || got.Result.NextState != "" {
		t.Errorf("task with a mock: %d %+v", status, got.Result)
	}
	got = testStateAnswer{}
	if status := s.postJSON(t, "/machines/Shop/design/test", map[string]string{
		"document": testedMachine, "state": "Fetch",
	}, &got); status != http.StatusOK || got.Result.Status != "FAILED" || got.Result.FailedStep != "Result" || !strings.Contains(got.Result.Cause, "mock result") {
		t.Errorf("task without a mock: %d %+v", status, got.Result)
	}

	// A mock error tries the Retry and the Catch.
	for _, tc := range []struct{ error, status, output string }{
		{"Busy", "RETRIABLE", ""},
		{"Broken", "CAUGHT_ERROR", `{"id":1,"error":{"Error":"Broken","Cause":"it broke"}}`},
	} {
		got = testStateAnswer{}
		status := s.postJSON(t, "/machines/Shop/design/test", map[string]any{
			"document": testedMachine, "state": "Fetch", "input": `{"id": 1}`,
			"mockError": map[string]string{"error": tc.error, "cause": "it broke"},
		}, &got)
		if status != http.StatusOK || got.Result.Status != tc.status || got.Result.Error != tc.error || string(got.Result.Output) != tc.output {
			t.Errorf("mock error %s: %d %+v", tc.error, status, got.Result)
		}
	}
}

func TestDesignTestRefusesWithWhatAndWhere(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Shop", testedMachine)
	tests := []struct {
		name        string
		req         map[string]string
		field, says string
		line, col   int
	}{
		{"unknown state", map[string]string{"document": testedMachine, "state": "Nope", "input": "{}"}, "state", `no state named "Nope"`, 0, 0},
		{"input not JSON", map[string]string{"document": testedMachine, "state": "Shape", "input": "{\n  \"a\": oops\n}"}, "input", "line 2, column 8", 2, 8},
		{"mock result not JSON", map[string]string{"document": testedMachine, "state": "Fetch", "input": "{}", "mockResult": "{"}, "mockResult", "The mock result is not valid JSON", 1, 2},
		{"document not valid", map[string]string{"document": strings.Replace(testedMachine, `"Next": "Fetch"`, `"Next": "Nowhere"`, 1), "state": "Shape"}, "document", "has problems", 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got testStateAnswer
			status := s.postJSON(t, "/machines/Shop/design/test", tc.req, &got)
			if status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422: %+v", status, got)
			}
			if got.Field != tc.field || !strings.Contains(got.Error, tc.says) || got.Line != tc.line || got.Column != tc.col {
				t.Errorf("got field %q error %q at %d:%d; want %q, %q at %d:%d", got.Field, got.Error, got.Line, got.Column, tc.field, tc.says, tc.line, tc.col)
			}
			if tc.field == "document" && (len(got.Problems) == 0 || !strings.Contains(got.Problems[0], "Nowhere")) {
				t.Errorf("problems %q do not name the missing state", got.Problems)
			}
		})
	}
}

func TestDesignTestShowsMapItemsAndVirtualWaits(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	const doc = `{
  "StartAt": "Pause",
  "States": {
    "Pause": {"Type": "Wait", "Seconds": 86400, "Next": "Each"},
    "Each": {
      "Type": "Map",
      "ItemsPath": "$.items",
      "ItemSelector": {"value.$": "$$.Map.Item.Value"},
      "ItemProcessor": {"StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": true}}},
      "End": true
    }
  }
}`
	s.createMachine(t, "Batch", doc)
	var got testStateAnswer
	if status := s.postJSON(t, "/machines/Batch/design/test", map[string]string{"document": doc, "state": "Pause"}, &got); status != http.StatusOK ||
		!strings.Contains(got.HTML, "Waited 24h0m0s on a virtual clock") {
		t.Errorf("wait: %d\n%s", status, got.HTML)
	}
	got = testStateAnswer{}
	if status := s.postJSON(t, "/machines/Batch/design/test", map[string]string{"document": doc, "state": "Item", "input": `"x"`}, &got); status != http.StatusOK ||
		got.Result.Status != "SUCCEEDED" || string(got.Result.Output) != `"x"` {
		t.Errorf("a state inside the Map's processor: %d %+v", status, got.Result)
	}
	got = testStateAnswer{}
	if status := s.postJSON(t, "/machines/Batch/design/test", map[string]string{"document": doc, "state": "Each", "input": `{"items": [1, 2]}`}, &got); status != http.StatusOK ||
		string(got.Result.Output) != `[{"value":1},{"value":2}]` {
		t.Fatalf("map: %d %+v", status, got.Result)
	}
	for _, part := range []string{`data-testid="test-step-ItemsPath"`, `data-testid="test-step-ItemSelector"`} {
		if !strings.Contains(got.HTML, part) {
			t.Errorf("the HTML has no %s:\n%s", part, got.HTML)
		}
	}
	if strings.Contains(got.HTML, `data-testid="test-step-Parameters"`) {
		t.Errorf("a Map shows its ItemSelector, not Parameters:\n%s", got.HTML)
	}
}
