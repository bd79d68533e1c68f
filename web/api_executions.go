package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/views"
)

type startExecutionRequest struct {
	StateMachineArn string `json:"stateMachineArn"`
	Name            string `json:"name"`
	Input           string `json:"input"`
	TraceHeader     string `json:"traceHeader"`
	// parent is the execution whose states:startExecution task starts this one (nested.go).
	parent string
}

type startExecutionResponse struct {
	ExecutionArn string `json:"executionArn"`
	StartDate    epoch  `json:"startDate"`
}

func (s *Server) apiStartExecution(ctx context.Context, req *startExecutionRequest) (startExecutionResponse, error) {
	e, err := s.startThroughAPI(ctx, req, false)
	if err != nil {
		return startExecutionResponse{}, err
	}
	return startExecutionResponse{ExecutionArn: e.ARN, StartDate: epoch(e.StartedAt)}, nil
}

// startThroughAPI starts an execution of the machine, published version or alias the
// request names. An execution of the same name that runs with the same input is the one
// started (StartExecution is idempotent), any other of that name ExecutionAlreadyExists.
func (s *Server) startThroughAPI(ctx context.Context, req *startExecutionRequest, sync bool) (resource.Execution, error) {
	if err := required("stateMachineArn", req.StateMachineArn); err != nil {
		return resource.Execution{}, err
	}
	// Step Functions Local's way to pick a mock test case: "<machine ARN>#<test case>".
	machineARN, testCase, withCase := strings.Cut(req.StateMachineArn, "#")
	m, via, err := s.machineToRun(ctx, machineARN)
	if err != nil {
		return resource.Execution{}, err
	}
	if withCase {
		if err := s.checkTestCase(m, testCase); err != nil {
			return resource.Execution{}, newAPIError("ValidationException", err.Error())
		}
		via.TestCase = testCase
	}
	if m.Deleting {
		return resource.Execution{}, newAPIError("StateMachineDeleting", fmt.Sprintf("State Machine is being deleted: '%s'", m.ARN))
	}
	if sync && m.Type != "EXPRESS" {
		return resource.Execution{}, newAPIError("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine: StartSyncExecution runs EXPRESS state machines only.")
	}
	if req.Name == "" {
		req.Name = newExecutionName()
	}
	if err := runtime.CheckName("execution", req.Name); err != nil {
		return resource.Execution{}, newAPIError("InvalidName", fmt.Sprintf("Invalid Name: '%s' (%v)", clip(req.Name, 100), err))
	}
	input := []byte(req.Input)
	if len(bytes.TrimSpace(input)) == 0 {
		input = []byte("{}")
	}
	if len(input) > maxInputBytes {
		return resource.Execution{}, newAPIError("InvalidExecutionInput",
			fmt.Sprintf("Invalid State Machine Execution Input: 'the input is %d bytes; at most %d are allowed'", len(input), maxInputBytes))
	}
	if err := checkJSON(input); err != nil {
		return resource.Execution{}, newAPIError("InvalidExecutionInput", fmt.Sprintf("Invalid State Machine Execution Input: '%v'", err))
	}
	via.ARN, via.Name, via.Input, via.ParentARN = s.executionARN(m, req.Name), req.Name, input, req.parent
	e, err := s.cfg.Lifecycle.StartExecution(ctx, m, via)
	switch {
	case errors.Is(err, resource.ErrExists):
		old, ferr := s.cfg.Store.FindExecutionByARN(ctx, via.ARN)
		if ferr == nil && old.Status == runtime.StatusRunning && bytes.Equal(old.Input, input) {
			return old, nil
		}
		return e, newAPIError("ExecutionAlreadyExists", fmt.Sprintf("Execution Already Exists: '%s'", via.ARN))
	case errors.Is(err, runtime.ErrExpressCallback):
		return e, newAPIError("InvalidDefinition", "Invalid State Machine Definition: '"+err.Error()+"'")
	}
	return e, err
}

