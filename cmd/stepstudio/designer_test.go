package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stepstudio/stepstudio/designer"
)

// postJSON sends a JSON body and decodes the JSON answer.
func (s *studio) postJSON(t *testing.T, path string, in any, out any) int {
	t.Helper()
	body, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.client.Post(s.url+path, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(data, out); err != nil {
		t.Fatalf("%s answered %d with no JSON: %v\n%s", path, resp.StatusCode, err, data)
	}
	return resp.StatusCode
}

type applyAnswer struct {
	Document    string `json:"document"`
	SVG         string `json:"svg"`
	Diagnostics []struct {
		Severity, Code, Message, Location, State, NodeID string
	} `json:"diagnostics"`
	Selected  string `json:"selected"`
	Inspector string `json:"inspector"`
	Error     string `json:"error"`
	State     string `json:"state"`
	Field     string `json:"field"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
}

const onePass = `{
  "StartAt": "Start",
  "States": {
    "Start": {
      "Type": "Pass",
      "End": true
    }
  }
}
`

// blankMachine is what "Start blank in the designer" makes.
const blankMachine = `{
  "StartAt": "First step",
  "States": {
    "First step": {
      "Type": "Pass",
      "End": true
    }
  }
}
`

func TestDesignerApplyInsertsDrawsAndValidates(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Flow", onePass)
	if resp, body := s.get(t, "/machines/Flow/design"); resp.StatusCode != http.StatusOK || !strings.Contains(body, `data-testid="palette-Approval (callback)"`) {
		t.Fatalf("designer page: status %d\n%s", resp.StatusCode, body)
	}

	var got applyAnswer
	status := s.postJSON(t, "/machines/Flow/design/apply", map[string]any{
		"document": onePass,
		"nameBase": "Wait",
		"ops":      []json.RawMessage{json.RawMessage(`{"op":"InsertState","state":"","definition":{"Type":"Wait","Seconds":5},"where":{"after":"Start"}}`)},
	}, &got)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, got.Error)
	}
	want := `{
  "StartAt": "Start",
  "States": {
    "Start": {
      "Type": "Pass",
      "Next": "Wait"
    },
    "Wait": {
      "Type": "Wait",
      "Seconds": 5,
      "End": true
    }
  }
}
`
	if diff := cmp.Diff(want, got.Document); diff != "" {
		t.Errorf("document (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(got.SVG, "<svg") || !strings.Contains(got.SVG, `id="state-Wait"`) || !strings.Contains(got.SVG, `id="edge-Start-next-0"`) {
		t.Errorf("svg does not draw the new state and edge:\n%s", got.SVG)
	}
	if got.Selected != "Wait" || !strings.Contains(got.Inspector, `data-state="Wait"`) {
		t.Errorf("selected %q, inspector:\n%s", got.Selected, got.Inspector)
	}
	if len(got.Diagnostics) != 0 {
		t.Errorf("diagnostics of a valid document: %+v", got.Diagnostics)
	}

	// A document that is JSON but not valid ASL is drawn and its problems listed with the state.
	broken := strings.Replace(want, `"Next": "Wait"`, `"Next": "Nowhere"`, 1)
	got = applyAnswer{}
	if status := s.postJSON(t, "/machines/Flow/design/apply", map[string]any{"document": broken}, &got); status != http.StatusOK {
		t.Fatalf("status %d: %s", status, got.Error)
	}
	if got.Document != broken || len(got.Diagnostics) == 0 || got.Diagnostics[0].State != "Start" || got.Diagnostics[0].NodeID != "state-Start" {
		t.Errorf("diagnostics of a missing target: %+v", got.Diagnostics)
	}

	// Save makes a version of a valid document and refuses an invalid one.
	var saved struct {
		Version  int      `json:"version"`
		Error    string   `json:"error"`
		Problems []string `json:"problems"`
	}
	if status := s.postJSON(t, "/machines/Flow/design/save", map[string]string{"document": broken}, &saved); status != http.StatusUnprocessableEntity || len(saved.Problems) == 0 || !strings.Contains(saved.Problems[0], "Nowhere") {
		t.Errorf("save of an invalid document: %d %+v", status, saved)
	}
	if status := s.postJSON(t, "/machines/Flow/design/save", map[string]string{"document": want}, &saved); status != http.StatusOK || saved.Version != 2 {
		t.Errorf("save: %d %+v", status, saved)
	}
	if _, stored := s.get(t, "/machines/Flow/definition.asl.json"); stored != want {
		t.Errorf("stored:\n%s", stored)
	}
}

func TestDesignerApplyRefusesWithWhatAndWhere(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Flow", onePass)
	tests := []struct {
		name     string
		document string
		ops      []string
		says     string
		state    string
		line     int
	}{
		{"invalid document", `{"StartAt": "Start",}`, nil, "Not valid JSON at line 1", "", 1},
		{"invalid JSON typed in the code view", onePass, []string{`{"op":"ReplaceDocument","text":"{\n  \"StartAt\": oops\n}"}`}, "Not valid JSON at line 2, column 14", "", 2},
		{"unknown op", onePass, []string{`{"op":"Explode"}`}, `unknown op "Explode"`, "", 0},
		{"op on a missing state", onePass, []string{`{"op":"DeleteState","state":"Nope"}`}, "Nope", "Nope", 0},
		{"Next to a missing state", onePass, []string{`{"op":"SetField","state":"Start","field":["Next"],"value":"Nowhere"}`}, `"Start" Next: no state named "Nowhere"`, "Start", 0},
		{"delete the only state", onePass, []string{`{"op":"DeleteState","state":"Start"}`}, `"Start"`, "Start", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ops := []json.RawMessage{}
			for _, op := range tc.ops {
				ops = append(ops, json.RawMessage(op))
			}
			var got applyAnswer
			status := s.postJSON(t, "/machines/Flow/design/apply", map[string]any{"document": tc.document, "ops": ops}, &got)
			if status != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422: %+v", status, got)
			}
			if !strings.Contains(got.Error, tc.says) || got.State != tc.state || got.Line != tc.line {
				t.Errorf("error %q state %q line %d; want %q, %q, %d", got.Error, got.State, got.Line, tc.says, tc.state, tc.line)
			}
		})
	}
}

func TestStartBlankOpensTheDesigner(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	resp, body := s.post(t, "/machines", map[string][]string{"name": {"Blank"}, "start": {"blank"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/machines/Blank/design" {
		t.Fatalf("status %d, location %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	if _, stored := s.get(t, "/machines/Blank/definition.asl.json"); stored != blankMachine {
		t.Errorf("a blank machine is one Pass state, not named Start as the graph's marker is; got:\n%s", stored)
	}
}

const chain = `{
  "StartAt": "A",
  "States": {
    "A": {
      "Type": "Pass",
      "Next": "B"
    },
    "B": {
      "Type": "Pass",
      "Next": "C"
    },
    "C": {
      "Type": "Pass",
      "End": true
    }
  }
}
`

// svgSize reads the width and height of an <svg> element's viewBox.
func svgSize(t *testing.T, svg string) (w, h float64) {
	t.Helper()
	var x, y float64
	i := strings.Index(svg, `viewBox="`)
	if i < 0 {
		t.Fatalf("no viewBox in %.200s", svg)
	}
	if _, err := fmt.Sscanf(svg[i+len(`viewBox="`):], "%g %g %g %g", &x, &y, &w, &h); err != nil {
		t.Fatal(err)
	}
	return w, h
}

func TestDesignerApplyLaysOutInTheAskedDirection(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Flow", chain)
	var tb, lr, bad applyAnswer
	if status := s.postJSON(t, "/machines/Flow/design/apply", map[string]any{"document": chain}, &tb); status != http.StatusOK {
		t.Fatalf("status %d: %s", status, tb.Error)
	}
	if status := s.postJSON(t, "/machines/Flow/design/apply", map[string]any{"document": chain, "direction": "LR"}, &lr); status != http.StatusOK {
		t.Fatalf("status %d: %s", status, lr.Error)
	}
	if w, h := svgSize(t, tb.SVG); w >= h {
		t.Errorf("top to bottom: a chain of three is %gx%g, want taller than wide", w, h)
	}
	if w, h := svgSize(t, lr.SVG); w <= h {
		t.Errorf("left to right: a chain of three is %gx%g, want wider than tall", w, h)
	}
	if status := s.postJSON(t, "/machines/Flow/design/apply", map[string]any{"document": chain, "direction": "up"}, &bad); status != http.StatusBadRequest || !strings.Contains(bad.Error, "direction") {
		t.Errorf("direction up: %d %q", status, bad.Error)
	}
}

func TestDesignerApplyDrawsNotesUnlessHidden(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Flow", chain)
	commented := strings.Replace(chain, `"Type": "Pass"`, `"Type": "Pass", "Comment": "Says hello"`, 1)
	var shown, hidden struct {
		applyAnswer
		DropZones []struct{ Target string } `json:"dropZones"`
	}
	if status := s.postJSON(t, "/machines/Flow/design/apply", map[string]any{"document": commented}, &shown); status != http.StatusOK {
		t.Fatalf("status %d: %s", status, shown.Error)
	}
	if status := s.postJSON(t, "/machines/Flow/design/apply", map[string]any{"document": commented, "hideNotes": true}, &hidden); status != http.StatusOK {
		t.Fatalf("status %d: %s", status, hidden.Error)
	}
	if !strings.Contains(shown.SVG, `class="note"`) || !strings.Contains(shown.SVG, ">Says hello</text>") {
		t.Error("the graph has no note of the Comment")
	}
	if strings.Contains(hidden.SVG, `class="note"`) {
		t.Error("the graph asked for without notes has one")
	}
	if len(shown.DropZones) == 0 || len(shown.DropZones) != len(hidden.DropZones) {
		t.Errorf("%d drop zones with notes, %d without: the notes must not change them", len(shown.DropZones), len(hidden.DropZones))
	}
	for _, z := range shown.DropZones {
		if strings.HasPrefix(z.Target, "note") {
			t.Errorf("a note is a drop zone: %s", z.Target)
		}
	}
}

func TestDesignerApplyShowsEveryDropZone(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	nested := `{
  "StartAt": "First",
  "States": {
    "First": {"Type": "Pass", "Next": "Both"},
    "Both": {"Type": "Parallel", "Next": "Each", "Branches": [
      {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "End": true}}},
      {"StartAt": "Check", "States": {
        "Check": {"Type": "Choice", "Choices": [{"Variable": "$.ok", "BooleanEquals": true, "Next": "Yes"}], "Default": "No"},
        "Yes": {"Type": "Succeed"},
        "No": {"Type": "Fail"}
      }},
      {"StartAt": "", "States": {}}
    ]},
    "Each": {"Type": "Map", "End": true, "ItemProcessor": {"StartAt": "Item", "States": {
      "Item": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true,
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Oops"}]},
      "Oops": {"Type": "Pass", "End": true}
    }}}
  }
}`
	s.createMachine(t, "Nested", chain) // the apply endpoint draws any document, even one that cannot be saved
	var got struct {
		applyAnswer
		DropZones []struct {
			Where  designer.Where `json:"where"`
			Target string         `json:"target"`
		} `json:"dropZones"`
	}
	if status := s.postJSON(t, "/machines/Nested/design/apply", map[string]any{"document": nested}, &got); status != http.StatusOK {
		t.Fatalf("status %d: %s", status, got.Error)
	}
	doc, err := designer.Parse([]byte(nested))
	if err != nil {
		t.Fatal(err)
	}
	zones, err := doc.DropZones()
	if err != nil {
		t.Fatal(err)
	}
	if len(got.DropZones) != len(zones) {
		t.Errorf("%d drop zones shown, the document has %d", len(got.DropZones), len(zones))
	}
	targets := map[string]bool{}
	for i, z := range got.DropZones {
		if i < len(zones) && !cmp.Equal(z.Where, zones[i]) {
			t.Errorf("zone %d is %+v, want %+v", i, z.Where, zones[i])
		}
		if !strings.Contains(got.SVG, `id="`+z.Target+`"`) {
			t.Errorf("zone %+v: target %q is not in the SVG", z.Where, z.Target)
		}
		targets[z.Target] = true
	}
	empty := false
	for _, z := range got.DropZones {
		if z.Where.Start != nil && z.Where.Start.Parent == "Both" && z.Where.Start.Branch == 2 {
			empty = strings.HasSuffix(z.Target, "-Both") || z.Target == "edge-Both-branch-2"
		}
	}
	if !empty {
		t.Errorf("the empty branch 3 of Both has no drop zone: %+v", got.DropZones)
	}
	for _, id := range []string{"edge-start", "edge-Both-branch-1", "edge-Check-choice-0", "edge-Check-default-0", "edge-Item-catch-0", "edge-Left-join-0", "edge-Each-end-0", "container-Both"} {
		if !targets[id] {
			t.Errorf("no drop zone shown on %s", id)
		}
	}
}

func TestDesignerApplyWrapsUnderAFreeName(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Flow", chain)
	var got applyAnswer
	status := s.postJSON(t, "/machines/Flow/design/apply", map[string]any{
		"document": chain,
		"ops":      []json.RawMessage{json.RawMessage(`{"op":"WrapStates","states":["A","B"],"in":"Map"}`)},
	}, &got)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, got.Error)
	}
	if got.Selected != "Map" || !strings.Contains(got.Document, `"StartAt": "Map"`) || !strings.Contains(got.SVG, `id="container-Map"`) {
		t.Errorf("selected %q, document:\n%s", got.Selected, got.Document)
	}
}

