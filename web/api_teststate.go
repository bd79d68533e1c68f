package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
)

// TestState runs one state, as AWS's TestState does, with the same code as the designer's
// Test state (runtime.TestState): the definition of one state, or of a whole machine with
// stateName; a mock of the task's result or error; the workflow's variables; a context
// object laid over $$; how many retries the matching retrier has made.

type testStateAPIRequest struct {
	Definition         string         `json:"definition"`
	StateName          string         `json:"stateName"`
	Input              string         `json:"input"`
	RoleArn            string         `json:"roleArn"`
	InspectionLevel    string         `json:"inspectionLevel"`
	RevealSecrets      bool           `json:"revealSecrets"`
	Variables          string         `json:"variables"`
	Context            string         `json:"context"`
	Mock               *testStateMock `json:"mock"`
	StateConfiguration *struct {
		RetrierRetryCount        *int   `json:"retrierRetryCount"`
		ErrorCausedByState       string `json:"errorCausedByState"`
		MapIterationFailureCount *int   `json:"mapIterationFailureCount"`
		MapItemReaderData        string `json:"mapItemReaderData"`
	} `json:"stateConfiguration"`
}

type testStateMock struct {
	Result      string `json:"result"`
	ErrorOutput *struct {
		Error string `json:"error"`
		Cause string `json:"cause"`
	} `json:"errorOutput"`
	FieldValidationMode string `json:"fieldValidationMode"`
}

// inspectionData is the value after each step: a JSONPath state's afterInputPath and
// afterParameters, or a JSONata state's afterArguments (the runtime reports only the steps
// the state's query language has).
type inspectionData struct {
	Input               string `json:"input,omitempty"`
	AfterInputPath      string `json:"afterInputPath,omitempty"`
	AfterParameters     string `json:"afterParameters,omitempty"`
	AfterArguments      string `json:"afterArguments,omitempty"`
	AfterItemsPath      string `json:"afterItemsPath,omitempty"`
	AfterItemSelector   string `json:"afterItemSelector,omitempty"`
	Result              string `json:"result,omitempty"`
	AfterResultSelector string `json:"afterResultSelector,omitempty"`
	AfterResultPath     string `json:"afterResultPath,omitempty"`
	Variables           string `json:"variables,omitempty"`
}

type testStateAPIResponse struct {
	Status         string          `json:"status"`
	Output         string          `json:"output,omitempty"`
	Error          string          `json:"error,omitempty"`
	Cause          string          `json:"cause,omitempty"`
	NextState      string          `json:"nextState,omitempty"`
	InspectionData *inspectionData `json:"inspectionData,omitempty"`
}

// testStateName is the name a definition of one state is tested under, when none is given.
const testStateName = "TestState"

