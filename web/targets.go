package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/remote"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/views"
)

// The targets pages say and do what the command line's "stepstudio target", "deploy" and
// "pull" do, through the same remote.Studio and remote.CheckTarget.

// deploys reports a studio with targets (the tests' servers may have none).
func (s *Server) deploys() bool { return s.cfg.Targets != nil && s.cfg.Remote != nil }

var errNoTargets = notFound("Targets are not configured on this studio.")

func (s *Server) handleTargetList(c echo.Context) error {
	d := views.TargetsData{Configured: s.deploys()}
	if removed := c.QueryParam("removed"); removed != "" {
		d.Notice = fmt.Sprintf("Target %q removed, with the record of what was deployed to it.", removed)
	}
	if added := c.QueryParam("added"); added != "" {
		d.Notice = fmt.Sprintf("Target %q added.", added)
	}
	return s.renderTargets(c, http.StatusOK, d)
}

func (s *Server) renderTargets(c echo.Context, status int, d views.TargetsData) error {
	d.Admin = UserOf(c).Admin
	if d.Configured {
		var err error
		if d.Targets, err = s.cfg.Targets.FindTargets(c.Request().Context()); err != nil {
			return err
		}
	}
	return render(c, status, views.Targets(d))
}

// mayConfigureTargets refuses, with 403, a user who is not an admin: a target holds
// credentials and is an address the studio calls, so adding and removing one is an admin's
// (as "stepstudio target" needs the database). Every user may deploy and pull through them.
func mayConfigureTargets(c echo.Context) error {
	if UserOf(c).Admin {
		return nil
	}
	return &userError{status: http.StatusForbidden, title: "Forbidden", message: "Only an admin may add or remove targets."}
}

func (s *Server) handleTargetAdd(c echo.Context) error {
	if !s.deploys() {
		return errNoTargets
	}
	if err := mayConfigureTargets(c); err != nil {
		return err
	}
	f := views.TargetForm{Name: c.FormValue("name"), Endpoint: strings.TrimSpace(c.FormValue("endpoint")),
		Region: strings.TrimSpace(c.FormValue("region")), Credentials: c.FormValue("credentials"),
		Profile: strings.TrimSpace(c.FormValue("profile")), AccessKeyID: strings.TrimSpace(c.FormValue("access_key_id")),
		RoleARN: strings.TrimSpace(c.FormValue("role_arn"))}
	secret := c.FormValue("secret")
	t := resource.Target{Name: f.Name, Endpoint: f.Endpoint, Region: f.Region, RoleARN: f.RoleARN}
	refuse := func(status int, field, message string) error {
		return s.renderTargets(c, status, views.TargetsData{Configured: true, Form: f, Problems: map[string]string{field: message}})
	}
	// Only the chosen credentials count: a profile typed before choosing the key pair is
	// not sent along with it.
	switch f.Credentials {
	case "profile":
		if f.Profile == "" {
			return refuse(http.StatusBadRequest, "credentials", "credentials: give the profile's name, or choose another kind of credentials")
		}
		t.Profile = f.Profile
	case "keys":
		if f.AccessKeyID == "" || secret == "" {
			return refuse(http.StatusBadRequest, "credentials", "credentials: give the access key ID and its secret access key")
		}
		t.AccessKeyID = f.AccessKeyID
	default:
		secret = ""
	}
	if err := remote.CheckTarget(t); err != nil {
		var fe *remote.FieldError
		if !errors.As(err, &fe) {
			return err
		}
		field := fe.Field
		if field == "role ARN" {
			field = "role"
		}
		return refuse(http.StatusBadRequest, field, err.Error())
	}
	if _, err := s.cfg.Targets.CreateTarget(c.Request().Context(), t, secret); errors.Is(err, resource.ErrExists) {
		return refuse(http.StatusConflict, "name", fmt.Sprintf("name: there is already a target %q; choose another name, or remove that one first", t.Name))
	} else if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/targets?added="+url.QueryEscape(t.Name))
}

// targetParam is the :name of a target's address.
func targetParam(c echo.Context) string {
	name := c.Param("name")
	if unescaped, err := url.PathUnescape(name); err == nil {
		name = unescaped
	}
	return name
}

// findTarget finds the target of the address, a clear 404 when there is none.
func (s *Server) findTarget(ctx context.Context, name string) (resource.Target, error) {
	if !s.deploys() {
		return resource.Target{}, errNoTargets
	}
	t, err := s.cfg.Targets.FindTarget(ctx, name)
	if errors.Is(err, resource.ErrNotFound) {
		return t, notFound(fmt.Sprintf("There is no target named %q.", name))
	}
	return t, err
}

func (s *Server) handleTargetRemove(c echo.Context) error {
	if !s.deploys() {
		return errNoTargets
	}
	if err := mayConfigureTargets(c); err != nil {
		return err
	}
	name := targetParam(c)
	if err := s.cfg.Targets.DeleteTarget(c.Request().Context(), name); errors.Is(err, resource.ErrNotFound) {
		return notFound(fmt.Sprintf("There is no target named %q.", name))
	} else if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/targets?removed="+url.QueryEscape(name))
}

