package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/designer"
	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
)

// DebugStore keeps each machine's breakpoints and break-on-error setting, beside the machine
// and never in its definition.
type DebugStore interface {
	FindDebugSettings(ctx context.Context, machineID int64) (resource.DebugSettings, error)
	SaveDebugSettings(ctx context.Context, machineID int64, s resource.DebugSettings) error
}

// breakpointError is a refused PUT: what is wrong, and the breakpoint's state and field, so
// the designer can show the message beside the field.
type breakpointError struct {
	Error string `json:"error"`
	State string `json:"state,omitempty"`
	Field string `json:"field,omitempty"`
}

// handleBreakpoints answers a machine's debug settings. Breakpoints on states the latest
// definition no longer has (deleted or renamed since) are left out rather than refused. The
// designer asks with ?all=1 for every one: its unsaved document may have the states they sit
// on (a state renamed but not yet saved), and it drops those its document lacks itself.
func (s *Server) handleBreakpoints(c echo.Context) error {
	m, err := s.findMachine(c)
	if err != nil {
		return err
	}
	settings, err := s.cfg.Store.FindDebugSettings(c.Request().Context(), m.ID)
	if err != nil || c.QueryParam("all") == "1" {
		return errOrJSON(c, settings, err)
	}
	states := stateNames(m.Definition)
	kept := []resource.Breakpoint{}
	for _, b := range settings.Breakpoints {
		if states[b.State] {
			kept = append(kept, b)
		}
	}
	settings.Breakpoints = kept
	return c.JSON(http.StatusOK, settings)
}

// errOrJSON answers v, unless err.
func errOrJSON(c echo.Context, v any, err error) error {
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// handleBreakpointsSave replaces a machine's debug settings with the JSON body's, once each
// breakpoint is checked against the machine's latest definition. The designer adds its
// unsaved document as "document": a breakpoint may then sit on a state only it has so far.
func (s *Server) handleBreakpointsSave(c echo.Context) error {
	m, err := s.findMachine(c)
	if err != nil {
		return err
	}
	var req struct {
		resource.DebugSettings
		Document string `json:"document"`
	}
	if err := json.NewDecoder(c.Request().Body).Decode(&req); err != nil {
		return c.JSON(http.StatusBadRequest, breakpointError{Error: "The request is not a JSON object of debug settings: " + err.Error()})
	}
	settings := req.DebugSettings
	states := stateNames(m.Definition)
	if req.Document != "" {
		for name := range stateNames([]byte(req.Document)) {
			states[name] = true
		}
	}
	if problem := checkBreakpoints(states, settings.Breakpoints); problem != nil {
		return c.JSON(http.StatusBadRequest, problem)
	}
	if settings.Breakpoints == nil {
		settings.Breakpoints = []resource.Breakpoint{}
	}
	if err := s.cfg.Store.SaveDebugSettings(c.Request().Context(), m.ID, settings); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, settings)
}

// checkBreakpoints says what is wrong with the first bad breakpoint; nil when none is.
func checkBreakpoints(states map[string]bool, bps []resource.Breakpoint) *breakpointError {
	seen := map[string]bool{}
	for _, b := range bps {
		switch {
		case !states[b.State]:
			return &breakpointError{fmt.Sprintf("The machine has no state named %q.", b.State), b.State, "state"}
		case seen[b.State]:
			return &breakpointError{fmt.Sprintf("The state %q has two breakpoints: keep one.", b.State), b.State, "state"}
		case b.HitCount < 0:
			return &breakpointError{"The hit count must be a whole number, 0 or more.", b.State, "hitCount"}
		}
		seen[b.State] = true
		if _, err := runtime.ParseBreakpointCondition(b.Condition); err != nil {
			return &breakpointError{"The condition is not valid: " + err.Error(), b.State, "condition"}
		}
	}
	return nil
}

// stateNames are the names of every state of a definition, those in Parallel branches and
// Map item processors too. A definition that is not an object has none.
func stateNames(definition []byte) map[string]bool {
	names := map[string]bool{}
	g, err := designer.NewGraph(definition)
	if err != nil {
		return names
	}
	var walk func(designer.Graph)
	walk = func(g designer.Graph) {
		for _, n := range g.Nodes {
			if n.Missing {
				continue
			}
			names[n.Name] = true
			for _, b := range n.Branches {
				walk(b)
			}
		}
	}
	walk(g)
	return names
}
