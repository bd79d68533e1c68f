package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/views"
)

// auditPageSize is how many audit rows a page shows.
const auditPageSize = 50

// handleAuditList shows the audit log, newest first, filtered by user and action, paged by
// the id of the last row shown (so rows added meanwhile do not shift the pages).
func (s *Server) handleAuditList(c echo.Context) error {
	user := strings.TrimSpace(c.QueryParam("user"))
	action := c.QueryParam("action")
	before, _ := strconv.ParseInt(c.QueryParam("before"), 10, 64)
	events, err := s.cfg.Store.FindAuditEvents(c.Request().Context(), resource.AuditFilter{
		User: user, Action: resource.AuditAction(action), Before: before, Limit: auditPageSize + 1})
	if err != nil {
		return err
	}
	d := views.AuditData{Events: events, User: user, Action: action}
	if len(events) > auditPageSize {
		d.Events = events[:auditPageSize]
		q := url.Values{"before": {strconv.FormatInt(d.Events[auditPageSize-1].ID, 10)}}
		if user != "" {
			q.Set("user", user)
		}
		if action != "" {
			q.Set("action", action)
		}
		d.Older = q.Encode()
	}
	return render(c, http.StatusOK, views.Audit(d))
}
