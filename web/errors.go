package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/runtime/remote"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/views"
)

// userError is a mistake in what the user asked for: it is shown to them as it is, with its
// status, and never logged as a server fault.
type userError struct {
	status  int
	title   string
	message string
}

func (e *userError) Error() string { return e.title + ": " + e.message }

func notFound(message string) error {
	return &userError{status: http.StatusNotFound, title: "Not found", message: message}
}

func badRequest(message string) error {
	return &userError{status: http.StatusBadRequest, title: "Bad request", message: message}
}

// unprocessable is a request that is well formed for something the studio cannot do with
// what is stored (a definition the asked-for template cannot hold).
func unprocessable(message string) error {
	return &userError{status: http.StatusUnprocessableEntity, title: "Cannot be done", message: message}
}

// handleError is the one place where errors become HTTP statuses.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, title, message := http.StatusInternalServerError, "Something went wrong", "The server could not complete the request; the details are in its log."
	var ue *userError
	var he *echo.HTTPError
	var re *remote.Error
	switch {
	case errors.Is(err, context.Canceled) && c.Request().Context().Err() != nil:
		return // the client went away: nobody is left to answer
	case errors.As(err, &ue):
		status, title, message = ue.status, ue.title, ue.message
	case errors.Is(err, resource.ErrNotFound):
		status, title, message = http.StatusNotFound, "Not found", err.Error()
	case errors.Is(err, remote.ErrNoMachine):
		status, title, message = http.StatusNotFound, "Not found", err.Error()
	case errors.As(err, &re):
		// The target's answer, not this studio's fault: said as the target said it.
		status, title, message = http.StatusBadGateway, "The target did not do it", err.Error()
	case errors.As(err, &he):
		status, title, message = he.Code, http.StatusText(he.Code), http.StatusText(he.Code)
		if m, ok := he.Message.(string); ok {
			message = m
		}
	default:
		s.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	if err := render(c, status, views.ErrorPage(status, title, message)); err != nil {
		s.log.Error("render error page", "err", err)
	}
}

// render writes a page with the given status.
func render(c echo.Context, status int, page templ.Component) error {
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().WriteHeader(status)
	return page.Render(c.Request().Context(), c.Response().Writer)
}