// machineToRun finds what a StartExecution's stateMachineArn names: the machine at its
// latest revision, a published version, or an alias, which picks one of its versions by
// weight. via carries the version and alias ARNs the execution records.
func (s *Server) machineToRun(ctx context.Context, arn string) (m resource.StateMachine, via resource.Execution, err error) {
	a, err := parseStepsARN("stateMachineArn", arn, "stateMachine")
	if err != nil {
		return m, via, err
	}
	if len(a.parts) > 2 {
		return m, via, newAPIError("InvalidArn", fmt.Sprintf("Invalid Arn: '%s'", clip(arn, 200)))
	}
	if len(a.parts) == 1 {
		m, err = s.machineNamed(ctx, a, arn)
		return m, via, err
	}
	if _, isNumber := versionNumber(a.parts[1]); isNumber {
		m, err = s.machineOrVersion(ctx, arn)
		via.VersionARN = arn
		return m, via, err
	}
	base, alias, err := s.alias(ctx, arn)
	if err != nil {
		return m, via, err
	}
	n := pickVersion(alias.Routing)
	if m, err = s.cfg.Store.FindPublishedVersion(ctx, base.ID, n); err != nil {
		return m, via, err
	}
	via.VersionARN, via.AliasARN = versionARN(m), arn
	return m, via, nil
}

// pickVersion chooses the version of an alias's routing an execution runs, by weight.
func pickVersion(routing []resource.Route) int {
	n := rand.IntN(100)
	for _, r := range routing {
		if n < r.Weight {
			return r.Version
		}
		n -= r.Weight
	}
	return routing[len(routing)-1].Version
}

type startSyncExecutionResponse struct {
	ExecutionArn    string         `json:"executionArn"`
	StateMachineArn string         `json:"stateMachineArn"`
	Name            string         `json:"name"`
	StartDate       epoch          `json:"startDate"`
	StopDate        epoch          `json:"stopDate"`
	Status          string         `json:"status"`
	Input           string         `json:"input,omitempty"`
	InputDetails    *dataDetails   `json:"inputDetails,omitempty"`
	Output          string         `json:"output,omitempty"`
	OutputDetails   *dataDetails   `json:"outputDetails,omitempty"`
	Error           string         `json:"error,omitempty"`
	Cause           string         `json:"cause,omitempty"`
	BillingDetails  billingDetails `json:"billingDetails"`
	TraceHeader     string         `json:"traceHeader,omitempty"`
}

type dataDetails struct {
	Included  *bool `json:"included,omitempty"`
	Truncated *bool `json:"truncated,omitempty"`
}

type billingDetails struct {
	BilledMemoryUsedInMB         int64 `json:"billedMemoryUsedInMB"`
	BilledDurationInMilliseconds int64 `json:"billedDurationInMilliseconds"`
}

var yes, no = true, false

// apiStartSyncExecution runs an Express execution to its end and answers its result, 200
// whether it succeeded or not, as AWS does.
func (s *Server) apiStartSyncExecution(ctx context.Context, req *startExecutionRequest) (startSyncExecutionResponse, error) {
	var out startSyncExecutionResponse
	e, err := s.startThroughAPI(ctx, req, true)
	if err != nil {
		return out, err
	}
	s.cfg.Lifecycle.AwaitEnd(ctx, e)
	if err := ctx.Err(); err != nil {
		return out, err
	}
	if e, err = s.cfg.Store.FindExecution(ctx, e.ID); err != nil {
		return out, err
	}
	out = startSyncExecutionResponse{ExecutionArn: e.ARN, StateMachineArn: machineARNOf(e), Name: e.Name,
		StartDate: epoch(e.StartedAt), StopDate: epoch(e.StoppedAt), Status: string(e.Status),
		Input: string(e.Input), InputDetails: &dataDetails{Included: &yes}, Error: e.Error, Cause: e.Cause,
		TraceHeader: req.TraceHeader}
	if e.Status == runtime.StatusSucceeded {
		out.Output, out.OutputDetails = string(e.Output), &dataDetails{Included: &yes}
	}
	// AWS bills at least 100 ms, in 100 ms steps, and 64 MB.
	ms := max(e.StoppedAt.Sub(e.StartedAt).Milliseconds(), 1)
	out.BillingDetails = billingDetails{BilledMemoryUsedInMB: 64, BilledDurationInMilliseconds: (ms + 99) / 100 * 100}
	return out, nil
}

type executionRef struct {
	ExecutionArn string `json:"executionArn"`
	IncludedData string `json:"includedData"`
}

