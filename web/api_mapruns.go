package web

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
)

// Map runs: a Map in DISTRIBUTED mode runs its items as child executions of a map run
// (runtime/maprun.go); these actions describe, list and change them, and ListExecutions with
// a mapRunArn lists the children.

// mapRun finds the map run a mapRunArn names: ResourceNotFound when none.
func (s *Server) mapRun(ctx context.Context, arn string) (resource.MapRun, error) {
	if err := required("mapRunArn", arn); err != nil {
		return resource.MapRun{}, err
	}
	if _, err := parseStepsARN("mapRunArn", arn, "mapRun"); err != nil {
		return resource.MapRun{}, err
	}
	r, err := s.cfg.Store.FindMapRun(ctx, arn)
	if errors.Is(err, resource.ErrNotFound) {
		return r, newAPIError("ResourceNotFound", fmt.Sprintf("Resource not found: '%s'", clip(arn, 200)))
	}
	return r, err
}

type mapRunRef struct {
	MapRunArn                  string   `json:"mapRunArn"`
	ExecutionArn               string   `json:"executionArn"`
	MaxResults                 int      `json:"maxResults"`
	NextToken                  string   `json:"nextToken"`
	MaxConcurrency             *int     `json:"maxConcurrency"`
	ToleratedFailureCount      *int     `json:"toleratedFailureCount"`
	ToleratedFailurePercentage *float64 `json:"toleratedFailurePercentage"`
}

type mapRunCounts struct {
	Pending        int `json:"pending"`
	Running        int `json:"running"`
	Succeeded      int `json:"succeeded"`
	Failed         int `json:"failed"`
	TimedOut       int `json:"timedOut"`
	Aborted        int `json:"aborted"`
	Total          int `json:"total"`
	ResultsWritten int `json:"resultsWritten"`
}

type describeMapRunResponse struct {
	MapRunArn                  string       `json:"mapRunArn"`
	ExecutionArn               string       `json:"executionArn"`
	Status                     string       `json:"status"`
	StartDate                  epoch        `json:"startDate"`
	StopDate                   epoch        `json:"stopDate,omitzero"`
	MaxConcurrency             int          `json:"maxConcurrency"`
	ToleratedFailurePercentage float64      `json:"toleratedFailurePercentage"`
	ToleratedFailureCount      int          `json:"toleratedFailureCount"`
	ItemCounts                 mapRunCounts `json:"itemCounts"`
	ExecutionCounts            mapRunCounts `json:"executionCounts"`
	RedriveCount               int          `json:"redriveCount"`
}

func (s *Server) apiDescribeMapRun(ctx context.Context, req *mapRunRef) (describeMapRunResponse, error) {
	r, err := s.mapRun(ctx, req.MapRunArn)
	if err != nil {
		return describeMapRunResponse{}, err
	}
	byStatus, err := s.cfg.Store.CountMapRunChildren(ctx, r.ARN)
	if err != nil {
		return describeMapRunResponse{}, err
	}
	c := mapRunCounts{Running: byStatus[runtime.StatusRunning], Succeeded: byStatus[runtime.StatusSucceeded],
		Failed: byStatus[runtime.StatusFailed], TimedOut: byStatus[runtime.StatusTimedOut], Aborted: byStatus[runtime.StatusAborted]}
	started := c.Running + c.Succeeded + c.Failed + c.TimedOut + c.Aborted
	c.Total = max(r.Items, started)
	c.Pending = c.Total - started
	items := c
	if r.Status != "RUNNING" {
		// Items no child ran when the run ended (it failed or was stopped) are aborted.
		items.Aborted, items.Pending = items.Aborted+items.Pending, 0
	}
	return describeMapRunResponse{MapRunArn: r.ARN, ExecutionArn: r.ExecutionARN, Status: r.Status,
		StartDate: epoch(r.StartedAt), StopDate: epoch(r.StoppedAt), MaxConcurrency: r.MaxConcurrency,
		ToleratedFailurePercentage: r.ToleratedFailurePercentage, ToleratedFailureCount: r.ToleratedFailureCount,
		ItemCounts: items, ExecutionCounts: c}, nil
}

func (s *Server) apiUpdateMapRun(ctx context.Context, req *mapRunRef) (struct{}, error) {
	r, err := s.mapRun(ctx, req.MapRunArn)
	if err != nil {
		return struct{}{}, err
	}
	switch {
	case req.MaxConcurrency == nil && req.ToleratedFailureCount == nil && req.ToleratedFailurePercentage == nil:
		return struct{}{}, newAPIError("ValidationException", "Give a maxConcurrency, a toleratedFailureCount or a toleratedFailurePercentage to change.")
	case req.MaxConcurrency != nil && (*req.MaxConcurrency < 0 || *req.MaxConcurrency > math.MaxInt32):
		return struct{}{}, invalidValue("maxConcurrency", *req.MaxConcurrency, "Member must have value greater than or equal to 0")
	case req.ToleratedFailureCount != nil && *req.ToleratedFailureCount < 0:
		return struct{}{}, invalidValue("toleratedFailureCount", *req.ToleratedFailureCount, "Member must have value greater than or equal to 0")
	case req.ToleratedFailurePercentage != nil && (*req.ToleratedFailurePercentage < 0 || *req.ToleratedFailurePercentage > 100):
		return struct{}{}, invalidValue("toleratedFailurePercentage", *req.ToleratedFailurePercentage, "Member must have value between 0 and 100")
	case r.Status != "RUNNING":
		return struct{}{}, &apiError{status: 400, code: "ValidationException",
			message: fmt.Sprintf("Map Run %s has ended (%s) and cannot be updated (CANNOT_UPDATE_COMPLETED_MAP_RUN)", r.ARN, r.Status)}
	}
	return struct{}{}, s.cfg.Lifecycle.UpdateMapRun(ctx, r.ARN, req.MaxConcurrency, req.ToleratedFailureCount, req.ToleratedFailurePercentage)
}

type mapRunListItem struct {
	ExecutionArn    string `json:"executionArn"`
	MapRunArn       string `json:"mapRunArn"`
	StateMachineArn string `json:"stateMachineArn"`
	StartDate       epoch  `json:"startDate"`
	StopDate        epoch  `json:"stopDate,omitzero"`
}

type listMapRunsResponse struct {
	MapRuns   []mapRunListItem `json:"mapRuns"`
	NextToken string           `json:"nextToken,omitempty"`
}

func (s *Server) apiListMapRuns(ctx context.Context, req *mapRunRef) (listMapRunsResponse, error) {
	out := listMapRunsResponse{MapRuns: []mapRunListItem{}}
	e, err := s.execution(ctx, req.ExecutionArn)
	if err != nil {
		return out, err
	}
	runs, err := s.cfg.Store.FindMapRuns(ctx, e.ID)
	if err != nil {
		return out, err
	}
	page, next, err := pageOf(runs, req.MaxResults, req.NextToken, "mapruns")
	if err != nil {
		return out, err
	}
	for _, r := range page {
		out.MapRuns = append(out.MapRuns, mapRunListItem{ExecutionArn: r.ExecutionARN, MapRunArn: r.ARN,
			StateMachineArn: runtime.MapRunMachineARN(r.ARN), StartDate: epoch(r.StartedAt), StopDate: epoch(r.StoppedAt)})
	}
	out.NextToken = next
	return out, nil
}
