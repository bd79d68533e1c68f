package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/views"
)

// AWS's limits on SendTaskFailure's fields.
const (
	maxErrorLen = 256
	maxCauseLen = 32768
)

// handleTaskApprove approves a task with an output JSON (SendTaskSuccess). The inbox list and
// the task page both post here; a refused output is shown where it was typed (refuseDecision),
// with what was typed, to be fixed there.
func (s *Server) handleTaskApprove(c echo.Context) error {
	return s.withTask(c, func(t resource.CallbackTask) error {
		if err := s.mayDecide(c, t); err != nil {
			return err
		}
		output := strings.TrimSpace(c.FormValue("output"))
		if problem := outputProblem(t.ID, output); problem != "" {
			return s.refuseDecision(c, t, problem, views.TaskForm{Output: output})
		}
		ev := resource.AuditEvent{Action: resource.AuditApproved, Output: []byte(output)}
		if err := s.decide(c, t, ev); err != nil {
			return err
		}
		return s.afterDecision(c, t.ID, "approved")
	})
}

// outputProblem says what is wrong with an approval's output, "" when nothing is.
func outputProblem(id int64, output string) string {
	if output == "" {
		return fmt.Sprintf("Task %d: the output is empty; approve with a JSON value such as {\"approved\": true}.", id)
	}
	if err := checkJSON([]byte(output)); err != nil {
		return fmt.Sprintf("Task %d: the output is not valid JSON: %v", id, err)
	}
	if len(output) > maxInputBytes {
		return fmt.Sprintf("Task %d: the output is %d bytes; at most %d are allowed.", id, len(output), maxInputBytes)
	}
	return ""
}

// handleTaskReject fails a task with an error and a cause (SendTaskFailure).
func (s *Server) handleTaskReject(c echo.Context) error {
	return s.withTask(c, func(t resource.CallbackTask) error {
		if err := s.mayDecide(c, t); err != nil {
			return err
		}
		errName, cause := c.FormValue("error"), c.FormValue("cause")
		if len(errName) > maxErrorLen || len(cause) > maxCauseLen {
			return s.refuseDecision(c, t,
				fmt.Sprintf("Task %d: the error may be at most %d characters and the cause at most %d.", t.ID, maxErrorLen, maxCauseLen),
				views.TaskForm{Error: errName, Cause: cause})
		}
		ev := resource.AuditEvent{Action: resource.AuditRejected, Error: errName, Cause: cause}
		if err := s.decide(c, t, ev); err != nil {
			return err
		}
		return s.afterDecision(c, t.ID, "rejected")
	})
}

// refuseDecision shows why a decision was refused on the page it was taken on, the task page
// or the inbox list, with what was typed in its forms: a mistyped output is fixed in place,
// never met on an error page.
func (s *Server) refuseDecision(c echo.Context, t resource.CallbackTask, problem string, form views.TaskForm) error {
	if c.FormValue("return") == "task" {
		return s.renderTask(c, http.StatusBadRequest, t, views.TaskData{Problem: problem, Form: form})
	}
	return s.renderInbox(c, http.StatusBadRequest, views.InboxData{Problem: problem,
		Form: views.DecisionForm{TaskID: t.ID, Output: form.Output, Error: form.Error, Cause: form.Cause}})
}

// mayDecide refuses a decided task (409) and a task someone else holds (403).
func (s *Server) mayDecide(c echo.Context, t resource.CallbackTask) error {
	if err := stillWaiting(t); err != nil {
		return err
	}
	return mayAct(UserOf(c), t, "decide")
}

// decide takes a decision through the lifecycle, which stores it before it is acknowledged,
// and tells the inbox's listeners.
func (s *Server) decide(c echo.Context, t resource.CallbackTask, ev resource.AuditEvent) error {
	ev.User, ev.At = UserOf(c).Name, time.Now()
	err := s.cfg.Lifecycle.Decide(c.Request().Context(), t, ev)
	s.cfg.Hub.InboxChanged()
	if err != nil {
		return s.decisionFailed(c, t, err)
	}
	return nil
}

// afterDecision goes back where the decision was taken: the task page, or the inbox.
func (s *Server) afterDecision(c echo.Context, id int64, done string) error {
	if c.FormValue("return") == "task" {
		return backToTask(c, id, done)
	}
	return c.Redirect(http.StatusSeeOther, "/inbox?"+done+"="+strconv.FormatInt(id, 10))
}

// decisionFailed explains a refused decision: most often another decision won the race.
func (s *Server) decisionFailed(c echo.Context, t resource.CallbackTask, err error) error {
	if errors.Is(err, runtime.ErrTaskDoesNotExist) || errors.Is(err, resource.ErrTaskChanged) {
		if latest, ferr := s.cfg.Store.FindCallbackTask(c.Request().Context(), t.ID); ferr == nil {
			t = latest
		}
		return alreadyDecided(t)
	}
	if errors.Is(err, runtime.ErrInvalidOutput) {
		return badRequest(fmt.Sprintf("Task %d: %v", t.ID, err))
	}
	return err
}