// execution finds the execution an executionArn names: InvalidArn when it is not an
// execution's ARN, ExecutionDoesNotExist when there is none.
func (s *Server) execution(ctx context.Context, arn string) (resource.Execution, error) {
	if err := required("executionArn", arn); err != nil {
		return resource.Execution{}, err
	}
	a, err := parseStepsARN("executionArn", arn, "execution", "express")
	if err != nil {
		return resource.Execution{}, err
	}
	e, err := s.cfg.Store.FindExecutionByARN(ctx, arn)
	if errors.Is(err, resource.ErrNotFound) || (err == nil && !s.isOurs(a)) {
		return e, newAPIError("ExecutionDoesNotExist", fmt.Sprintf("Execution Does Not Exist: '%s'", clip(arn, 200)))
	}
	return e, err
}

type describeExecutionResponse struct {
	ExecutionArn           string       `json:"executionArn"`
	StateMachineArn        string       `json:"stateMachineArn"`
	Name                   string       `json:"name"`
	Status                 string       `json:"status"`
	StartDate              epoch        `json:"startDate"`
	StopDate               epoch        `json:"stopDate,omitzero"`
	Input                  *string      `json:"input,omitempty"`
	InputDetails           *dataDetails `json:"inputDetails,omitempty"`
	Output                 *string      `json:"output,omitempty"`
	OutputDetails          *dataDetails `json:"outputDetails,omitempty"`
	Error                  string       `json:"error,omitempty"`
	Cause                  string       `json:"cause,omitempty"`
	RedriveCount           int          `json:"redriveCount"`
	RedriveDate            epoch        `json:"redriveDate,omitzero"`
	RedriveStatus          string       `json:"redriveStatus"`
	RedriveStatusReason    string       `json:"redriveStatusReason,omitempty"`
	StateMachineVersionArn string       `json:"stateMachineVersionArn,omitempty"`
	StateMachineAliasArn   string       `json:"stateMachineAliasArn,omitempty"`
	MapRunArn              string       `json:"mapRunArn,omitempty"`
}

func (s *Server) apiDescribeExecution(ctx context.Context, req *executionRef) (describeExecutionResponse, error) {
	e, err := s.execution(ctx, req.ExecutionArn)
	if err != nil {
		return describeExecutionResponse{}, err
	}
	if req.IncludedData != "" && req.IncludedData != "ALL_DATA" && req.IncludedData != "METADATA_ONLY" {
		return describeExecutionResponse{}, invalidValue("includedData", req.IncludedData, "Member must satisfy enum value set: [ALL_DATA, METADATA_ONLY]")
	}
	out := describeExecutionResponse{ExecutionArn: e.ARN, StateMachineArn: machineARNOf(e), MapRunArn: e.MapRunARN, Name: e.Name, Status: string(e.Status),
		StartDate: epoch(e.StartedAt), StopDate: epoch(e.StoppedAt), Error: e.Error, Cause: e.Cause,
		RedriveCount: e.RedriveCount, RedriveDate: epoch(e.RedriveDate),
		StateMachineVersionArn: e.VersionARN, StateMachineAliasArn: e.AliasARN}
	out.RedriveStatus, out.RedriveStatusReason = redriveStatus(e, time.Now())
	if req.IncludedData != "METADATA_ONLY" {
		input := string(e.Input)
		out.Input, out.InputDetails = &input, &dataDetails{Included: &yes}
		if e.Status == runtime.StatusSucceeded {
			output := string(e.Output)
			out.Output, out.OutputDetails = &output, &dataDetails{Included: &yes}
		}
	}
	return out, nil
}

// redriveWindow is how long after its end AWS lets an execution be redriven.
const redriveWindow = 14 * 24 * time.Hour

// redriveStatus says whether RedriveExecution may restart e, and why not, as AWS says it.
func redriveStatus(e resource.Execution, now time.Time) (string, string) {
	switch {
	case isExpressARN(e.ARN):
		return "NOT_REDRIVABLE", "Execution is an EXPRESS execution and cannot be redriven"
	case e.Status == runtime.StatusRunning || e.Status == runtime.StatusSucceeded:
		return "NOT_REDRIVABLE", fmt.Sprintf("Execution is %s and cannot be redriven", e.Status)
	case now.Sub(e.StoppedAt) > redriveWindow:
		return "NOT_REDRIVABLE", "Execution ended more than 14 days ago and cannot be redriven"
	}
	return "REDRIVABLE", ""
}

