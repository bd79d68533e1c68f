package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/designer"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/views"
)

// handleVersionDiff compares two stored versions of a machine (?from=N&to=M; by default the
// latest with the one before).
func (s *Server) handleVersionDiff(c echo.Context) error {
	ctx := c.Request().Context()
	m, err := s.findMachine(c)
	if err != nil {
		return err
	}
	to, err := versionParam(c, "to", m.Version)
	if err != nil {
		return err
	}
	from, err := versionParam(c, "from", max(1, to-1))
	if err != nil {
		return err
	}
	older, err := s.revision(c, m, from)
	if err != nil {
		return err
	}
	newer, err := s.revision(c, m, to)
	if err != nil {
		return err
	}
	graph, diff, err := s.compareDefinitions(ctx, older.Definition, newer.Definition)
	if err != nil {
		return err
	}
	revisions, err := s.cfg.Store.FindMachineRevisions(ctx, m.ID)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.VersionDiff(views.VersionDiffData{
		Machine: newer, From: from, To: to, Revisions: revisions, Graph: graph, Diff: diff,
	}))
}

// versionParam reads a version number from the query, def when absent.
func versionParam(c echo.Context, name string, def int) (int, error) {
	v := c.QueryParam(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, badRequest(fmt.Sprintf("%q is not a version number: give %s=1 or more.", v, name))
	}
	return n, nil
}

// revision finds version n of machine m, a clear 404 when it has none.
func (s *Server) revision(c echo.Context, m resource.StateMachine, n int) (resource.StateMachine, error) {
	r, err := s.cfg.Store.FindMachineRevision(c.Request().Context(), m.ID, n)
	if errors.Is(err, resource.ErrNotFound) {
		return r, notFound(fmt.Sprintf("%q has no version %d; its versions are 1 to %d.", m.Name, n, m.Version))
	}
	return r, err
}

// compareDefinitions compares two definitions as the version diff shows them: the newer one's
// graph with its added and changed states marked, and the diff. The deploy preview compares
// the target's definition with the local one the same way.
func (s *Server) compareDefinitions(ctx context.Context, older, newer []byte) ([]byte, designer.VersionDiff, error) {
	diff, err := designer.DiffVersions(older, newer)
	if err != nil {
		return nil, diff, badRequest(fmt.Sprintf("The definitions cannot be compared: %v", err))
	}
	svg, err := s.cfg.Graphs.RenderSVG(ctx, newer)
	if err != nil {
		return nil, diff, err
	}
	return views.MarkDiff(svg, diff), diff, nil
}
