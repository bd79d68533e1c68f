package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/views"
)

// handleExecutionStop aborts a running execution (StopExecution) with the optional error
// and cause of the form; AWS allows both to be empty.
func (s *Server) handleExecutionStop(c echo.Context) error {
	e, err := s.findExecution(c)
	if err != nil {
		return err
	}
	errName, cause := c.FormValue("error"), c.FormValue("cause")
	if len(errName) > maxErrorLen || len(cause) > maxCauseLen {
		return badRequest(fmt.Sprintf("The error may be at most %d characters and the cause at most %d.", maxErrorLen, maxCauseLen))
	}
	if e.Status != runtime.StatusRunning {
		return notRunning(e)
	}
	err = s.cfg.Lifecycle.Stop(c.Request().Context(), e, errName, cause)
	if errors.Is(err, runtime.ErrExecutionNotRunning) {
		// It ended between the look-up and the stop, or it is not running in this process.
		if latest, ferr := s.cfg.Store.FindExecution(c.Request().Context(), e.ID); ferr == nil {
			e = latest
		}
		return notRunning(e)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, views.ExecutionURL(e.ID))
}

// notRunning explains a refused stop.
func notRunning(e resource.Execution) error {
	msg := fmt.Sprintf("Execution %d is not running, it %s. Nothing was changed.", e.ID, e.Status)
	if e.Status == runtime.StatusRunning {
		// Only an execution that could not be resumed at start-up is in this state.
		msg = fmt.Sprintf("Execution %d is not running in this studio: it could not be resumed when the studio started (see its log).", e.ID)
	}
	return &userError{status: http.StatusConflict, title: "Not running", message: msg}
}

// handleExecutionRedrive restarts a failed, timed-out or aborted execution from the state
// that did not succeed (RedriveExecution), with the definition of the version it ran.
func (s *Server) handleExecutionRedrive(c echo.Context) error {
	e, err := s.findExecution(c)
	if err != nil {
		return err
	}
	err = s.cfg.Lifecycle.Redrive(c.Request().Context(), e)
	var re *runtime.RedriveError
	if errors.As(err, &re) {
		return notRedrivable(e, re.Reason)
	}
	if err != nil {
		return fmt.Errorf("web: redrive %s: %w", e.ARN, err)
	}
	return c.Redirect(http.StatusSeeOther, views.ExecutionURL(e.ID))
}

// notRedrivable explains a refused redrive.
func notRedrivable(e resource.Execution, reason string) error {
	return &userError{status: http.StatusConflict, title: "Cannot be redriven",
		message: fmt.Sprintf("Execution %d cannot be redriven: %s. Only FAILED, TIMED_OUT and ABORTED executions can be. Nothing was changed.", e.ID, reason)}
}
