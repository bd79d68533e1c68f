package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stepstudio/stepstudio/views"
)

// mapDefinition runs a Map over the input's items, then a Pass that shapes its output.
const mapDefinition = `{"StartAt":"Each","States":{
 "Each":{"Type":"Map","ItemsPath":"$.items","ResultPath":"$.seen",
   "ItemProcessor":{"StartAt":"Look","States":{"Look":{"Type":"Pass","Parameters":{"v.$":"$"},"End":true}}},"Next":"Shape"},
 "Shape":{"Type":"Pass","InputPath":"$.seen","Parameters":{"count.$":"States.ArrayLength($)"},"ResultPath":"$.summary","OutputPath":"$.summary","End":true}}}`

func TestExecutionExport(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Looper", mapDefinition)
	execPath := s.startExecution(t, "Looper", `{"items":[1,2,3]}`)
	msgs := readUntil(t, s.watch(t, execPath, 0), "ExecutionSucceeded")

	resp, body := s.get(t, execPath+"/export.json")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("export: %d\n%s", resp.StatusCode, body)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".json") {
		t.Errorf("Content-Disposition %q, want an attachment named .json", cd)
	}
	var x struct {
		ExecutionArn, Status, Input, Output string
		Events                              []map[string]json.RawMessage
	}
	if err := json.Unmarshal([]byte(body), &x); err != nil {
		t.Fatalf("export is not JSON: %v\n%s", err, body)
	}
	if x.Status != "SUCCEEDED" || !strings.Contains(x.ExecutionArn, ":execution:Looper:") || x.Output != `{"count":3}` {
		t.Errorf("export fields %+v", x)
	}
	if len(x.Events) != len(msgs) {
		t.Fatalf("export has %d events, the history %d", len(x.Events), len(msgs))
	}
	// AWS's shape: id, previousEventId, timestamp, type and the details under their own key.
	for _, key := range []string{"id", "previousEventId", "timestamp", "type", "executionStartedEventDetails"} {
		if _, ok := x.Events[0][key]; !ok {
			t.Errorf("first event has no %q: %v", key, x.Events[0])
		}
	}
	// The iterations run at once, each recording its own start: their order is theirs, so
	// compare the indexes as a set.
	var indexes []int
	for _, ev := range x.Events {
		var typ string
		json.Unmarshal(ev["type"], &typ)
		if typ == "MapIterationStarted" {
			var d struct {
				Index *int `json:"index"`
			}
			if err := json.Unmarshal(ev["mapIterationStartedEventDetails"], &d); err != nil || d.Index == nil {
				t.Fatalf("MapIterationStarted details %s: %v", ev["mapIterationStartedEventDetails"], err)
			}
			indexes = append(indexes, *d.Index)
		}
	}
	slices.Sort(indexes)
	if !slices.Equal(indexes, []int{0, 1, 2}) {
		t.Errorf("MapIterationStarted indexes %v, want 0, 1 and 2", indexes)
	}
}

