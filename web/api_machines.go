package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
)

// The state machine actions. A save of the studio's pages and an UpdateStateMachine are the
// same thing, a new revision (revisionId); PublishStateMachineVersion, or publish: true,
// freezes a revision as the next numbered version (api_versions.go).

type tracingConfiguration struct {
	Enabled bool `json:"enabled"`
}

type createStateMachineRequest struct {
	Name                    string                `json:"name"`
	Definition              string                `json:"definition"`
	RoleArn                 string                `json:"roleArn"`
	Type                    string                `json:"type"`
	LoggingConfiguration    json.RawMessage       `json:"loggingConfiguration"`
	TracingConfiguration    *tracingConfiguration `json:"tracingConfiguration"`
	EncryptionConfiguration json.RawMessage       `json:"encryptionConfiguration"`
	Tags                    []apiTag              `json:"tags"`
	Publish                 bool                  `json:"publish"`
	VersionDescription      string                `json:"versionDescription"`
}

type createStateMachineResponse struct {
	StateMachineArn        string `json:"stateMachineArn"`
	CreationDate           epoch  `json:"creationDate"`
	StateMachineVersionArn string `json:"stateMachineVersionArn,omitempty"`
}

func (s *Server) apiCreateStateMachine(ctx context.Context, req *createStateMachineRequest) (createStateMachineResponse, error) {
	var out createStateMachineResponse
	if err := firstOf(required("name", req.Name), required("definition", req.Definition), required("roleArn", req.RoleArn)); err != nil {
		return out, err
	}
	if err := runtime.CheckName("state machine", req.Name); err != nil {
		return out, newAPIError("InvalidName", fmt.Sprintf("Invalid Name: '%s' (%v)", clip(req.Name, 100), err))
	}
	if req.Type == "" {
		req.Type = "STANDARD"
	}
	if req.Type != "STANDARD" && req.Type != "EXPRESS" {
		return out, invalidValue("type", req.Type, "Member must satisfy enum value set: [STANDARD, EXPRESS]")
	}
	if err := checkRoleARN(req.RoleArn); err != nil {
		return out, err
	}
	if err := checkDefinition([]byte(req.Definition), req.Type); err != nil {
		return out, err
	}
	logging, err := loggingOf(req.LoggingConfiguration)
	if err != nil {
		return out, err
	}
	if err := checkTags(req.Tags); err != nil {
		return out, err
	}
	m := resource.StateMachine{Name: req.Name, ARN: s.machineARN(req.Name), Type: req.Type, Definition: []byte(req.Definition),
		RoleARN: req.RoleArn, Logging: logging, Tracing: req.TracingConfiguration != nil && req.TracingConfiguration.Enabled,
		Description: req.VersionDescription}
	if req.Publish {
		m.Published = 1
	}
	created, err := s.cfg.Store.CreateMachine(ctx, m)
	if errors.Is(err, resource.ErrExists) {
		// CreateStateMachine is idempotent: the same name with the same configuration is
		// the machine that exists.
		old, ferr := s.cfg.Store.FindMachine(ctx, req.Name)
		if ferr != nil {
			return out, ferr
		}
		if string(old.Definition) != req.Definition || old.RoleARN != req.RoleArn || old.Type != req.Type {
			return out, newAPIError("StateMachineAlreadyExists", fmt.Sprintf("State Machine Already Exists: '%s'", old.ARN))
		}
		out = createStateMachineResponse{StateMachineArn: old.ARN, CreationDate: epoch(old.CreatedAt)}
		if req.Publish && old.Published > 0 {
			out.StateMachineVersionArn = versionARN(old)
		}
		return out, nil
	}
	if err != nil {
		return out, err
	}
	if len(req.Tags) > 0 {
		if err := s.cfg.Store.TagResource(ctx, created.ARN, tagsOf(req.Tags), maxTags); err != nil {
			return out, err
		}
	}
	out = createStateMachineResponse{StateMachineArn: created.ARN, CreationDate: epoch(created.CreatedAt)}
	if created.Published > 0 {
		out.StateMachineVersionArn = versionARN(created)
	}
	return out, nil
}

