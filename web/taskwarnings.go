package web

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stepstudio/stepstudio/designer"
)

// CodeCannotRun is the studio's own diagnostic code for a Task whose resource it cannot run
// as configured: the run would fail there.
const CodeCannotRun = "STEPSTUDIO_CANNOT_RUN"

// taskWarnings warns of the Task states of a document whose resources the studio cannot run
// (Config.Tasks), each at its Resource, saying how to route or mock it, and naming the test
// cases of machine that mock the state.
func (s *Server) taskWarnings(machine string, doc []byte) []diagnosticJSON {
	if s.cfg.Tasks == nil {
		return nil
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(doc, &top) != nil {
		return nil
	}
	var out []diagnosticJSON
	eachTask(top, "", func(state, location, resource string) {
		why := s.cfg.Tasks.Explain(resource)
		if why == "" {
			return
		}
		if cases := s.casesMocking(machine, state); len(cases) > 0 {
			why = fmt.Sprintf("Runs only with a test case that mocks it (%s). %s", strings.Join(cases, ", "), why)
		}
		out = append(out, diagnosticJSON{Severity: "WARNING", Code: CodeCannotRun, Message: why,
			Location: location + "/Resource", State: state, NodeID: designer.NodeID(state)})
	})
	return out
}

// eachTask calls f for every Task state with a string Resource in the machine (or branch,
// or item processor) obj, at JSON location at, and in the machines nested in its states.
func eachTask(obj map[string]json.RawMessage, at string, f func(state, location, resource string)) {
	var states map[string]json.RawMessage
	if json.Unmarshal(obj["States"], &states) != nil {
		return
	}
	for name, raw := range states {
		var st map[string]json.RawMessage
		if json.Unmarshal(raw, &st) != nil {
			continue
		}
		loc := at + "/States/" + strings.ReplaceAll(strings.ReplaceAll(name, "~", "~0"), "/", "~1")
		var typ, resource string
		json.Unmarshal(st["Type"], &typ)
		if typ == "Task" && json.Unmarshal(st["Resource"], &resource) == nil {
			f(name, loc, resource)
		}
		for _, field := range []string{"ItemProcessor", "Iterator"} {
			var inner map[string]json.RawMessage
			if json.Unmarshal(st[field], &inner) == nil && inner != nil {
				eachTask(inner, loc+"/"+field, f)
			}
		}
		var branches []map[string]json.RawMessage
		if json.Unmarshal(st["Branches"], &branches) == nil {
			for i, b := range branches {
				eachTask(b, fmt.Sprintf("%s/Branches/%d", loc, i), f)
			}
		}
	}
}
