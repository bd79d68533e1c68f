package web

import (
	"context"
	"fmt"
)

// apiActions are the 37 actions of the Step Functions API, by name.
var apiActions = map[string]apiAction{
	"CreateStateMachine":               action((*Server).apiCreateStateMachine),
	"DescribeStateMachine":             action((*Server).apiDescribeStateMachine),
	"UpdateStateMachine":               action((*Server).apiUpdateStateMachine),
	"DeleteStateMachine":               action((*Server).apiDeleteStateMachine),
	"ListStateMachines":                action((*Server).apiListStateMachines),
	"DescribeStateMachineForExecution": action((*Server).apiDescribeStateMachineForExecution),
	"ValidateStateMachineDefinition":   action((*Server).apiValidateStateMachineDefinition),
	"PublishStateMachineVersion":       action((*Server).apiPublishStateMachineVersion),
	"ListStateMachineVersions":         action((*Server).apiListStateMachineVersions),
	"DeleteStateMachineVersion":        action((*Server).apiDeleteStateMachineVersion),
	"CreateStateMachineAlias":          action((*Server).apiCreateStateMachineAlias),
	"DescribeStateMachineAlias":        action((*Server).apiDescribeStateMachineAlias),
	"UpdateStateMachineAlias":          action((*Server).apiUpdateStateMachineAlias),
	"DeleteStateMachineAlias":          action((*Server).apiDeleteStateMachineAlias),
	"ListStateMachineAliases":          action((*Server).apiListStateMachineAliases),
	"StartExecution":                   action((*Server).apiStartExecution),
	"StartSyncExecution":               action((*Server).apiStartSyncExecution),
	"DescribeExecution":                action((*Server).apiDescribeExecution),
	"ListExecutions":                   action((*Server).apiListExecutions),
	"StopExecution":                    action((*Server).apiStopExecution),
	"RedriveExecution":                 action((*Server).apiRedriveExecution),
	"GetExecutionHistory":              action((*Server).apiGetExecutionHistory),
	"SendTaskSuccess":                  action((*Server).apiSendTaskSuccess),
	"SendTaskFailure":                  action((*Server).apiSendTaskFailure),
	"SendTaskHeartbeat":                action((*Server).apiSendTaskHeartbeat),
	"CreateActivity":                   action((*Server).apiCreateActivity),
	"DescribeActivity":                 action((*Server).apiDescribeActivity),
	"DeleteActivity":                   action((*Server).apiDeleteActivity),
	"ListActivities":                   action((*Server).apiListActivities),
	"GetActivityTask":                  action((*Server).apiGetActivityTask),
	"TagResource":                      action((*Server).apiTagResource),
	"UntagResource":                    action((*Server).apiUntagResource),
	"ListTagsForResource":              action((*Server).apiListTagsForResource),
	"TestState":                        action((*Server).apiTestState),
	"DescribeMapRun":                   action((*Server).apiDescribeMapRun),
	"ListMapRuns":                      action((*Server).apiListMapRuns),
	"UpdateMapRun":                     action((*Server).apiUpdateMapRun),
}

// Map runs are what a Map in DISTRIBUTED mode starts its child executions under. The studio
// runs a distributed Map's items inside the execution (as an inline Map), so it makes no map
// runs: each map run ARN names nothing, and an execution lists none.

type mapRunRef struct {
	MapRunArn    string `json:"mapRunArn"`
	ExecutionArn string `json:"executionArn"`
	MaxResults   int    `json:"maxResults"`
	NextToken    string `json:"nextToken"`
}

func (s *Server) mapRunNotFound(arn string) error {
	if err := required("mapRunArn", arn); err != nil {
		return err
	}
	if _, err := parseStepsARN("mapRunArn", arn, "mapRun"); err != nil {
		return err
	}
	return newAPIError("ResourceNotFound", fmt.Sprintf("Resource not found: '%s'", clip(arn, 200)))
}

func (s *Server) apiDescribeMapRun(ctx context.Context, req *mapRunRef) (struct{}, error) {
	return struct{}{}, s.mapRunNotFound(req.MapRunArn)
}

func (s *Server) apiUpdateMapRun(ctx context.Context, req *mapRunRef) (struct{}, error) {
	return struct{}{}, s.mapRunNotFound(req.MapRunArn)
}

type listMapRunsResponse struct {
	MapRuns   []struct{} `json:"mapRuns"`
	NextToken string     `json:"nextToken,omitempty"`
}

func (s *Server) apiListMapRuns(ctx context.Context, req *mapRunRef) (listMapRunsResponse, error) {
	if _, err := s.execution(ctx, req.ExecutionArn); err != nil {
		return listMapRunsResponse{}, err
	}
	return listMapRunsResponse{MapRuns: []struct{}{}}, nil
}
