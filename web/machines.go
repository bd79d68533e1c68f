package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/stepstudio/stepstudio/designer"
	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/views"
)

// maxDefinitionBytes is AWS's limit on the size of a state machine definition.
const maxDefinitionBytes = 1 << 20

// exampleDefinition is what a new state machine starts from when the user gives none: a small
// approval flow that shows each part of the studio (a callback task, a choice, both endings).
const exampleDefinition = `{
  "Comment": "An order waits for a human approval, then ships or is refused.",
  "StartAt": "Prepare",
  "States": {
    "Prepare": {
      "Type": "Pass",
      "Parameters": {
        "orderId.$": "$.orderId",
        "amount.$": "$.amount"
      },
      "Next": "Approve"
    },
    "Approve": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {
        "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/approvals",
        "MessageBody": {
          "orderId.$": "$.orderId",
          "amount.$": "$.amount",
          "token.$": "$$.Task.Token"
        }
      },
      "ResultPath": "$.decision",
      "Next": "Approved?"
    },
    "Approved?": {
      "Type": "Choice",
      "Choices": [
        {
          "Variable": "$.decision.approved",
          "BooleanEquals": true,
          "Next": "Ship"
        }
      ],
      "Default": "Refused"
    },
    "Ship": {
      "Type": "Succeed"
    },
    "Refused": {
      "Type": "Fail",
      "Error": "OrderRefused",
      "Cause": "The approver refused the order."
    }
  }
}
`

// blankDefinition is where "Start blank in the designer" begins: one state, since a state
// machine needs at least one; the designer grows it by drops onto its arrows. It is named
// for what it is, not "Start", which the graph's Start marker already says.
const blankDefinition = `{
  "StartAt": "First step",
  "States": {
    "First step": {
      "Type": "Pass",
      "End": true
    }
  }
}
`

func (s *Server) handleHome(c echo.Context) error {
	return s.renderHome(c, http.StatusOK, views.CreateForm{}, nil)
}

func (s *Server) renderHome(c echo.Context, status int, form views.CreateForm, problems []string) error {
	machines, err := s.cfg.Store.FindMachines(c.Request().Context())
	if err != nil {
		return err
	}
	d := views.HomeData{Machines: machines, Form: form, Problems: problems}
	if s.deploys() {
		// One query for every machine's deployments: the badges cost no call per machine.
		deployments, err := s.cfg.Targets.FindDeployments(c.Request().Context(), 0)
		if err != nil {
			return err
		}
		d.Deployed = deployBadges(machines, deployments)
	}
	return render(c, status, views.Home(d))
}

func (s *Server) handleMachineCreate(c echo.Context) error {
	ctx := c.Request().Context()
	form := views.CreateForm{Name: c.FormValue("name"), Definition: c.FormValue("definition"), Type: c.FormValue("type")}
	blank := c.FormValue("start") == "blank"
	definition, given, err := definitionFromForm(c, form.Definition)
	if err != nil {
		return s.renderHome(c, http.StatusBadRequest, form, []string{err.Error()})
	}
	if !given { // the example, or one state for the designer
		definition = []byte(exampleDefinition)
		if blank {
			definition = []byte(blankDefinition)
		}
	}
	definition, yamlSource, err := fromYAML(definition)
	if err != nil {
		form.Definition = string(definition)
		return s.renderHome(c, http.StatusBadRequest, form, []string{err.Error()})
	}
	if form.Type == "" {
		form.Type = "STANDARD"
	}
	if form.Type != "STANDARD" && form.Type != "EXPRESS" {
		return s.renderHome(c, http.StatusBadRequest, form, []string{fmt.Sprintf("The type %q is not one of STANDARD and EXPRESS.", form.Type)})
	}
	if err := runtime.CheckName("state machine", form.Name); err != nil {
		return s.renderHome(c, http.StatusBadRequest, form, []string{err.Error()})
	}
	if _, err := runtime.Parse(definition); err != nil {
		form.Definition = string(definition)
		return s.renderHome(c, http.StatusUnprocessableEntity, form, problemsOf(err))
	}
	_, err = s.cfg.Store.CreateMachine(ctx, resource.StateMachine{
		Name:       form.Name,
		ARN:        s.machineARN(form.Name),
		Type:       form.Type,
		Definition: definition,
		YAMLSource: yamlSource,
	})
	if errors.Is(err, resource.ErrExists) {
		form.Definition = string(definition)
		return s.renderHome(c, http.StatusConflict, form,
			[]string{fmt.Sprintf("A state machine named %q already exists; choose another name.", form.Name)})
	}
	if err != nil {
		return err
	}
	if blank {
		return c.Redirect(http.StatusSeeOther, views.MachineURL(form.Name)+"/design")
	}
	return c.Redirect(http.StatusSeeOther, views.MachineURL(form.Name))
}

