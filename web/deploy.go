package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/runtime/remote"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/views"
)

// handleDeployPage previews a deploy of the machine to ?target=: new there, the same, or the
// version diff of the target's definition against the local one; then the form.
func (s *Server) handleDeployPage(c echo.Context) error {
	m, err := s.findMachine(c)
	if err != nil {
		return err
	}
	if c.QueryParam("target") == "" {
		return badRequest(fmt.Sprintf("Choose the target to deploy %s to: /machines/%s/deploy?target=NAME (see /targets).", m.Name, m.Name))
	}
	t, err := s.findTarget(c.Request().Context(), c.QueryParam("target"))
	if err != nil {
		return err
	}
	return s.renderDeploy(c, http.StatusOK, views.DeployData{Machine: m, Target: t, Form: views.DeployForm{RoleARN: t.RoleARN}})
}

// renderDeploy makes the plan and shows it with the form (d.Problem, with status, says why
// the last deploy was refused).
func (s *Server) renderDeploy(c echo.Context, status int, d views.DeployData) error {
	ctx := c.Request().Context()
	p, err := s.cfg.Remote.Plan(ctx, d.Machine.Name, d.Target.Name)
	if err != nil {
		st, message, ok := remoteProblem(err)
		if !ok {
			return err
		}
		if d.Problem == "" {
			status = st
		}
		d.PlanProblem = message
		return render(c, status, views.Deploy(d))
	}
	d.Machine, d.LocalOnly = p.Machine, p.LocalOnly
	switch {
	case p.Remote == nil:
		d.New = true
	case p.Same:
		d.Same, d.RemoteARN = true, p.Remote.ARN
	default:
		d.RemoteARN = p.Remote.ARN
		if d.Graph, d.Diff, err = s.compareDefinitions(ctx, p.Remote.Definition, p.Machine.Definition); err != nil {
			return err
		}
	}
	return render(c, status, views.Deploy(d))
}

// handleDeploy deploys the machine's latest version to the target, then shows the machine
// with the ARNs the deploy made; a refused deploy shows the preview again with why.
func (s *Server) handleDeploy(c echo.Context) error {
	ctx := c.Request().Context()
	m, err := s.findMachine(c)
	if err != nil {
		return err
	}
	t, err := s.findTarget(ctx, c.FormValue("target"))
	if err != nil {
		return err
	}
	form := views.DeployForm{Alias: c.FormValue("alias"), RoleARN: c.FormValue("role"), Description: c.FormValue("description")}
	if _, err := s.cfg.Remote.Deploy(ctx, m.Name, t.Name, remote.DeployOptions{Alias: form.Alias, RoleARN: form.RoleARN, Description: form.Description}); err != nil {
		status, message, ok := remoteProblem(err)
		if !ok {
			return err
		}
		return s.renderDeploy(c, status, views.DeployData{Machine: m, Target: t, Form: form, Problem: "The deploy was refused: " + message})
	}
	return c.Redirect(http.StatusSeeOther, views.MachineURL(m.Name)+"?deployed="+url.QueryEscape(t.Name))
}

// deployNotice says what the last deploy to target made, from the record of it.
func deployNotice(d views.MachineData, target string) string {
	for _, r := range d.Deployments {
		if r.TargetName != target {
			continue
		}
		n := fmt.Sprintf("Deployed version %d to %s: version %s", r.Revision, target, r.VersionARN)
		if r.AliasARN != "" {
			n += ", alias " + r.AliasARN
		}
		return n + "."
	}
	return ""
}

// deployBadges says, by machine ID, which targets hold each machine's latest definition.
func deployBadges(machines []resource.StateMachine, deployments []resource.Deployment) map[int64][]views.DeployBadge {
	latest := make(map[int64][]byte, len(machines))
	for _, m := range machines {
		latest[m.ID] = m.Definition
	}
	out := map[int64][]views.DeployBadge{}
	for _, d := range deployments {
		out[d.MachineID] = append(out[d.MachineID], views.DeployBadge{Target: d.TargetName, Current: string(d.Definition) == string(latest[d.MachineID])})
	}
	return out
}