func TestExecutionPageShowsTheFold(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Looper", mapDefinition)
	execPath := s.startExecution(t, "Looper", `{"items":[1,2,3]}`)
	readUntil(t, s.watch(t, execPath, 0), "ExecutionSucceeded")

	_, page := s.get(t, execPath)
	for _, want := range []string{
		`id="state-Look" data-status="succeeded"`, `>×3</text>`, `data-taken="true" id="edge-Each-branch-0"`,
		`{"key":"/Each#2","label":"Each #2","node":"state-Each"}`, `data-testid="visits"`, `data-testid="execution-export"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page has no %s", want)
		}
	}
	// The Shape state's visit: entered by event 18 (1 start, 2 Map entered/started, 4 × 3
	// iteration events, then MapStateSucceeded and MapStateExited).
	resp, details := s.get(t, execPath+"/visits/18")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("visit details: %d\n%s", resp.StatusCode, details)
	}
	for _, want := range []string{"Shape", "Recomputed", `data-testid="test-value-Parameters"`, "&#34;count&#34;: 3"} {
		if !strings.Contains(details, want) {
			t.Errorf("the visit details have no %s:\n%s", want, details)
		}
	}
}

func TestExecutionPageBadInput(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Looper", mapDefinition)
	execPath := s.startExecution(t, "Looper", `{"items":[]}`)
	readUntil(t, s.watch(t, execPath, 0), "ExecutionSucceeded")
	tests := []struct {
		name, path string
		says       string
	}{
		{"export of an unknown execution", "/executions/999/export.json", "no execution 999"},
		{"export of a non-numeric execution", "/executions/abc/export.json", "execution ids are numbers"},
		{"visit of an unknown execution", "/executions/999/visits/2", "no execution 999"},
		{"non-numeric visit", execPath + "/visits/first", "visits are named by the id of their StateEntered event"},
		{"event that enters no state", execPath + "/visits/1", "does not enter a state"},
		{"unknown event", execPath + "/visits/999", "does not enter a state"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := s.get(t, tt.path)
			if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, tt.says) {
				t.Fatalf("status %d, want 404 saying %q:\n%s", resp.StatusCode, tt.says, body)
			}
		})
	}
}

// contextDefinition is a JSONata machine whose states show their context object: a
// callback task (with its token) and a Pass.
const contextDefinition = `{"QueryLanguage":"JSONata","StartAt":"Ask","States":{
 "Ask":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
   "Arguments":{"QueueUrl":"q","MessageBody":{"token":"{% $states.context.Task.Token %}"}},
   "Output":{"answer":"{% $states.result %}","token":"{% $states.context.Task.Token %}"},"Next":"Look"},
 "Look":{"Type":"Pass","Output":{"run":"{% $states.context.Execution.Name %}","id":"{% $states.context.Execution.Id %}",
   "input":"{% $states.context.Execution.Input %}","start":"{% $states.context.Execution.StartTime %}",
   "state":"{% $states.context.State.Name %}","entered":"{% $states.context.State.EnteredTime %}"},"End":true}}}`

// TestExecutionPageRecomputesWithTheRunsContext opens the steps of a JSONata execution's
// visits: they are labelled as JSONata's, and recomputed with the run's own context
// object (its name, ARN, input, times and the task's token, masked), not TestState's.
func TestExecutionPageRecomputesWithTheRunsContext(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Context", contextDefinition)
	execPath := s.startExecution(t, "Context", `{"n":1}`)
	task := s.taskOf(t, execPath)
	if resp, _ := s.post(t, "/inbox/"+task+"/approve", map[string][]string{"output": {`{"ok":true}`}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", resp.StatusCode)
	}
	readUntil(t, s.watch(t, execPath, 0), "ExecutionSucceeded")

	_, body := s.get(t, execPath+"/export.json")
	var x struct {
		ExecutionArn, Name, Output string
		Events                     []struct {
			ID        int64  `json:"id"`
			Type      string `json:"type"`
			Timestamp string `json:"timestamp"`
		}
	}
	if err := json.Unmarshal([]byte(body), &x); err != nil {
		t.Fatalf("export is not JSON: %v\n%s", err, body)
	}
	var out struct{ Run, ID, Start, Entered, Token string }
	if err := json.Unmarshal([]byte(x.Output), &out); err != nil {
		t.Fatal(err)
	}
	if out.Run != x.Name || out.ID != x.ExecutionArn {
		t.Fatalf("the run's output %s names another execution than %s", x.Output, x.ExecutionArn)
	}
	db := s.readDB(t)
	tid, _ := strconv.ParseInt(task, 10, 64)
	callback, err := db.FindCallbackTask(context.Background(), tid)
	if err != nil {
		t.Fatal(err)
	}
	visits := map[string]int64{}
	for _, ev := range x.Events {
		if strings.HasSuffix(ev.Type, "StateEntered") {
			visits[ev.Type] = ev.ID
		}
	}

	// The Pass: what the recomputation shows is what the run gave, times included.
	_, look := s.get(t, fmt.Sprintf("%s/visits/%d", execPath, visits["PassStateEntered"]))
	for _, want := range []string{`data-testid="test-step-Arguments"`, "After Arguments", `data-testid="test-value-Output"`,
		"$states.input", "&#34;run&#34;: &#34;" + x.Name + "&#34;", "&#34;id&#34;: &#34;" + x.ExecutionArn + "&#34;",
		"&#34;start&#34;: &#34;" + out.Start + "&#34;", "&#34;entered&#34;: &#34;" + out.Entered + "&#34;", "&#34;n&#34;: 1"} {
		if !strings.Contains(look, want) {
			t.Errorf("the Pass visit has no %s:\n%s", want, look)
		}
	}
	for _, jsonPath := range []string{"InputPath", "Parameters", "ResultSelector", "ResultPath", "OutputPath", "&#34;test&#34;"} {
		if strings.Contains(look, jsonPath) {
			t.Errorf("the JSONata visit shows %s:\n%s", jsonPath, look)
		}
	}

	// The Task: its token is the one the run had, masked as everywhere on the page.
	_, ask := s.get(t, fmt.Sprintf("%s/visits/%d", execPath, visits["TaskStateEntered"]))
	masked := views.MaskToken(callback.Token)
	for _, want := range []string{"&#34;token&#34;: &#34;" + masked + "&#34;", `data-testid="test-step-Result"`, "$states.result"} {
		if !strings.Contains(ask, want) {
			t.Errorf("the Task visit has no %s:\n%s", want, ask)
		}
	}
	if strings.Contains(ask, callback.Token) || strings.Contains(ask, "teststate-token") {
		t.Errorf("the Task visit shows a token other than the run's masked one:\n%s", ask)
	}
}
