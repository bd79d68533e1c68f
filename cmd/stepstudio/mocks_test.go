package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// ordersMocks is a Step Functions Local mock file, as that tool reads it.
const ordersMocks = `{
  "StateMachines": {"Orders": {"TestCases": {
    "HappyPath": {"Charge": "ChargeOK", "Approve": "Approved"},
    "Declined":  {"Charge": "ChargeDeclined"}}}},
  "MockedResponses": {
    "ChargeOK":       {"0": {"Return": {"StatusCode": 200, "Payload": {"charged": 42}}}},
    "ChargeDeclined": {"0": {"Throw": {"Error": "CardDeclined", "Cause": "no funds"}}},
    "Approved":       {"0": {"Return": {"approved": true}}}}}`

// ordersDefinition calls Lambda (no endpoint is configured: only a mock can answer) and
// waits for an approval.
const ordersDefinition = `{"StartAt":"Charge","States":{
  "Charge":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"charge","Payload.$":"$"},
    "Catch":[{"ErrorEquals":["CardDeclined"],"Next":"Declined"}],"ResultSelector":{"charged.$":"$.Payload.charged"},"ResultPath":"$.charge","Next":"Approve"},
  "Approve":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"MessageBody":{"token.$":"$$.Task.Token"}},"ResultPath":"$.decision","End":true},
  "Declined":{"Type":"Fail","Error":"Declined"}}}`

// TestMockConfig: with SFN_MOCK_CONFIG, StartExecution with arn#TestCase runs the test case;
// an unknown case is refused; the pages show the case and its mocked states; the API's
// history keeps AWS's shape.
func TestMockConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mockFile := filepath.Join(dir, "MockConfigFile.json")
	if err := os.WriteFile(mockFile, []byte(ordersMocks), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := startStudioEnv(t, map[string]string{"SFN_MOCK_CONFIG": mockFile}, "--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "data", "studio.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.stop)
	c := anySFN(s)
	ctx := context.Background()
	arn := createAPIMachine(t, c, "Orders", ordersDefinition, "")

	happy := must[*sfn.StartExecutionOutput](t, "start")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn + "#HappyPath"), Input: aws.String(`{"id":1}`)}))
	d := awaitStatus(t, c, *happy.ExecutionArn, types.ExecutionStatusSucceeded)
	if aws.ToString(d.Output) != `{"id":1,"charge":{"charged":42},"decision":{"approved":true}}` {
		t.Errorf("happy path output %s", aws.ToString(d.Output))
	}
	declined := must[*sfn.StartExecutionOutput](t, "start")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn + "#Declined")}))
	if d := awaitStatus(t, c, *declined.ExecutionArn, types.ExecutionStatusFailed); aws.ToString(d.Error) != "Declined" {
		t.Errorf("declined: %s", aws.ToString(d.Error))
	}
	// Without a test case the same machine calls Lambda, which has no endpoint here.
	real := must[*sfn.StartExecutionOutput](t, "start")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn)}))
	if d := awaitStatus(t, c, *real.ExecutionArn, types.ExecutionStatusFailed); aws.ToString(d.Error) != "Lambda.SdkClientException" {
		t.Errorf("without a test case: %s %s", aws.ToString(d.Error), aws.ToString(d.Cause))
	}
	_, err = c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn + "#Nope")})
	if errorCode(err) != "ValidationException" || !strings.Contains(err.Error(), `no test case "Nope" for the state machine "Orders" (it has: Declined, HappyPath)`) {
		t.Errorf("an unknown test case: %v", err)
	}

	raw := s.callStepFunctions(t, "GetExecutionHistory", map[string]any{"executionArn": *happy.ExecutionArn})
	if text, _ := json.Marshal(raw); strings.Contains(string(text), "mocked") {
		t.Errorf("the API's history carries the studio's mark: %s", text)
	}
	db := s.readDB(t)
	e, err := db.FindExecutionByARN(ctx, *happy.ExecutionArn)
	if err != nil {
		t.Fatal(err)
	}
	page := s.page(t, fmt.Sprintf("/executions/%d", e.ID))
	if !strings.Contains(page, `data-testid="execution-test-case"`) || strings.Count(page, `data-testid="mocked-state"`) != 2 {
		t.Errorf("the execution page does not show the test case and its mocked states")
	}
	if form := s.page(t, "/machines/Orders"); !strings.Contains(form, `<option value="HappyPath">`) {
		t.Errorf("the run form does not offer the test cases")
	}
}

