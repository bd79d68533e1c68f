package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/views"
)

// AWS's limits on SendTaskFailure's fields.
const (
	maxErrorLen = 256
	maxCauseLen = 32768
)

func (s *Server) handleInbox(c echo.Context) error {
	d := views.InboxData{}
	if id := c.QueryParam("approved"); id != "" {
		d.Notice = "Approved task " + id + "; its execution goes on."
	}
	if id := c.QueryParam("rejected"); id != "" {
		d.Notice = "Rejected task " + id + "; its execution received the error."
	}
	return s.renderInbox(c, http.StatusOK, d)
}

func (s *Server) renderInbox(c echo.Context, status int, d views.InboxData) error {
	tasks, err := s.cfg.Store.FindCallbackTasks(c.Request().Context(), runtime.CallbackWaiting)
	if err != nil {
		return err
	}
	d.Tasks = tasks
	return render(c, status, views.Inbox(d))
}

// findWaitingTask returns the task named in the URL if it can still be decided.
func (s *Server) findWaitingTask(c echo.Context) (runtime.CallbackTask, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return runtime.CallbackTask{}, notFound(fmt.Sprintf("There is no task %q: task ids are numbers.", c.Param("id")))
	}
	t, err := s.cfg.Store.FindCallbackTask(c.Request().Context(), id)
	if errors.Is(err, runtime.ErrNotFound) {
		return t, notFound(fmt.Sprintf("There is no task %d.", id))
	}
	if err != nil {
		return t, err
	}
	if t.Status != runtime.CallbackWaiting {
		return t, alreadyDecided(t)
	}
	return t, nil
}

func alreadyDecided(t runtime.CallbackTask) error {
	msg := fmt.Sprintf("Task %d (state %q of execution %s) was already decided", t.ID, t.State, t.ExecutionName)
	if t.Status != "" && t.Status != runtime.CallbackWaiting {
		msg += fmt.Sprintf(": it is %s", t.Status)
		if !t.DecidedAt.IsZero() {
			msg += " since " + t.DecidedAt.UTC().Format("2006-01-02 15:04:05 UTC")
		}
	}
	return &userError{status: http.StatusConflict, title: "Already decided", message: msg + ". Nothing was changed."}
}

func (s *Server) handleTaskApprove(c echo.Context) error {
	t, err := s.findWaitingTask(c)
	if err != nil {
		return err
	}
	output := strings.TrimSpace(c.FormValue("output"))
	form := views.DecisionForm{TaskID: t.ID, Output: output}
	if output == "" {
		return s.renderInbox(c, http.StatusBadRequest, views.InboxData{Form: form,
			Problem: fmt.Sprintf("Task %d: the output is empty; approve with a JSON value such as {\"approved\": true}.", t.ID)})
	}
	if err := checkJSON([]byte(output)); err != nil {
		return s.renderInbox(c, http.StatusBadRequest, views.InboxData{Form: form,
			Problem: fmt.Sprintf("Task %d: the output is not valid JSON: %v", t.ID, err)})
	}
	if len(output) > maxInputBytes {
		return s.renderInbox(c, http.StatusBadRequest, views.InboxData{Form: form,
			Problem: fmt.Sprintf("Task %d: the output is %d bytes; at most %d are allowed.", t.ID, len(output), maxInputBytes)})
	}
	if err := s.cfg.Engine.SendTaskSuccess(t.Token, []byte(output)); err != nil {
		return s.decisionFailed(c, t, err)
	}
	return c.Redirect(http.StatusSeeOther, "/inbox?approved="+strconv.FormatInt(t.ID, 10))
}

func (s *Server) handleTaskReject(c echo.Context) error {
	t, err := s.findWaitingTask(c)
	if err != nil {
		return err
	}
	errName, cause := c.FormValue("error"), c.FormValue("cause")
	form := views.DecisionForm{TaskID: t.ID, Error: errName, Cause: cause}
	if len(errName) > maxErrorLen || len(cause) > maxCauseLen {
		return s.renderInbox(c, http.StatusBadRequest, views.InboxData{Form: form,
			Problem: fmt.Sprintf("Task %d: the error may be at most %d characters and the cause at most %d.", t.ID, maxErrorLen, maxCauseLen)})
	}
	if err := s.cfg.Engine.SendTaskFailure(t.Token, errName, cause); err != nil {
		return s.decisionFailed(c, t, err)
	}
	return c.Redirect(http.StatusSeeOther, "/inbox?rejected="+strconv.FormatInt(t.ID, 10))
}

// decisionFailed explains a refused decision: most often another decision won the race.
func (s *Server) decisionFailed(c echo.Context, t runtime.CallbackTask, err error) error {
	if errors.Is(err, runtime.ErrTaskDoesNotExist) {
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