func TestDesignerApplyAddsAStateUnderAFreeName(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Flow", chain)
	var got applyAnswer
	status := s.postJSON(t, "/machines/Flow/design/apply", map[string]any{
		"document": chain,
		"select":   "A",
		"nameBase": "C",
		"ops":      []json.RawMessage{json.RawMessage(`{"op":"AddState","state":"","definition":{"Type":"Fail"},"beside":"A","link":["Next"]}`)},
	}, &got)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, got.Error)
	}
	// The inspector stays on the state whose transition was set; the graph draws the new one.
	if got.Selected != "A" || !strings.Contains(got.Document, `"Next": "C 2"`) || !strings.Contains(got.SVG, `id="state-C_20_2"`) {
		t.Errorf("selected %q, document:\n%s", got.Selected, got.Document)
	}
}

func TestDesignerInspectorOffersTheStatesOfTheScopeAsNext(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Flow", chain)
	var got applyAnswer
	if status := s.postJSON(t, "/machines/Flow/design/apply", map[string]any{"document": chain, "select": "B"}, &got); status != http.StatusOK {
		t.Fatalf("status %d: %s", status, got.Error)
	}
	for _, want := range []string{
		`<select data-field="Next" data-kind="string" data-testid="field-Next">`,
		`<option value="">(none: the flow ends here)</option>`,
		`<option value="A">A</option>`,
		`<option value="C" selected>C</option>`,
	} {
		if !strings.Contains(got.Inspector, want) {
			t.Errorf("inspector lacks %s:\n%s", want, got.Inspector)
		}
	}
	if strings.Contains(got.Inspector, `<option value="B"`) {
		t.Errorf("B is offered as its own Next:\n%s", got.Inspector)
	}

	choice := `{"StartAt": "Pick", "States": {
  "Pick": {"Type": "Choice", "Choices": [{"Variable": "$.ok", "BooleanEquals": true, "Next": "Yes"}]},
  "Yes": {"Type": "Succeed"}
}}`
	s.createMachine(t, "Pick", choice)
	got = applyAnswer{}
	if status := s.postJSON(t, "/machines/Pick/design/apply", map[string]any{"document": choice, "select": "Pick"}, &got); status != http.StatusOK {
		t.Fatalf("status %d: %s", status, got.Error)
	}
	for _, want := range []string{
		`<select data-field="Default" data-kind="string" data-testid="field-Default">`,
		`<option value="" selected>(none: no match fails the execution)</option>`,
		`<option value="" data-new-state>New state…</option>`,
		`<option value="Yes">Yes</option>`,
	} {
		if !strings.Contains(got.Inspector, want) {
			t.Errorf("inspector of a Choice lacks %s:\n%s", want, got.Inspector)
		}
	}
}