// fromYAML converts a definition given as YAML into the JSON the studio stores, and returns
// the YAML to keep beside it; JSON is returned as it is, with no YAML.
func fromYAML(text []byte) (definition, yamlSource []byte, err error) {
	if designer.LooksLikeJSON(text) {
		return text, nil, nil
	}
	definition, err = designer.JSONFromYAML(text)
	if err != nil {
		return text, nil, fmt.Errorf("The definition is neither JSON nor ASL in YAML: %w.", err)
	}
	return definition, text, nil
}

// definitionFromForm takes the uploaded file if there is one, else the pasted text; given
// is false when the form has neither. A file that is empty or cannot be read is an error:
// the user gave a definition, and nothing else may be stored in its place.
func definitionFromForm(c echo.Context, pasted string) (definition []byte, given bool, err error) {
	fh, err := c.FormFile("file")
	switch {
	case err == nil:
		definition, err = readUpload(fh)
		return definition, true, err
	case !errors.Is(err, http.ErrMissingFile) && !errors.Is(err, http.ErrNotMultipart):
		return nil, true, fmt.Errorf("The uploaded file could not be read: %v", err)
	}
	if len(bytes.TrimSpace([]byte(pasted))) == 0 {
		return nil, false, nil
	}
	if len(pasted) > maxDefinitionBytes {
		return nil, true, fmt.Errorf("The definition is %d bytes; a definition may be at most %d bytes.", len(pasted), maxDefinitionBytes)
	}
	return []byte(pasted), true, nil
}

