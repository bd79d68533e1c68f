package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

// nestedFlow has states at the top, in a Parallel's branch and in a Map's item processor.
const nestedFlow = `{
  "StartAt": "Check",
  "States": {
    "Check": {"Type": "Pass", "Next": "Both"},
    "Both": {"Type": "Parallel", "Next": "Each", "Branches": [
      {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "End": true}}}
    ]},
    "Each": {"Type": "Map", "End": true, "ItemProcessor": {
      "StartAt": "Item", "States": {"Item": {"Type": "Pass", "End": true}}
    }}
  }
}`

func (s *studio) putBreakpoints(t *testing.T, machine, body string) (int, map[string]any) {
	t.Helper()
	resp, text := s.request(t, http.MethodPut, "/machines/"+machine+"/breakpoints", strings.NewReader(body),
		map[string]string{"Content-Type": "application/json"})
	var out map[string]any
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		t.Fatalf("PUT breakpoints answered %d with no JSON: %v\n%s", resp.StatusCode, err, text)
	}
	return resp.StatusCode, out
}

func (s *studio) getBreakpoints(t *testing.T, machine string, query ...string) resource.DebugSettings {
	t.Helper()
	resp, text := s.get(t, "/machines/"+machine+"/breakpoints"+strings.Join(query, ""))
	var out resource.DebugSettings
	if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(text), &out) != nil {
		t.Fatalf("GET breakpoints: %d\n%s", resp.StatusCode, text)
	}
	return out
}

func TestBreakpointsSaveAndCheck(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Nested", nestedFlow)

	if got := s.getBreakpoints(t, "Nested"); got.Breakpoints == nil || len(got.Breakpoints) != 0 || got.BreakOnError {
		t.Fatalf("a new machine's settings = %+v; want none", got)
	}

	good := `{"breakOnError": true, "breakpoints": [
		{"state": "Check", "enabled": true},
		{"state": "Left", "enabled": false, "condition": "$.amount > 100", "hitCount": 2},
		{"state": "Item", "enabled": true, "condition": "{% $states.input.kind = 'refund' %}"}]}`
	if code, out := s.putBreakpoints(t, "Nested", good); code != http.StatusOK {
		t.Fatalf("PUT good settings: %d %v", code, out)
	}
	want := resource.DebugSettings{BreakOnError: true, Breakpoints: []resource.Breakpoint{
		{State: "Check", Enabled: true},
		{State: "Left", Condition: "$.amount > 100", HitCount: 2},
		{State: "Item", Enabled: true, Condition: "{% $states.input.kind = 'refund' %}"},
	}}
	if diff := cmp.Diff(want, s.getBreakpoints(t, "Nested")); diff != "" {
		t.Fatalf("GET after PUT (-want +got):\n%s", diff)
	}

	// Each refusal names the state and the field, and leaves what was saved alone.
	bad := []struct{ body, state, field, says string }{
		{`{"breakpoints": [{"state": "Nope", "enabled": true}]}`, "Nope", "state", "no state named"},
		{`{"breakpoints": [{"state": "Check", "enabled": true}, {"state": "Check", "enabled": false}]}`, "Check", "state", "two breakpoints"},
		{`{"breakpoints": [{"state": "Item", "enabled": true, "hitCount": -1}]}`, "Item", "hitCount", "0 or more"},
		{`{"breakpoints": [{"state": "Left", "enabled": true, "condition": "amount > 100"}]}`, "Left", "condition", "not valid"},
		{`{"breakpoints": [{"state": "Left", "enabled": true, "condition": "$.amount >> 100"}]}`, "Left", "condition", "not valid"},
		{`{"breakpoints": [{"state": "Check", "enabled": true, "condition": "{% $states.input.a = %}"}]}`, "Check", "condition", "JSONata"},
	}
	for _, b := range bad {
		code, out := s.putBreakpoints(t, "Nested", b.body)
		if code != http.StatusBadRequest || out["state"] != b.state || out["field"] != b.field || !strings.Contains(out["error"].(string), b.says) {
			t.Errorf("PUT %s = %d %v; want 400 naming %s's %s (%q)", b.body, code, out, b.state, b.field, b.says)
		}
	}
	if code, out := s.putBreakpoints(t, "Nested", `not json`); code != http.StatusBadRequest || out["error"] == "" {
		t.Errorf("PUT not json = %d %v", code, out)
	}
	if diff := cmp.Diff(want, s.getBreakpoints(t, "Nested")); diff != "" {
		t.Fatalf("refused PUTs changed the settings (-want +got):\n%s", diff)
	}
	if resp, _ := s.get(t, "/machines/Missing/breakpoints"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET breakpoints of no machine: %d, want 404", resp.StatusCode)
	}

	// A new version without Left: GET leaves its breakpoint out rather than failing, and the
	// definition never holds a breakpoint.
	renamed := strings.ReplaceAll(nestedFlow, `"Left"`, `"Right"`)
	if resp, body := s.post(t, "/machines/Nested", url.Values{"definition": {renamed}}); resp.StatusCode >= 400 {
		t.Fatalf("update: %d\n%s", resp.StatusCode, body)
	}
	got := s.getBreakpoints(t, "Nested")
	if len(got.Breakpoints) != 2 || got.Breakpoints[0].State != "Check" || got.Breakpoints[1].State != "Item" || !got.BreakOnError {
		t.Fatalf("GET after Left went = %+v; want Check and Item", got)
	}
	if _, def := s.get(t, "/machines/Nested/definition.asl.json"); strings.Contains(def, "reakpoint") || strings.Contains(def, "amount > 100") {
		t.Fatalf("the definition holds a breakpoint:\n%s", def)
	}

	// The designer's unsaved document may hold the state: the PUT names it, GET leaves it out
	// until it is saved, and GET ?all=1 (the designer's) keeps it.
	draft, _ := json.Marshal(strings.ReplaceAll(renamed, `"Check"`, `"Verify"`))
	withDraft := `{"breakpoints": [{"state": "Verify", "enabled": true}], "document": ` + string(draft) + `}`
	if code, out := s.putBreakpoints(t, "Nested", `{"breakpoints": [{"state": "Verify", "enabled": true}]}`); code != http.StatusBadRequest || out["state"] != "Verify" {
		t.Fatalf("PUT on a state no document has = %d %v; want 400", code, out)
	}
	if code, out := s.putBreakpoints(t, "Nested", withDraft); code != http.StatusOK || out["document"] != nil {
		t.Fatalf("PUT with the designer's document = %d %v; want 200 with the settings alone", code, out)
	}
	if got := s.getBreakpoints(t, "Nested"); len(got.Breakpoints) != 0 {
		t.Fatalf("GET with Verify unsaved = %+v; want none", got)
	}
	if got := s.getBreakpoints(t, "Nested", "?all=1"); len(got.Breakpoints) != 1 || got.Breakpoints[0].State != "Verify" {
		t.Fatalf("GET ?all=1 = %+v; want Verify's", got)
	}
}
