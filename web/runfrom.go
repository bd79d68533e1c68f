package web

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/views"
)

// handleRunFrom starts a new execution of the same machine from a chosen top-level state,
// with an input (the visit's recorded one, edited or not) and either the version the
// execution ran ("same") or the machine's current one ("current"). AWS's Redrive only
// restarts the failed state with its input; this is for trying a fix where it matters.
func (s *Server) handleRunFrom(c echo.Context) error {
	ctx := c.Request().Context()
	e, err := s.findExecution(c)
	if err != nil {
		return err
	}
	state := c.FormValue("state")
	input := bytes.TrimSpace([]byte(c.FormValue("input")))
	if len(input) == 0 {
		input = []byte("{}")
	}
	if problem := inputProblem(input); problem != "" {
		return badRequest(strings.TrimSuffix(problem, ".") + ". Nothing was started.")
	}
	var m resource.StateMachine
	switch c.FormValue("definition") {
	case "current":
		m, err = s.cfg.Store.FindMachine(ctx, e.StateMachineName)
	case "same", "":
		m, err = s.cfg.Store.FindMachineVersion(ctx, e.VersionID)
	default:
		return badRequest(fmt.Sprintf("The definition %q is neither \"same\" (the version this execution ran) nor \"current\".", c.FormValue("definition")))
	}
	if err != nil {
		return err
	}
	def, err := s.definition(m)
	if err != nil {
		return badRequest("The definition cannot run: " + err.Error())
	}
	if _, ok := def.States[state]; !ok {
		return badRequest(fmt.Sprintf("Version %d of %q has no top-level state %q to run from. A state inside a Parallel or Map runs from the state that holds it.",
			m.Version, m.Name, state))
	}
	name := newExecutionName()
	started, err := s.cfg.Lifecycle.StartExecution(ctx, m, resource.Execution{ARN: s.executionARN(m, name), Name: name, Input: input,
		TestCase: e.TestCase, StartAt: state})
	if errors.Is(err, runtime.ErrExpressCallback) {
		return badRequest("This execution cannot start: " + err.Error() + ".")
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, views.ExecutionURL(started.ID))
}