func isExpressARN(arn string) bool {
	a, err := parseStepsARN("", arn, "express")
	return err == nil && a.kind == "express"
}

type listExecutionsRequest struct {
	StateMachineArn string `json:"stateMachineArn"`
	MapRunArn       string `json:"mapRunArn"`
	StatusFilter    string `json:"statusFilter"`
	RedriveFilter   string `json:"redriveFilter"`
	MaxResults      int    `json:"maxResults"`
	NextToken       string `json:"nextToken"`
}

type executionListItem struct {
	ExecutionArn           string `json:"executionArn"`
	StateMachineArn        string `json:"stateMachineArn"`
	Name                   string `json:"name"`
	Status                 string `json:"status"`
	StartDate              epoch  `json:"startDate"`
	StopDate               epoch  `json:"stopDate,omitzero"`
	RedriveCount           int    `json:"redriveCount"`
	RedriveDate            epoch  `json:"redriveDate,omitzero"`
	StateMachineVersionArn string `json:"stateMachineVersionArn,omitempty"`
	StateMachineAliasArn   string `json:"stateMachineAliasArn,omitempty"`
	MapRunArn              string `json:"mapRunArn,omitempty"`
}

// machineARNOf is the state machine an execution is of: a map run's child is of the map
// run's machine, parent/label, as AWS names it.
func machineARNOf(e resource.Execution) string {
	if e.MapRunARN != "" {
		return runtime.MapRunMachineARN(e.MapRunARN)
	}
	return e.StateMachineARN
}

type listExecutionsResponse struct {
	Executions []executionListItem `json:"executions"`
	NextToken  string              `json:"nextToken,omitempty"`
}

var executionStatuses = []string{"RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"}

func (s *Server) apiListExecutions(ctx context.Context, req *listExecutionsRequest) (listExecutionsResponse, error) {
	out := listExecutionsResponse{Executions: []executionListItem{}}
	if req.StateMachineArn == "" && req.MapRunArn == "" {
		return out, newAPIError("ValidationException", "Must provide a StateMachine ARN or MapRun ARN")
	}
	f := resource.ExecutionFilter{Status: resource.Status(req.StatusFilter), Redriven: req.RedriveFilter}
	if req.StatusFilter != "" && !slices.Contains(executionStatuses, req.StatusFilter) {
		return out, invalidValue("statusFilter", req.StatusFilter, "Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]")
	}
	if req.RedriveFilter != "" && req.RedriveFilter != "REDRIVEN" && req.RedriveFilter != "NOT_REDRIVEN" {
		return out, invalidValue("redriveFilter", req.RedriveFilter, "Member must satisfy enum value set: [REDRIVEN, NOT_REDRIVEN]")
	}
	if req.MapRunArn != "" {
		r, err := s.mapRun(ctx, req.MapRunArn)
		if err != nil {
			return out, err
		}
		f.MapRunARN = r.ARN
	} else {
		m, via, err := s.machineFilter(ctx, req.StateMachineArn)
		if err != nil {
			return out, err
		}
		f.MachineID, f.VersionARN, f.AliasARN = m.ID, via.VersionARN, via.AliasARN
	}
	var err error
	if f.Limit, err = pageSize(req.MaxResults, 100); err != nil {
		return out, err
	}
	if req.NextToken != "" {
		if f.Before, err = readPageToken("executions", req.NextToken); err != nil {
			return out, err
		}
	}
	page, err := s.cfg.Store.FindExecutionPage(ctx, f)
	if err != nil {
		return out, err
	}
	for _, e := range page.Executions {
		out.Executions = append(out.Executions, executionListItem{ExecutionArn: e.ARN, StateMachineArn: machineARNOf(e), MapRunArn: e.MapRunARN,
			Name: e.Name, Status: string(e.Status), StartDate: epoch(e.StartedAt), StopDate: epoch(e.StoppedAt),
			RedriveCount: e.RedriveCount, RedriveDate: epoch(e.RedriveDate),
			StateMachineVersionArn: e.VersionARN, StateMachineAliasArn: e.AliasARN})
	}
	if page.HasOlder && len(page.Executions) > 0 {
		out.NextToken = pageToken("executions", page.Executions[len(page.Executions)-1].ID)
	}
	return out, nil
}