// checkRoleARN refuses a roleArn that is not an IAM role's ARN. The studio runs no task as
// the role; it keeps it for the way back to AWS.
func checkRoleARN(arn string) error {
	f := strings.SplitN(arn, ":", 6)
	if len(f) < 6 || f[0] != "arn" || f[2] != "iam" || !strings.HasPrefix(f[5], "role/") {
		return newAPIError("InvalidArn", fmt.Sprintf("Invalid Role Arn: '%s'", clip(arn, 200)))
	}
	return nil
}

// checkDefinition is the InvalidDefinition of a definition that cannot run, worded as AWS
// words it: each problem quoted with its location.
func checkDefinition(definition []byte, machineType string) error {
	if len(definition) > maxDefinitionBytes {
		return newAPIError("InvalidDefinition", fmt.Sprintf("Invalid State Machine Definition: 'the definition is %d bytes; at most %d are allowed'", len(definition), maxDefinitionBytes))
	}
	def, err := runtime.Parse(definition)
	var de *runtime.DefinitionError
	if errors.As(err, &de) {
		problems := make([]string, len(de.Diagnostics))
		for i, d := range de.Diagnostics {
			problems[i] = "'" + d.Code + ": " + d.Message
			if d.Location != "" {
				problems[i] += " at " + d.Location
			}
			problems[i] += "'"
		}
		return newAPIError("InvalidDefinition", "Invalid State Machine Definition: "+strings.Join(problems, ", "))
	}
	if err != nil {
		return newAPIError("InvalidDefinition", "Invalid State Machine Definition: '"+err.Error()+"'")
	}
	if machineType == "EXPRESS" && def.WaitsForTaskToken() {
		return newAPIError("InvalidDefinition", "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Express state machine does not support '.waitForTaskToken' service integration or activities'")
	}
	return nil
}

// loggingOf keeps a loggingConfiguration as given, after checking its level.
func loggingOf(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var lc struct {
		Level string `json:"level"`
	}
	if err := json.Unmarshal(raw, &lc); err != nil {
		return "", newAPIError("InvalidLoggingConfiguration", "The loggingConfiguration must be an object: "+err.Error())
	}
	if lc.Level != "" && !slices.Contains([]string{"ALL", "ERROR", "FATAL", "OFF"}, lc.Level) {
		return "", newAPIError("InvalidLoggingConfiguration", fmt.Sprintf("Invalid Logging Configuration: the level %q is not one of ALL, ERROR, FATAL and OFF.", lc.Level))
	}
	return string(raw), nil
}

// loggingConfigurationOf is what Describe* answers: as given, or logging off.
func loggingConfigurationOf(m resource.StateMachine) json.RawMessage {
	if m.Logging == "" {
		return json.RawMessage(`{"level":"OFF","includeExecutionData":false}`)
	}
	return json.RawMessage(m.Logging)
}

