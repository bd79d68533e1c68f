package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/designer"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/views"
)

// taskLocks serialises the changes of one task; tasks share a few stripes, since changes are
// rare and short, and a map of locks would grow with every task ever touched.
type taskLocks struct{ stripes [64]sync.Mutex }

func (l *taskLocks) lock(id int64) (unlock func()) {
	m := &l.stripes[uint64(id)%uint64(len(l.stripes))]
	m.Lock()
	return m.Unlock
}

// taskID reads the task id of the URL.
func taskID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return 0, notFound(fmt.Sprintf("There is no task %q: task ids are numbers.", c.Param("id")))
	}
	return id, nil
}

// findTask returns the task with the given id, waiting or not.
func (s *Server) findTask(ctx context.Context, id int64) (resource.CallbackTask, error) {
	t, err := s.cfg.Store.FindCallbackTask(ctx, id)
	if errors.Is(err, resource.ErrNotFound) {
		return t, notFound(fmt.Sprintf("There is no task %d: it never existed, or its execution was deleted. The inbox lists the tasks that wait.", id))
	}
	return t, err
}

// withTask runs fn on the task of the URL while no other change of that task runs, so what
// fn checked still holds when it acts.
func (s *Server) withTask(c echo.Context, fn func(t resource.CallbackTask) error) error {
	id, err := taskID(c)
	if err != nil {
		return err
	}
	defer s.tasks.lock(id)()
	t, err := s.findTask(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return fn(t)
}

// stillWaiting refuses a task that was decided (or is being decided) with 409.
func stillWaiting(t resource.CallbackTask) error {
	if t.Status != resource.CallbackWaiting || t.DecidedBy != "" {
		return alreadyDecided(t)
	}
	return nil
}

func alreadyDecided(t resource.CallbackTask) error {
	msg := fmt.Sprintf("Task %d (state %q of execution %s) was already decided", t.ID, t.State, t.ExecutionName)
	if t.Status != "" && t.Status != resource.CallbackWaiting {
		msg += fmt.Sprintf(": it is %s", t.Status)
		if !t.DecidedAt.IsZero() {
			msg += " since " + t.DecidedAt.UTC().Format("2006-01-02 15:04:05 UTC")
		}
	} else if t.DecidedBy != "" {
		msg += " by " + t.DecidedBy
	}
	return &userError{status: http.StatusConflict, title: "Already decided", message: msg + ". Nothing was changed."}
}

// mayAct refuses, with 403, a user who neither holds a claimed task nor is an admin.
func mayAct(u User, t resource.CallbackTask, what string) error {
	if t.ClaimedBy == "" || t.ClaimedBy == u.Name || u.Admin {
		return nil
	}
	return &userError{status: http.StatusForbidden, title: "Claimed by " + t.ClaimedBy,
		message: fmt.Sprintf("You cannot %s task %d: %s has claimed it. Only %s or an admin may decide it, release it or send a heartbeat; ask them, or wait until they release it.",
			what, t.ID, t.ClaimedBy, t.ClaimedBy)}
}

func (s *Server) handleTaskShow(c echo.Context) error {
	id, err := taskID(c)
	if err != nil {
		return err
	}
	t, err := s.findTask(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.renderTask(c, http.StatusOK, t, views.TaskData{Notice: taskNotice(c.QueryParam("done"))})
}

// taskNotice confirms the action a redirect back to the task page names; a decision needs
// none, since the page then says how the task ended.
func taskNotice(done string) string {
	return map[string]string{
		"claimed":   "You claimed this task: only you (or an admin) may decide it now.",
		"released":  "Released: anyone may claim or decide this task again.",
		"heartbeat": "Heartbeat sent: the heartbeat deadline starts again.",
	}[done]
}

// renderTask draws the task page with what d already holds (a notice, a problem and the
// form typed) and what it is drawn from.
func (s *Server) renderTask(c echo.Context, status int, t resource.CallbackTask, d views.TaskData) error {
	ctx := c.Request().Context()
	e, err := s.cfg.Store.FindExecution(ctx, t.ExecutionID)
	if err != nil {
		return err
	}
	graph, err := s.drawRun(ctx, e, nil)
	if err != nil {
		return err
	}
	audit, err := s.cfg.Store.FindAuditEvents(ctx, resource.AuditFilter{TaskID: t.ID})
	if err != nil {
		return err
	}
	u := UserOf(c)
	d.Task, d.Execution, d.Audit, d.Now = t, e, audit, time.Now()
	d.Viewer, d.Admin = u.Name, u.Admin
	d.Graph = flagTaskState(graph, t.State)
	return render(c, status, views.Task(d))
}

// flagTaskState marks the task's state in the graph, so the page can light it up even after
// the task was decided.
func flagTaskState(svg []byte, state string) []byte {
	id := []byte(`<g id="` + designer.NodeID(state) + `"`)
	return bytes.Replace(svg, id, append(id, []byte(` data-task-state="true"`)...), 1)
}

// backToTask answers an action with a redirect to the task page that confirms it.
func backToTask(c echo.Context, id int64, done string) error {
	return c.Redirect(http.StatusSeeOther, views.TaskURL(id)+"?done="+done)
}

func (s *Server) handleTaskClaim(c echo.Context) error {
	return s.withTask(c, func(t resource.CallbackTask) error {
		if err := stillWaiting(t); err != nil {
			return err
		}
		u := UserOf(c)
		if t.ClaimedBy == u.Name {
			return backToTask(c, t.ID, "claimed")
		}
		if t.ClaimedBy != "" {
			return &userError{status: http.StatusConflict, title: "Claimed by " + t.ClaimedBy,
				message: fmt.Sprintf("Task %d is already claimed by %s.", t.ID, t.ClaimedBy)}
		}
		if err := s.cfg.Store.ClaimCallbackTask(c.Request().Context(), t.ID, u.Name, time.Now()); err != nil {
			return s.taskChangeFailed(c, t, err)
		}
		s.cfg.Hub.InboxChanged()
		return backToTask(c, t.ID, "claimed")
	})
}

func (s *Server) handleTaskRelease(c echo.Context) error {
	return s.withTask(c, func(t resource.CallbackTask) error {
		if err := stillWaiting(t); err != nil {
			return err
		}
		if t.ClaimedBy == "" {
			return backToTask(c, t.ID, "released")
		}
		u := UserOf(c)
		if err := mayAct(u, t, "release"); err != nil {
			return err
		}
		if err := s.cfg.Store.ReleaseCallbackTask(c.Request().Context(), t.ID, t.ClaimedBy, u.Name, time.Now()); err != nil {
			return s.taskChangeFailed(c, t, err)
		}
		s.cfg.Hub.InboxChanged()
		return backToTask(c, t.ID, "released")
	})
}

func (s *Server) handleTaskHeartbeat(c echo.Context) error {
	return s.withTask(c, func(t resource.CallbackTask) error {
		if err := stillWaiting(t); err != nil {
			return err
		}
		u := UserOf(c)
		if err := mayAct(u, t, "send a heartbeat for"); err != nil {
			return err
		}
		if err := s.cfg.Lifecycle.Heartbeat(c.Request().Context(), t, u.Name); err != nil {
			if errors.Is(err, resource.ErrTaskChanged) {
				return s.taskChangeFailed(c, t, err)
			}
			return s.decisionFailed(c, t, err)
		}
		s.cfg.Hub.InboxChanged()
		return backToTask(c, t.ID, "heartbeat")
	})
}

// taskChangeFailed explains a claim, release or heartbeat the store refused because the
// task was decided meanwhile.
func (s *Server) taskChangeFailed(c echo.Context, t resource.CallbackTask, err error) error {
	if errors.Is(err, resource.ErrTaskChanged) {
		if latest, ferr := s.cfg.Store.FindCallbackTask(c.Request().Context(), t.ID); ferr == nil {
			t = latest
		}
		return alreadyDecided(t)
	}
	return err
}
