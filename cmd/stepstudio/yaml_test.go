package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const yamlMachine = `# Orders wait for a human
StartAt: Approve
States:
  Approve:
    Type: Pass # stands in for the approval
    Result: {approved: true}
    Next: Done
  Done:
    Type: Succeed
`

// TestYAMLImportExport creates a machine from YAML on the home page, runs it as JSON, and
// downloads it as YAML: byte for byte while unchanged, and with its comments after a save
// from the machine page, also in YAML.
func TestYAMLImportExport(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "FromYAML", yamlMachine)

	_, stored := s.get(t, "/machines/FromYAML/definition.asl.json")
	if !strings.Contains(stored, `"Result": {`) || !strings.Contains(stored, `"approved": true`) {
		t.Fatalf("stored definition:\n%s", stored)
	}
	execPath := s.startExecution(t, "FromYAML", `{}`)
	readUntil(t, s.watch(t, execPath, 0), "ExecutionSucceeded")

	resp, exported := s.get(t, "/machines/FromYAML/definition.asl.yaml")
	if resp.StatusCode != http.StatusOK || exported != yamlMachine {
		t.Fatalf("YAML export %d:\n%s", resp.StatusCode, exported)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "FromYAML.asl.yaml") {
		t.Errorf("Content-Disposition %q", cd)
	}

	// A save of the JSON keeps the YAML's comments on the next export.
	edited := strings.Replace(stored, `"approved": true`, `"approved": false`, 1)
	if resp, body := s.post(t, "/machines/FromYAML", url.Values{"definition": {edited}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", resp.StatusCode, body)
	}
	_, exported = s.get(t, "/machines/FromYAML/definition.asl.yaml")
	for _, want := range []string{"# Orders wait for a human", "Type: Pass # stands in for the approval", "approved: false"} {
		if !strings.Contains(exported, want) {
			t.Errorf("export after a save lost %q:\n%s", want, exported)
		}
	}

	// YAML that is not valid is refused with its line, and nothing is stored.
	resp, page := s.post(t, "/machines", url.Values{"name": {"Broken"}, "definition": {"StartAt: A\nStates:\n  A: [Type: Pass\n"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, "Not valid YAML at line") {
		t.Errorf("bad YAML: %d\n%s", resp.StatusCode, page)
	}
	if resp, _ := s.get(t, "/machines/Broken"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a refused YAML create was stored")
	}
}