func TestDesignerApplySelectsTheCopy(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Flow", chain)
	var got applyAnswer
	status := s.postJSON(t, "/machines/Flow/design/apply", map[string]any{
		"document": chain,
		"select":   "A",
		"ops":      []json.RawMessage{json.RawMessage(`{"op":"DuplicateState","state":"B"}`)},
	}, &got)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, got.Error)
	}
	if got.Selected != "B copy" || !strings.Contains(got.Inspector, `data-state="B copy"`) {
		t.Errorf("selected %q after duplicating B, want \"B copy\"", got.Selected)
	}
}

func TestDesignerApplySaysWhatItPasted(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Flow", chain)
	var got struct {
		applyAnswer
		Pasted struct {
			States  []string            `json:"states"`
			Renamed []map[string]string `json:"renamed"`
		} `json:"pasted"`
	}
	fragment := `{"StartAt": "B", "States": {"B": {"Type": "Pass", "Next": "New"}, "New": {"Type": "Pass", "End": true}}}`
	op, err := json.Marshal(map[string]string{"op": "PasteStates", "fragment": fragment, "after": "A"})
	if err != nil {
		t.Fatal(err)
	}
	status := s.postJSON(t, "/machines/Flow/design/apply", map[string]any{
		"document": chain,
		"select":   "A",
		"ops":      []json.RawMessage{op},
	}, &got)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, got.Error)
	}
	// The first pasted state is selected; the page selects them all and says what was renamed.
	if got.Selected != "B copy" || !cmp.Equal(got.Pasted.States, []string{"B copy", "New"}) ||
		!cmp.Equal(got.Pasted.Renamed, []map[string]string{{"from": "B", "to": "B copy"}}) {
		t.Errorf("selected %q, pasted %+v", got.Selected, got.Pasted)
	}
	if !strings.Contains(got.Document, `"Next": "B copy"`) {
		t.Errorf("A does not lead to the pasted states:\n%s", got.Document)
	}
}
