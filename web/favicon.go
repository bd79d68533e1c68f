package web

import (
	"fmt"
	"io/fs"
	"net/http"

	"github.com/labstack/echo/v4"
)

// handleFavicon answers /favicon.ico, which browsers ask for on their own whatever the page
// links, with the SVG icon the pages link (/static/favicon.svg). A day of caching spares a
// request per page; the icon hardly ever changes.
func (s *Server) handleFavicon(c echo.Context) error {
	icon, err := fs.ReadFile(s.cfg.Static, "favicon.svg")
	if err != nil {
		return fmt.Errorf("web: favicon: %w", err)
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=86400")
	return c.Blob(http.StatusOK, "image/svg+xml", icon)
}
