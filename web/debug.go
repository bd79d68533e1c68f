package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/runtime"
)

// debugRequest is what the execution page's debug panel sends to end a pause: the pause, how
// to go on, and the data as the user left it (JSON text; "" leaves it as it was).
type debugRequest struct {
	Pause     int64  `json:"pause"`
	Action    string `json:"action"`
	RunTo     string `json:"runTo"`
	Input     string `json:"input"`
	Variables string `json:"variables"`
}

// debugProblem is a refused command: what is wrong, and which field of the panel says it.
type debugProblem struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

// handleDebugResume ends a pause of a debug run: Continue, Step, Step into or Run to here,
// with the input and variables changed or not. The answer is JSON: {} once the run goes on,
// else the problem with the field it is about.
func (s *Server) handleDebugResume(c echo.Context) error {
	e, err := s.findExecution(c)
	if err != nil {
		return err
	}
	var req debugRequest
	if err := json.NewDecoder(c.Request().Body).Decode(&req); err != nil {
		return c.JSON(http.StatusBadRequest, debugProblem{Error: "The command is not JSON: " + err.Error()})
	}
	cmd := runtime.DebugCommand{Action: req.Action, RunTo: req.RunTo, By: UserOf(c).Name}
	switch req.Action {
	case runtime.DebugContinue, runtime.DebugStep, runtime.DebugStepInto:
	case runtime.DebugRunTo:
		if req.RunTo == "" {
			return c.JSON(http.StatusBadRequest, debugProblem{Error: "Choose the state to run to.", Field: "runTo"})
		}
	default:
		return c.JSON(http.StatusBadRequest, debugProblem{Error: fmt.Sprintf("%q is not a way to go on: continue, step, stepInto or runTo.", req.Action), Field: "action"})
	}
	if req.Input != "" {
		if err := checkJSON([]byte(req.Input)); err != nil {
			return c.JSON(http.StatusBadRequest, debugProblem{Error: "The input is not valid JSON: " + err.Error() + ".", Field: "input"})
		}
		cmd.Input = json.RawMessage(req.Input)
	}
	if req.Variables != "" {
		if err := checkJSON([]byte(req.Variables)); err != nil {
			return c.JSON(http.StatusBadRequest, debugProblem{Error: "The variables are not valid JSON: " + err.Error() + ".", Field: "variables"})
		}
		if err := json.Unmarshal([]byte(req.Variables), &cmd.Variables); err != nil {
			return c.JSON(http.StatusBadRequest, debugProblem{Error: `The variables must be a JSON object of names and values, such as {"limit": 10}.`, Field: "variables"})
		}
	}
	err = s.cfg.Lifecycle.DebugResume(c.Request().Context(), e, req.Pause, cmd)
	if errors.Is(err, runtime.ErrNotPaused) {
		return c.JSON(http.StatusConflict, debugProblem{Error: fmt.Sprintf("Execution %d is not paused there any more: it was resumed or stopped meanwhile.", e.ID)})
	}
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, struct{}{})
}