// machineFilter reads ListExecutions' stateMachineArn: a machine, or one of its published
// versions or aliases, whose executions are listed.
func (s *Server) machineFilter(ctx context.Context, arn string) (resource.StateMachine, resource.Execution, error) {
	a, err := parseStepsARN("stateMachineArn", arn, "stateMachine")
	if err != nil {
		return resource.StateMachine{}, resource.Execution{}, err
	}
	switch {
	case len(a.parts) == 1:
		m, err := s.machineNamed(ctx, a, arn)
		return m, resource.Execution{}, err
	case len(a.parts) > 2:
		return resource.StateMachine{}, resource.Execution{}, newAPIError("InvalidArn", fmt.Sprintf("Invalid Arn: '%s'", clip(arn, 200)))
	}
	if _, isNumber := versionNumber(a.parts[1]); isNumber {
		m, err := s.machineOrVersion(ctx, arn)
		return m, resource.Execution{VersionARN: arn}, err
	}
	m, _, err := s.alias(ctx, arn)
	return m, resource.Execution{AliasARN: arn}, err
}

type stopExecutionRequest struct {
	ExecutionArn string `json:"executionArn"`
	Error        string `json:"error"`
	Cause        string `json:"cause"`
}

type stopExecutionResponse struct {
	StopDate epoch `json:"stopDate"`
}

func (s *Server) apiStopExecution(ctx context.Context, req *stopExecutionRequest) (stopExecutionResponse, error) {
	e, err := s.execution(ctx, req.ExecutionArn)
	if err != nil {
		return stopExecutionResponse{}, err
	}
	if err := checkFailure(req.Error, req.Cause); err != nil {
		return stopExecutionResponse{}, err
	}
	err = s.cfg.Lifecycle.Stop(ctx, e, req.Error, req.Cause)
	if err != nil && !errors.Is(err, runtime.ErrExecutionNotRunning) {
		return stopExecutionResponse{}, err
	}
	latest, ferr := s.cfg.Store.FindExecution(ctx, e.ID)
	if ferr != nil {
		return stopExecutionResponse{}, ferr
	}
	if errors.Is(err, runtime.ErrExecutionNotRunning) && latest.Status == runtime.StatusRunning {
		// Running in the store but not in this studio: nothing here can stop it.
		return stopExecutionResponse{}, err
	}
	// An execution that had ended keeps its end; the answer is when it stopped.
	return stopExecutionResponse{StopDate: epoch(latest.StoppedAt)}, nil
}

// checkFailure holds an error name and cause to AWS's lengths.
func checkFailure(errName, cause string) error {
	if len(errName) > maxErrorLen {
		return invalidValue("error", clip(errName, 40), fmt.Sprintf("Member must have length less than or equal to %d", maxErrorLen))
	}
	if len(cause) > maxCauseLen {
		return invalidValue("cause", clip(cause, 40), fmt.Sprintf("Member must have length less than or equal to %d", maxCauseLen))
	}
	return nil
}

type redriveExecutionRequest struct {
	ExecutionArn string `json:"executionArn"`
	ClientToken  string `json:"clientToken"`
}

type redriveExecutionResponse struct {
	RedriveDate epoch `json:"redriveDate"`
}

func (s *Server) apiRedriveExecution(ctx context.Context, req *redriveExecutionRequest) (redriveExecutionResponse, error) {
	e, err := s.execution(ctx, req.ExecutionArn)
	if err != nil {
		return redriveExecutionResponse{}, err
	}
	if status, reason := redriveStatus(e, time.Now()); status != "REDRIVABLE" {
		return redriveExecutionResponse{}, newAPIError("ExecutionNotRedrivable", fmt.Sprintf("Execution with arn %s cannot be redriven: %s", e.ARN, reason))
	}
	var re *runtime.RedriveError
	if err := s.cfg.Lifecycle.Redrive(ctx, e); errors.As(err, &re) {
		return redriveExecutionResponse{}, newAPIError("ExecutionNotRedrivable", fmt.Sprintf("Execution with arn %s cannot be redriven: %s", e.ARN, re.Reason))
	} else if err != nil {
		return redriveExecutionResponse{}, err
	}
	latest, err := s.cfg.Store.FindExecution(ctx, e.ID)
	if err != nil {
		return redriveExecutionResponse{}, err
	}
	return redriveExecutionResponse{RedriveDate: epoch(latest.RedriveDate)}, nil
}