func (s *Server) apiTestState(ctx context.Context, req *testStateAPIRequest) (testStateAPIResponse, error) {
	var out testStateAPIResponse
	if err := required("definition", req.Definition); err != nil {
		return out, err
	}
	opts := runtime.TestStateOptions{Start: time.Now().UTC()}
	if sc := req.StateConfiguration; sc != nil {
		switch {
		case sc.ErrorCausedByState != "" || sc.MapIterationFailureCount != nil || sc.MapItemReaderData != "":
			return out, newAPIError("ValidationException", "stateConfiguration's errorCausedByState, mapIterationFailureCount and mapItemReaderData are not supported by stepstudio yet; retrierRetryCount is.")
		case sc.RetrierRetryCount != nil && (*sc.RetrierRetryCount < 0 || *sc.RetrierRetryCount > 99999999):
			return out, invalidValue("stateConfiguration.retrierRetryCount", *sc.RetrierRetryCount, "Member must have value greater than or equal to 0")
		case sc.RetrierRetryCount != nil:
			opts.RetrierRetryCount = *sc.RetrierRetryCount
		}
	}
	if c := strings.TrimSpace(req.Context); c != "" {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal([]byte(c), &obj); err != nil {
			return out, newAPIError("ValidationException", fmt.Sprintf("The context must be a JSON object, as $$ is: %v", err))
		}
		opts.Context = json.RawMessage(c)
	}
	level := req.InspectionLevel
	if level == "" {
		level = "INFO"
	}
	if level != "INFO" && level != "DEBUG" && level != "TRACE" {
		return out, invalidValue("inspectionLevel", level, "Member must satisfy enum value set: [INFO, DEBUG, TRACE]")
	}
	document, state, err := testStateDocument(req.Definition, req.StateName)
	if err != nil {
		return out, err
	}
	def, err := runtime.Parse(document)
	if err != nil {
		return out, checkDefinition(document, "STANDARD")
	}
	input := strings.TrimSpace(req.Input)
	if input == "" {
		input = "{}"
	}
	if err := checkJSON([]byte(input)); err != nil {
		return out, newAPIError("InvalidExecutionInput", fmt.Sprintf("Invalid State Machine Execution Input: '%v'", err))
	}
	if req.Variables != "" {
		if err := json.Unmarshal([]byte(req.Variables), &opts.Variables); err != nil {
			return out, newAPIError("ValidationException", fmt.Sprintf("The variables must be a JSON object of the workflow's variables: %v", err))
		}
	}
	if m := req.Mock; m != nil {
		switch {
		case m.Result != "" && m.ErrorOutput != nil:
			return out, newAPIError("ValidationException", "A mock has a result or an errorOutput, not both.")
		case m.Result != "":
			if err := checkJSON([]byte(m.Result)); err != nil {
				return out, newAPIError("ValidationException", fmt.Sprintf("The mock's result is not valid JSON: %v", err))
			}
			opts.MockResult = json.RawMessage(m.Result)
		case m.ErrorOutput != nil:
			opts.MockError = &runtime.Error{Name: m.ErrorOutput.Error, Cause: m.ErrorOutput.Cause}
		}
	}
	ctx, cancel := context.WithTimeout(ctx, testStateTimeout)
	defer cancel()
	res, err := runtime.TestState(ctx, def, state, json.RawMessage(input), opts)
	switch {
	case errors.Is(err, runtime.ErrBadTestOptions):
		return out, newAPIError("ValidationException", err.Error())
	case errors.Is(err, runtime.ErrNoSuchState):
		return out, newAPIError("ValidationException", fmt.Sprintf("There is no state named %q in the definition.", state))
	case err != nil && ctx.Err() != nil:
		return out, newAPIError("ValidationException", "The state did not end within "+testStateTimeout.String()+": States.Timeout")
	case err != nil:
		return out, err
	}
	out = testStateAPIResponse{Status: res.Status, Output: string(res.Output), Error: res.Error, Cause: res.Cause, NextState: res.NextState}
	if level != "INFO" {
		d := &inspectionData{Input: string(res.Input), AfterInputPath: string(res.AfterInputPath), AfterParameters: string(res.AfterParameters),
			AfterArguments: string(res.AfterArguments), AfterItemsPath: string(res.AfterItemsPath), AfterItemSelector: string(res.AfterItemSelector), Result: string(res.Result),
			AfterResultSelector: string(res.AfterResultSelector), AfterResultPath: string(res.AfterResultPath)}
		if len(res.Variables) > 0 {
			d.Variables = string(mustJSON(res.Variables))
		}
		out.InspectionData = d
	}
	return out, nil
}

// testStateDocument makes a machine of TestState's definition: a whole machine as it is
// (stateName names the state), or one state, named stateName or TestState, with a Succeed
// state for each state it may go to, so that its transitions are valid.
func testStateDocument(definition, stateName string) ([]byte, string, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(definition), &top); err != nil {
		return nil, "", newAPIError("InvalidDefinition", fmt.Sprintf("Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: %v'", err))
	}
	if _, whole := top["States"]; whole {
		if stateName == "" {
			return nil, "", newAPIError("ValidationException", "The definition is a whole state machine: give the stateName of the state to test.")
		}
		return []byte(definition), stateName, nil
	}
	if stateName == "" {
		stateName = testStateName
	}
	states := map[string]json.RawMessage{stateName: json.RawMessage(definition)}
	for _, target := range transitions(top) {
		if target != stateName {
			states[target] = json.RawMessage(`{"Type":"Succeed"}`)
		}
	}
	doc := mustJSON(map[string]any{"StartAt": stateName, "States": states})
	return doc, stateName, nil
}

// transitions are the states a state's Next, Default, Choices and Catch name.
func transitions(state map[string]json.RawMessage) []string {
	var out []string
	var name string
	for _, key := range []string{"Next", "Default"} {
		if json.Unmarshal(state[key], &name) == nil && name != "" {
			out = append(out, name)
		}
	}
	for _, key := range []string{"Choices", "Catch"} {
		var list []struct {
			Next string `json:"Next"`
		}
		if json.Unmarshal(state[key], &list) == nil {
			for _, r := range list {
				if r.Next != "" {
					out = append(out, r.Next)
				}
			}
		}
	}
	return out
}