func firstOf(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

type stateMachineRef struct {
	StateMachineArn string `json:"stateMachineArn"`
	IncludedData    string `json:"includedData"`
}

type describeStateMachineResponse struct {
	StateMachineArn      string               `json:"stateMachineArn"`
	Name                 string               `json:"name"`
	Status               string               `json:"status"`
	Definition           string               `json:"definition"`
	RoleArn              string               `json:"roleArn"`
	Type                 string               `json:"type"`
	CreationDate         epoch                `json:"creationDate"`
	LoggingConfiguration json.RawMessage      `json:"loggingConfiguration"`
	TracingConfiguration tracingConfiguration `json:"tracingConfiguration"`
	RevisionID           string               `json:"revisionId"`
	Description          string               `json:"description,omitempty"`
}

func (s *Server) apiDescribeStateMachine(ctx context.Context, req *stateMachineRef) (describeStateMachineResponse, error) {
	if err := required("stateMachineArn", req.StateMachineArn); err != nil {
		return describeStateMachineResponse{}, err
	}
	m, err := s.machineOrVersion(ctx, req.StateMachineArn)
	if err != nil {
		return describeStateMachineResponse{}, err
	}
	out := describeOf(m)
	if m.Published > 0 && req.StateMachineArn != m.ARN {
		out.StateMachineArn, out.CreationDate, out.Description = versionARN(m), epoch(m.PublishedAt), m.Description
	}
	return out, nil
}

func describeOf(m resource.StateMachine) describeStateMachineResponse {
	status := "ACTIVE"
	if m.Deleting {
		status = "DELETING"
	}
	return describeStateMachineResponse{StateMachineArn: m.ARN, Name: m.Name, Status: status, Definition: string(m.Definition),
		RoleArn: m.RoleARN, Type: m.Type, CreationDate: epoch(m.CreatedAt), LoggingConfiguration: loggingConfigurationOf(m),
		TracingConfiguration: tracingConfiguration{Enabled: m.Tracing}, RevisionID: strconv.FormatInt(m.VersionID, 10)}
}

// machineOrVersion finds the machine (at its latest revision) or the published version an
// ARN names: StateMachineDoesNotExist when it names nothing.
func (s *Server) machineOrVersion(ctx context.Context, arn string) (resource.StateMachine, error) {
	a, err := parseStepsARN("stateMachineArn", arn, "stateMachine")
	if err != nil {
		return resource.StateMachine{}, err
	}
	if len(a.parts) > 2 {
		return resource.StateMachine{}, newAPIError("InvalidArn", fmt.Sprintf("Invalid Arn: '%s'", clip(arn, 200)))
	}
	m, err := s.machineNamed(ctx, a, arn)
	if err != nil || len(a.parts) == 1 {
		return m, err
	}
	n, perr := strconv.Atoi(a.parts[1])
	if perr != nil || n < 1 {
		return m, newAPIError("InvalidArn", fmt.Sprintf("Invalid Arn: '%s' (a version ARN ends in the version's number)", clip(arn, 200)))
	}
	v, err := s.cfg.Store.FindPublishedVersion(ctx, m.ID, n)
	if errors.Is(err, resource.ErrNotFound) {
		return v, machineDoesNotExist(arn)
	}
	return v, err
}

// machineNamed finds the machine of a parsed state machine ARN at its latest revision.
func (s *Server) machineNamed(ctx context.Context, a stepsARN, arn string) (resource.StateMachine, error) {
	if !s.isOurs(a) {
		return resource.StateMachine{}, machineDoesNotExist(arn)
	}
	m, err := s.cfg.Store.FindMachine(ctx, a.parts[0])
	if errors.Is(err, resource.ErrNotFound) {
		return m, machineDoesNotExist(arn)
	}
	return m, err
}

// machine finds the machine an unqualified state machine ARN names.
func (s *Server) machine(ctx context.Context, field, arn string) (resource.StateMachine, error) {
	if err := required(field, arn); err != nil {
		return resource.StateMachine{}, err
	}
	a, err := parseStepsARN(field, arn, "stateMachine")
	if err != nil {
		return resource.StateMachine{}, err
	}
	if len(a.parts) != 1 {
		return resource.StateMachine{}, newAPIError("ValidationException",
			fmt.Sprintf("Invalid Arn: '%s': this action takes the state machine's ARN, without a version or an alias", clip(arn, 200)))
	}
	return s.machineNamed(ctx, a, arn)
}

func machineDoesNotExist(arn string) error {
	return newAPIError("StateMachineDoesNotExist", fmt.Sprintf("State Machine Does Not Exist: '%s'", clip(arn, 200)))
}

type listStateMachinesRequest struct {
	MaxResults int    `json:"maxResults"`
	NextToken  string `json:"nextToken"`
}

type stateMachineListItem struct {
	StateMachineArn string `json:"stateMachineArn"`
	Name            string `json:"name"`
	Type            string `json:"type"`
	CreationDate    epoch  `json:"creationDate"`
}

type listStateMachinesResponse struct {
	StateMachines []stateMachineListItem `json:"stateMachines"`
	NextToken     string                 `json:"nextToken,omitempty"`
}

func (s *Server) apiListStateMachines(ctx context.Context, req *listStateMachinesRequest) (listStateMachinesResponse, error) {
	out := listStateMachinesResponse{StateMachines: []stateMachineListItem{}}
	machines, err := s.cfg.Store.FindMachines(ctx)
	if err != nil {
		return out, err
	}
	page, next, err := pageOf(machines, req.MaxResults, req.NextToken, "machines")
	if err != nil {
		return out, err
	}
	for _, m := range page {
		out.StateMachines = append(out.StateMachines, stateMachineListItem{StateMachineArn: m.ARN, Name: m.Name, Type: m.Type, CreationDate: epoch(m.CreatedAt)})
	}
	out.NextToken = next
	return out, nil
}

// pageOf cuts one page out of a whole list by the offset its nextToken holds.
func pageOf[T any](all []T, maxResults int, token, kind string) ([]T, string, error) {
	size, err := pageSize(maxResults, 100)
	if err != nil {
		return nil, "", err
	}
	var from int64
	if token != "" {
		if from, err = readPageToken(kind, token); err != nil {
			return nil, "", err
		}
	}
	if from > int64(len(all)) {
		return nil, "", nil
	}
	end := min(int(from)+size, len(all))
	next := ""
	if end < len(all) {
		next = pageToken(kind, int64(end))
	}
	return all[from:end], next, nil
}

type updateStateMachineRequest struct {
	StateMachineArn         string                `json:"stateMachineArn"`
	Definition              string                `json:"definition"`
	RoleArn                 string                `json:"roleArn"`
	LoggingConfiguration    json.RawMessage       `json:"loggingConfiguration"`
	TracingConfiguration    *tracingConfiguration `json:"tracingConfiguration"`
	EncryptionConfiguration json.RawMessage       `json:"encryptionConfiguration"`
	Publish                 bool                  `json:"publish"`
	VersionDescription      string                `json:"versionDescription"`
}

type updateStateMachineResponse struct {
	UpdateDate             epoch  `json:"updateDate"`
	RevisionID             string `json:"revisionId"`
	StateMachineVersionArn string `json:"stateMachineVersionArn,omitempty"`
}

func (s *Server) apiUpdateStateMachine(ctx context.Context, req *updateStateMachineRequest) (updateStateMachineResponse, error) {
	var out updateStateMachineResponse
	m, err := s.machine(ctx, "stateMachineArn", req.StateMachineArn)
	if err != nil {
		return out, err
	}
	if req.Definition == "" && req.RoleArn == "" && len(req.LoggingConfiguration) == 0 && req.TracingConfiguration == nil {
		return out, newAPIError("MissingRequiredParameter", "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified")
	}
	if m.Deleting {
		return out, newAPIError("StateMachineDeleting", fmt.Sprintf("State Machine is being deleted: '%s'", m.ARN))
	}
	if req.Definition != "" {
		if err := checkDefinition([]byte(req.Definition), m.Type); err != nil {
			return out, err
		}
		m.Definition = []byte(req.Definition)
	}
	if req.RoleArn != "" {
		if err := checkRoleARN(req.RoleArn); err != nil {
			return out, err
		}
		m.RoleARN = req.RoleArn
	}
	if len(req.LoggingConfiguration) > 0 {
		if m.Logging, err = loggingOf(req.LoggingConfiguration); err != nil {
			return out, err
		}
	}
	if req.TracingConfiguration != nil {
		m.Tracing = req.TracingConfiguration.Enabled
	}
	m.Description = req.VersionDescription
	saved, err := s.cfg.Store.SaveMachineRevision(ctx, m, req.Publish)
	if err != nil {
		return out, err
	}
	out = updateStateMachineResponse{UpdateDate: epoch(saved.UpdatedAt), RevisionID: strconv.FormatInt(saved.VersionID, 10)}
	if saved.Published > 0 {
		out.StateMachineVersionArn = versionARN(saved)
	}
	return out, nil
}

func (s *Server) apiDeleteStateMachine(ctx context.Context, req *stateMachineRef) (struct{}, error) {
	if err := required("stateMachineArn", req.StateMachineArn); err != nil {
		return struct{}{}, err
	}
	a, err := parseStepsARN("stateMachineArn", req.StateMachineArn, "stateMachine")
	if err != nil {
		return struct{}{}, err
	}
	if len(a.parts) != 1 {
		return struct{}{}, newAPIError("ValidationException", "Invalid Arn: to delete a version use DeleteStateMachineVersion, to delete an alias DeleteStateMachineAlias")
	}
	m, err := s.machineNamed(ctx, a, req.StateMachineArn)
	if err != nil {
		// Deleting a machine that is not there is done, as on AWS.
		var ae *apiError
		if errors.As(err, &ae) && ae.code == "StateMachineDoesNotExist" {
			return struct{}{}, nil
		}
		return struct{}{}, err
	}
	_, err = s.cfg.Store.DeleteMachine(ctx, m.ID)
	return struct{}{}, err
}

type describeStateMachineForExecutionResponse struct {
	StateMachineArn      string               `json:"stateMachineArn"`
	Name                 string               `json:"name"`
	Definition           string               `json:"definition"`
	RoleArn              string               `json:"roleArn"`
	UpdateDate           epoch                `json:"updateDate"`
	LoggingConfiguration json.RawMessage      `json:"loggingConfiguration"`
	TracingConfiguration tracingConfiguration `json:"tracingConfiguration"`
	RevisionID           string               `json:"revisionId"`
}

func (s *Server) apiDescribeStateMachineForExecution(ctx context.Context, req *executionRef) (describeStateMachineForExecutionResponse, error) {
	var out describeStateMachineForExecutionResponse
	e, err := s.execution(ctx, req.ExecutionArn)
	if err != nil {
		return out, err
	}
	m, err := s.cfg.Store.FindMachineVersion(ctx, e.VersionID)
	if err != nil {
		return out, err
	}
	return describeStateMachineForExecutionResponse{StateMachineArn: m.ARN, Name: m.Name, Definition: string(m.Definition),
		RoleArn: m.RoleARN, UpdateDate: epoch(m.UpdatedAt), LoggingConfiguration: loggingConfigurationOf(m),
		TracingConfiguration: tracingConfiguration{Enabled: m.Tracing}, RevisionID: strconv.FormatInt(m.VersionID, 10)}, nil
}

type validateRequest struct {
	Definition string `json:"definition"`
	Type       string `json:"type"`
	Severity   string `json:"severity"`
	MaxResults int    `json:"maxResults"`
}

type apiDiagnostic struct {
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Message  string `json:"message"`
	Location string `json:"location,omitempty"`
}

type validateResponse struct {
	Result      string          `json:"result"`
	Diagnostics []apiDiagnostic `json:"diagnostics"`
	Truncated   bool            `json:"truncated"`
}

// apiValidateStateMachineDefinition runs the validator that Create and Update and the
// designer use, and answers its diagnostics.
func (s *Server) apiValidateStateMachineDefinition(ctx context.Context, req *validateRequest) (validateResponse, error) {
	out := validateResponse{Result: "OK", Diagnostics: []apiDiagnostic{}}
	if err := required("definition", req.Definition); err != nil {
		return out, err
	}
	if req.Type != "" && req.Type != "STANDARD" && req.Type != "EXPRESS" {
		return out, invalidValue("type", req.Type, "Member must satisfy enum value set: [STANDARD, EXPRESS]")
	}
	if req.Severity == "" {
		req.Severity = runtime.SeverityError
	}
	if req.Severity != runtime.SeverityError && req.Severity != runtime.SeverityWarning {
		return out, invalidValue("severity", req.Severity, "Member must satisfy enum value set: [ERROR, WARNING]")
	}
	if req.MaxResults < 0 || req.MaxResults > 100 {
		return out, invalidValue("maxResults", req.MaxResults, "Member must have value less than or equal to 100 and greater than or equal to 0")
	}
	limit := req.MaxResults
	if limit == 0 {
		limit = 100
	}
	for _, d := range runtime.Validate([]byte(req.Definition)) {
		if d.Severity == runtime.SeverityError {
			out.Result = "FAIL"
		} else if req.Severity == runtime.SeverityError {
			continue
		}
		if len(out.Diagnostics) == limit {
			out.Truncated = true
			continue
		}
		out.Diagnostics = append(out.Diagnostics, apiDiagnostic{Severity: d.Severity, Code: d.Code, Message: d.Message, Location: d.Location})
	}
	return out, nil
}