type getExecutionHistoryRequest struct {
	ExecutionArn         string `json:"executionArn"`
	MaxResults           int    `json:"maxResults"`
	NextToken            string `json:"nextToken"`
	ReverseOrder         bool   `json:"reverseOrder"`
	IncludeExecutionData *bool  `json:"includeExecutionData"`
	// IncludeStudioEvents, the studio's own (AWS has no such field), asks for a debug run's
	// StudioDebugPaused and StudioDebugResumed events too; without it the history is AWS's.
	IncludeStudioEvents bool `json:"includeStudioEvents"`
}

type getExecutionHistoryResponse struct {
	Events    []historyEvent `json:"events"`
	NextToken string         `json:"nextToken,omitempty"`
}

func (s *Server) apiGetExecutionHistory(ctx context.Context, req *getExecutionHistoryRequest) (getExecutionHistoryResponse, error) {
	out := getExecutionHistoryResponse{Events: []historyEvent{}}
	e, err := s.execution(ctx, req.ExecutionArn)
	if err != nil {
		return out, err
	}
	size, err := pageSize(req.MaxResults, 100)
	if err != nil {
		return out, err
	}
	var from int64 // the id of the first event of the page
	if req.NextToken != "" {
		if from, err = readPageToken("events", req.NextToken); err != nil {
			return out, err
		}
	}
	last, err := s.cfg.Store.LastEventID(ctx, e.ID)
	if err != nil {
		return out, err
	}
	// Event ids run from 1 to last without gaps: a page is a range of them.
	lo, hi := from, from+int64(size)-1
	if req.NextToken == "" {
		lo, hi = 1, int64(size)
	}
	if req.ReverseOrder {
		if req.NextToken == "" {
			from = last
		}
		lo, hi = max(from-int64(size)+1, 1), from
	}
	hi = min(hi, last)
	ids := make([]int64, 0, max(hi-lo+1, 0))
	for id := lo; id <= hi; id++ {
		ids = append(ids, id)
	}
	events, err := s.cfg.Store.FindEventsByID(ctx, e.ID, ids)
	if err != nil {
		return out, err
	}
	var tokens []string
	if !apiCaller(ctx).Admin {
		if tokens, err = s.cfg.Store.FindExecutionTokens(ctx, e.ID); err != nil {
			return out, err
		}
	}
	withData := req.IncludeExecutionData == nil || *req.IncludeExecutionData
	for _, ev := range events {
		if ev.Type.IsStudioEvent() && !req.IncludeStudioEvents {
			continue // a page may hold fewer events: the ids go on where AWS's would not
		}
		out.Events = append(out.Events, apiEventOf(views.MaskEvent(ev, tokens...), withData))
	}
	if req.ReverseOrder {
		slices.Reverse(out.Events)
		if lo > 1 {
			out.NextToken = pageToken("events", lo-1)
		}
	} else if hi < last {
		out.NextToken = pageToken("events", hi+1)
	}
	return out, nil
}

// apiEventOf is an event as GetExecutionHistory gives it: epoch timestamp, and the details
// with AWS's inputDetails and outputDetails beside the data, or without the data.
func apiEventOf(ev runtime.Event, withData bool) historyEvent {
	h := historyEvent{"id": ev.ID, "previousEventId": ev.PreviousEventID, "timestamp": epoch(ev.Timestamp), "type": string(ev.Type)}
	key := detailsKey(ev.Type)
	if key == "" {
		return h
	}
	var d map[string]any
	if err := json.Unmarshal(mustJSON(ev.Details), &d); err != nil {
		return h
	}
	delete(d, "mocked") // the studio's own mark
	for field, details := range map[string]string{"input": "inputDetails", "output": "outputDetails", "parameters": "", "assignedVariables": "assignedVariablesDetails"} {
		if _, ok := d[field]; !ok {
			continue
		}
		if !withData {
			delete(d, field)
		}
		if details != "" {
			d[details] = map[string]bool{"truncated": false}
		}
	}
	h[key] = d
	return h
}