// handleTargetShow lists the target's machines beside the local ones of the same names.
func (s *Server) handleTargetShow(c echo.Context) error {
	t, err := s.findTarget(c.Request().Context(), targetParam(c))
	if err != nil {
		return err
	}
	return s.renderTarget(c, t, http.StatusOK, "")
}

// renderTarget shows a target's page; problem (with its status) says why the last pull failed.
// What the target answers with when it refuses or cannot be reached is said on the page, as
// a 502: the studio is fine, the target is not.
func (s *Server) renderTarget(c echo.Context, t resource.Target, status int, problem string) error {
	ctx := c.Request().Context()
	d := views.TargetMachinesData{Target: t, Problem: problem}
	machines, err := s.targetMachines(ctx, t.Name)
	if err != nil {
		st, message, ok := remoteProblem(err)
		if !ok {
			return err
		}
		if d.Problem == "" {
			status, d.Problem = st, message
		}
	}
	d.Machines = machines
	return render(c, status, views.TargetMachines(d))
}

// targetMachines lists the target's machines and compares each that is also here, byte for
// byte. Each comparison is a call to the target: fine for the tens of machines a target has.
func (s *Server) targetMachines(ctx context.Context, target string) ([]views.TargetMachine, error) {
	client, _, err := s.cfg.Remote.Client(ctx, target)
	if err != nil {
		return nil, err
	}
	names, err := client.MachineNames(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]views.TargetMachine, 0, len(names))
	for _, name := range names {
		tm := views.TargetMachine{Name: name}
		local, err := s.cfg.Store.FindMachine(ctx, name)
		switch {
		case errors.Is(err, resource.ErrNotFound):
		case err != nil:
			return nil, err
		default:
			there, err := client.FindMachine(ctx, name)
			if err != nil {
				return nil, err
			}
			tm.Local, tm.LocalVersion, tm.Differs = true, local.Version, !bytes.Equal(there.Definition, local.Definition)
		}
		out = append(out, tm)
	}
	return out, nil
}

// handleTargetPull brings a target's machine here (name, optionally as another name), then
// shows the local machine with what the pull did.
func (s *Server) handleTargetPull(c echo.Context) error {
	ctx := c.Request().Context()
	t, err := s.findTarget(ctx, targetParam(c))
	if err != nil {
		return err
	}
	name, as := c.FormValue("name"), strings.TrimSpace(c.FormValue("as"))
	if name == "" {
		return s.renderTarget(c, t, http.StatusBadRequest, "Name the target's machine to pull.")
	}
	if as != "" {
		if err := runtime.CheckName("state machine", as); err != nil {
			return s.renderTarget(c, t, http.StatusBadRequest, "Pull of "+name+": "+err.Error())
		}
	}
	p, err := s.cfg.Remote.Pull(ctx, t.Name, name, as)
	if err != nil {
		status, message, ok := remoteProblem(err)
		if !ok {
			return err
		}
		return s.renderTarget(c, t, status, "Pull of "+name+": "+message)
	}
	how := "version"
	switch {
	case p.Created:
		how = "created"
	case p.Unchanged:
		how = "unchanged"
	}
	q := url.Values{"pulled": {name}, "from": {t.Name}, "how": {how}}
	return c.Redirect(http.StatusSeeOther, views.MachineURL(p.Machine.Name)+"?"+q.Encode())
}

// pullNotice says what a pull did, from the machine page's query.
func pullNotice(q url.Values, m resource.StateMachine) string {
	name, from := q.Get("pulled"), q.Get("from")
	switch q.Get("how") {
	case "created":
		return fmt.Sprintf("Pulled %s from %s as a new machine %s.", name, from, m.Name)
	case "unchanged":
		return fmt.Sprintf("%s is already the same as on %s (version %d); nothing was added.", m.Name, from, m.Version)
	}
	return fmt.Sprintf("Pulled %s from %s as version %s.", name, from, strconv.Itoa(m.Version))
}

// refusedInput are the target's error codes for what the user typed (an alias name, a role).
var refusedInput = map[string]bool{"ValidationException": true, "InvalidName": true, "InvalidArn": true, "InvalidDefinition": true}

// remoteProblem says what went wrong with a target, and the status to answer with: a 502 for
// a target that refused or could not be reached, a 404 for something it or the studio does
// not have, a 400 for a deploy the client refused before calling (no role for a new
// machine, credentials that cannot be loaded). ok is false for the studio's own faults.
func remoteProblem(err error) (status int, message string, ok bool) {
	var re *remote.Error
	var ue *userError
	switch {
	case errors.As(err, &re) && refusedInput[re.Code]:
		return http.StatusBadRequest, err.Error(), true // the target refused what the user typed
	case errors.As(err, &re):
		return http.StatusBadGateway, err.Error(), true
	case remote.IsNoMachine(err), errors.Is(err, resource.ErrNotFound):
		return http.StatusNotFound, strings.TrimPrefix(err.Error(), "remote: "), true
	case errors.As(err, &ue):
		return ue.status, ue.message, true
	case errors.Is(err, remote.ErrNeedsRole), errors.Is(err, remote.ErrCredentials):
		return http.StatusBadRequest, strings.TrimPrefix(err.Error(), "remote: "), true
	}
	return 0, "", false
}
