package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/views"
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

// renderInbox shows the list (filtered as the query says; see inboxlist.go) with d's notice
// or problem.
func (s *Server) renderInbox(c echo.Context, status int, d views.InboxData) error {
	return s.renderInboxList(c, status, d)
}