// readUpload reads an uploaded definition file.
func readUpload(fh *multipart.FileHeader) ([]byte, error) {
	if fh.Size == 0 {
		return nil, fmt.Errorf("The file %q is empty; choose the file of a definition, or no file to start from the example.", fh.Filename)
	}
	if fh.Size > maxDefinitionBytes {
		return nil, fmt.Errorf("The file %q is %d bytes; a definition may be at most %d bytes.", fh.Filename, fh.Size, maxDefinitionBytes)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, fmt.Errorf("The file %q could not be read: %v", fh.Filename, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("The file %q could not be read: %v", fh.Filename, err)
	}
	return b, nil
}

// problemsOf turns a definition error into lines that each name the state and field.
func problemsOf(err error) []string {
	var de *runtime.DefinitionError
	if !errors.As(err, &de) {
		return []string{err.Error()}
	}
	var out []string
	for _, d := range de.Diagnostics {
		if d.Severity != "ERROR" {
			continue
		}
		line := d.Message
		if d.Location != "" {
			line = d.Location + ": " + line
		}
		out = append(out, line+" ["+d.Code+"]")
	}
	if len(out) == 0 {
		out = []string{err.Error()}
	}
	return out
}

func (s *Server) machineARN(name string) string {
	return fmt.Sprintf("arn:aws:states:%s:%s:stateMachine:%s", s.cfg.Region, s.cfg.AccountID, name)
}

func (s *Server) findMachine(c echo.Context) (resource.StateMachine, error) {
	name := c.Param("name")
	if unescaped, err := url.PathUnescape(name); err == nil {
		name = unescaped
	}
	m, err := s.cfg.Store.FindMachine(c.Request().Context(), name)
	if errors.Is(err, resource.ErrNotFound) {
		return m, notFound(fmt.Sprintf("There is no state machine named %q.", name))
	}
	return m, err
}

func (s *Server) handleMachineShow(c echo.Context) error {
	m, err := s.findMachine(c)
	if err != nil {
		return err
	}
	d := views.MachineData{Machine: m, Definition: string(m.Definition)}
	if v := c.QueryParam("saved"); v != "" {
		d.Notice = "Saved as version " + v + "."
	}
	if c.QueryParam("unchanged") != "" {
		d.Notice = "Nothing changed; the definition is as stored."
	}
	if c.QueryParam("pulled") != "" {
		d.Notice = pullNotice(c.QueryParams(), m)
	}
	return s.renderMachine(c, http.StatusOK, d)
}

// renderMachine fills in what every rendering of the machine page needs: the graph of the
// stored version, recent executions, the last input used, and the published versions and
// aliases.
func (s *Server) renderMachine(c echo.Context, status int, d views.MachineData) error {
	ctx := c.Request().Context()
	svg, err := s.cfg.Graphs.RenderSVG(ctx, d.Machine.Definition)
	if err != nil {
		return err
	}
	d.Graph = svg
	d.TestCases = s.testCases(d.Machine)
	if d.Executions, err = s.cfg.Store.FindExecutions(ctx, d.Machine.ID, 20); err != nil {
		return err
	}
	if d.Versions, err = s.cfg.Store.FindPublishedVersions(ctx, d.Machine.ID); err != nil {
		return err
	}
	if d.Aliases, err = s.cfg.Store.FindAliases(ctx, d.Machine.ID); err != nil {
		return err
	}
	if d.Revisions, err = s.cfg.Store.FindMachineRevisions(ctx, d.Machine.ID); err != nil {
		return err
	}
	if s.deploys() {
		d.TargetsConfigured = true
		if d.Targets, err = s.cfg.Targets.FindTargets(ctx); err != nil {
			return err
		}
		deployments, err := s.cfg.Targets.FindDeployments(ctx, d.Machine.ID)
		if err != nil {
			return err
		}
		d.Deployments = views.DeploymentRows(d.Machine, deployments)
		if target := c.QueryParam("deployed"); target != "" && d.Notice == "" {
			d.Notice = deployNotice(d, target)
		}
	}
	if d.RunInput == "" {
		d.RunInput = "{}"
		if len(d.Executions) > 0 {
			d.RunInput = string(d.Executions[0].Input)
		}
	}
	return render(c, status, views.Machine(d))
}

func (s *Server) handleMachineUpdate(c echo.Context) error {
	m, err := s.findMachine(c)
	if err != nil {
		return err
	}
	text := c.FormValue("definition")
	if len(text) > maxDefinitionBytes {
		return s.renderMachine(c, http.StatusRequestEntityTooLarge, views.MachineData{Machine: m, Definition: text,
			Problems: []string{fmt.Sprintf("The definition is %d bytes; a definition may be at most %d bytes.", len(text), maxDefinitionBytes)}})
	}
	definition, yamlSource, err := fromYAML([]byte(text))
	if err != nil {
		return s.renderMachine(c, http.StatusBadRequest, views.MachineData{Machine: m, Definition: text, Problems: []string{err.Error()}})
	}
	if _, err := runtime.Parse(definition); err != nil {
		return s.renderMachine(c, http.StatusUnprocessableEntity, views.MachineData{Machine: m, Definition: text, Problems: problemsOf(err)})
	}
	if string(definition) == string(m.Definition) {
		return c.Redirect(http.StatusSeeOther, views.MachineURL(m.Name)+"?unchanged=1")
	}
	var updated resource.StateMachine
	if yamlSource != nil {
		updated, err = s.cfg.Store.UpdateMachineYAML(c.Request().Context(), m.Name, definition, yamlSource)
	} else {
		updated, err = s.cfg.Store.UpdateMachine(c.Request().Context(), m.Name, definition)
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, views.MachineURL(m.Name)+"?saved="+strconv.Itoa(updated.Version))
}

func (s *Server) handleMachineDefinition(c echo.Context) error {
	m, err := s.findMachine(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", m.Name+".asl.json"))
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, m.Definition)
}

// handleMachineYAML downloads the definition as YAML: over the YAML the machine was given as,
// when it was, so that its comments and layout stay.
func (s *Server) handleMachineYAML(c echo.Context) error {
	m, err := s.findMachine(c)
	if err != nil {
		return err
	}
	previous, err := s.cfg.Store.MachineYAML(c.Request().Context(), m.ID)
	if err != nil {
		return err
	}
	out, err := designer.YAMLOf(m.Definition, previous)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", m.Name+".asl.yaml"))
	return c.Blob(http.StatusOK, "application/yaml", out)
}

// templateFiles are the template formats a machine downloads as, with their file suffixes.
var templateFiles = map[string]string{
	designer.TemplateSAM:            ".sam.yaml",
	designer.TemplateCloudFormation: ".cfn.yaml",
}

// handleMachineTemplate downloads the definition as an AWS SAM (the default) or
// CloudFormation template, to deploy it as infrastructure as code.
func (s *Server) handleMachineTemplate(c echo.Context) error {
	format := c.QueryParam("format")
	if format == "" {
		format = designer.TemplateSAM
	}
	suffix, ok := templateFiles[format]
	if !ok {
		return badRequest(fmt.Sprintf("There is no template format %q: ask for format=sam or format=cloudformation.", format))
	}
	m, err := s.findMachine(c)
	if err != nil {
		return err
	}
	out, err := designer.Template(m.Definition, designer.TemplateOptions{Format: format, Name: m.Name, Type: m.Type})
	if errors.Is(err, designer.ErrNotDeployable) {
		return unprocessable("This definition cannot go in a SAM template: it has an object whose only key is Ref or Fn::..., " +
			"which SAM reads as a CloudFormation function call. The CloudFormation template holds it as a JSON string instead.")
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", m.Name+suffix))
	return c.Blob(http.StatusOK, "application/yaml", out)
}

func (s *Server) handleMachineSVG(c echo.Context) error {
	m, err := s.findMachine(c)
	if err != nil {
		return err
	}
	svg, err := s.cfg.Graphs.RenderSVG(c.Request().Context(), m.Definition)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, fmt.Sprintf("attachment; filename=%q", m.Name+".svg"))
	return c.Blob(http.StatusOK, "image/svg+xml", svg)
}