// TestMockConfigRefusedAtStart: a broken mock file stops serve with where it is broken.
func TestMockConfigRefusedAtStart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mockFile := filepath.Join(dir, "mocks.json")
	os.WriteFile(mockFile, []byte(`{"MockedResponses":{"R":{"0":{"Throw":{"Error":"E"}}}}}`), 0o644)
	_, err := startStudioArgs(t, "--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "studio.db"), "--mock-config", mockFile)
	if err == nil || !strings.Contains(err.Error(), `MockedResponses.R."0".Throw: must have an Error and a Cause`) {
		t.Errorf("serve with a broken mock file: %v", err)
	}
}

// TestTestCommandWithAMockFile: a case file names a mock file and its test case.
func TestTestCommandWithAMockFile(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"MockConfigFile.json": ordersMocks,
		"happy.json": `{"name":"happy path","definition":` + ordersDefinition + `,"input":{"id":1},
			"mockConfig":"MockConfigFile.json","testCase":"HappyPath",
			"expect":{"status":"SUCCEEDED","output":{"id":1,"charge":{"charged":42},"decision":{"approved":true}}}}`,
		"declined.json": `{"name":"declined","definition":` + ordersDefinition + `,
			"mockConfig":"MockConfigFile.json","testCase":"Declined","stateMachine":"Orders",
			"expect":{"status":"FAILED","error":"Declined"}}`,
	})
	stdout, _, err := runCLI(t, "test", "-v", dir)
	if err != nil || !strings.Contains(stdout, "2 passed, 0 failed\n") {
		t.Errorf("test: %v\n%s", err, stdout)
	}
	bad := writeFiles(t, map[string]string{
		"MockConfigFile.json": ordersMocks,
		"bad.json":            `{"definition":` + ordersDefinition + `,"mockConfig":"MockConfigFile.json","testCase":"Nope","expect":{"status":"SUCCEEDED"}}`,
	})
	stdout, _, _ = runCLI(t, "test", bad)
	if !strings.Contains(stdout, `no test case "Nope"`) {
		t.Errorf("an unknown test case: %s", stdout)
	}
}

// TestDesignerWarnsOfTasksThatCannotRun: the designer's diagnostics name each Task whose
// resource the studio cannot run as started (here Lambda without an endpoint, and an AWS SDK
// call), at its Resource, with how to route or mock it and the test cases that mock it; the
// tasks it can run (HTTP, callbacks, nested executions, activities) get no warning.
func TestDesignerWarnsOfTasksThatCannotRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mockFile := filepath.Join(dir, "MockConfigFile.json")
	if err := os.WriteFile(mockFile, []byte(ordersMocks), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := startStudioArgs(t, "--addr", "127.0.0.1:0", "--db", filepath.Join(dir, "studio.db"), "--mock-config", mockFile)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.stop)
	s.createMachine(t, "Orders", passDefinition)
	doc := `{"StartAt":"Charge","States":{
  "Charge":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"charge"},"Next":"Each"},
  "Each":{"Type":"Map","ItemProcessor":{"StartAt":"Tag","States":{"Tag":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:s3:putObjectTagging","End":true}}},"Next":"Call"},
  "Call":{"Type":"Task","Resource":"arn:aws:states:::http:invoke","Parameters":{"ApiEndpoint":"http://127.0.0.1:1","Method":"GET"},"Next":"Approve"},
  "Approve":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Next":"Child"},
  "Child":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2","Parameters":{"StateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:x"},"Next":"Work"},
  "Work":{"Type":"Task","Resource":"arn:aws:states:us-east-1:123456789012:activity:work","End":true}}}`
	var got applyAnswer
	if status := s.postJSON(t, "/machines/Orders/design/apply", map[string]any{"document": doc}, &got); status != 200 {
		t.Fatalf("apply: %d %s", status, got.Error)
	}
	warned := map[string]string{}
	for _, d := range got.Diagnostics {
		if d.Code == "STEPSTUDIO_CANNOT_RUN" {
			warned[d.Location] = d.Severity + " " + d.Message
		}
	}
	if len(warned) != 2 {
		t.Fatalf("warnings %v", warned)
	}
	if w := warned["/States/Charge/Resource"]; !strings.Contains(w, "WARNING Runs only with a test case that mocks it (Declined, HappyPath).") || !strings.Contains(w, "--lambda-endpoint") {
		t.Errorf("Charge: %q", w)
	}
	if w := warned["/States/Each/ItemProcessor/States/Tag/Resource"]; !strings.Contains(w, "--mock-config") {
		t.Errorf("Tag: %q", w)
	}
}
