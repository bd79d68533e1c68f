package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/views"
)

// handleActivityList shows each activity with its waiting tasks and the workers seen
// polling it, so that a task nobody takes can be told from a worker that is slow.
func (s *Server) handleActivityList(c echo.Context) error {
	ctx := c.Request().Context()
	activities, err := s.cfg.Store.FindActivities(ctx)
	if err != nil {
		return err
	}
	// The URL the browser reached the studio at is the one a worker on this machine can use.
	d := views.ActivitiesData{Endpoint: c.Scheme() + "://" + c.Request().Host, Now: time.Now()}
	for _, a := range activities {
		v := views.ActivityView{Activity: a}
		if v.Waiting, v.Started, err = s.cfg.Store.CountActivityTasks(ctx, a.ARN); err != nil {
			return err
		}
		if v.Tasks, err = s.cfg.Store.FindActivityTasks(ctx, a.ARN, views.ActivityTaskLimit); err != nil {
			return err
		}
		for _, w := range s.polls.workersOf(a.ARN) {
			v.Workers = append(v.Workers, views.ActivityWorker{Name: w.Name, LastPoll: w.LastPoll})
		}
		d.Activities = append(d.Activities, v)
	}
	return render(c, http.StatusOK, views.Activities(d))
}
