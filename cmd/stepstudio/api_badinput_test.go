package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
)

// TestAPISignaturesWithUsers: with users, a call must be signed with a pair that
// "stepstudio user key" issued; the audit names the key's user for a decision.
func TestAPISignaturesWithUsers(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "data", "studio.db")
	addTestUser(t, db, "carol", "carol's password", "--admin")
	key := userKey(t, db, "carol")
	s := startStudioOn(t, db)
	t.Cleanup(s.stop)
	ctx := context.Background()

	c := newSFN(s, key.id, key.secret)
	arn := createAPIMachine(t, c, "signed", apiCallbackDefinition, "")
	if _, err := c.ListStateMachines(ctx, &sfn.ListStateMachinesInput{}); err != nil {
		t.Fatalf("signed list: %v", err)
	}
	_, err := newSFN(s, key.id, key.secret+"x").ListStateMachines(ctx, &sfn.ListStateMachinesInput{})
	wantCode(t, "a wrong secret", err, "InvalidSignatureException")
	_, err = newSFN(s, "SSKIUNKNOWNUNKNOWN00", key.secret).ListStateMachines(ctx, &sfn.ListStateMachinesInput{})
	wantCode(t, "an unknown key", err, "UnrecognizedClientException")
	resp, body := apiCall(t, s, "ListStateMachines", `{}`)
	if resp.StatusCode != http.StatusForbidden || apiErrorType(resp, body) != "MissingAuthenticationTokenException" {
		t.Fatalf("unsigned: %d %s", resp.StatusCode, body)
	}

	out, err := c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	token := historyToken(t, c, *out.ExecutionArn)
	if _, err := c.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(token), Output: aws.String(`{}`)}); err != nil {
		t.Fatal(err)
	}
	_, page := s.request(t, "GET", "/audit", nil, map[string]string{"Authorization": "Bearer " + key.secret})
	if rows := auditOf(page); len(rows) == 0 || rows[0] != "carol approved" {
		t.Fatalf("audit rows %v", rows)
	}
}

// apiCall posts a raw API request, as a client that does not sign (a loopback studio
// without users takes it).
func apiCall(t *testing.T, s *studio, action, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.url+"/", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Target", "AWSStepFunctions."+action)
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// apiErrorType reads an error answer's type, checking the header and the body agree.
func apiErrorType(resp *http.Response, body string) string {
	var e struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	if json.Unmarshal([]byte(body), &e) != nil || e.Message == "" || resp.Header.Get("X-Amzn-ErrorType") != e.Type {
		return "malformed: " + body
	}
	return e.Type
}

// TestAPIBadInput: every action refuses what is wrong with its request with a 4xx and an
// AWS error type, never a 5xx, and what is stored stays.
func TestAPIBadInput(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	arn := createAPIMachine(t, anySFN(s), "kept", apiPassDefinition, "")
	execution := "arn:aws:states:us-east-1:123456789012:execution:kept:x"
	deep := strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000)

	cases := []struct{ action, body, code string }{
		{"Unknown", `{}`, "UnknownOperationException"},
		{"CreateStateMachine", `not json`, "SerializationException"},
		{"CreateStateMachine", `[1,2]`, "SerializationException"},
		{"CreateStateMachine", `{"name": 5}`, "SerializationException"},
		{"CreateStateMachine", `{"name":"x","roleArn":"arn:aws:iam::1:role/r"}`, "ValidationException"},
		{"CreateStateMachine", `{"name":"x","definition":"{}","roleArn":"arn:aws:iam::1:role/r","type":"FAST"}`, "ValidationException"},
		{"CreateStateMachine", `{"name":"x","definition":` + jsonString(deep) + `,"roleArn":"arn:aws:iam::1:role/r"}`, "InvalidDefinition"},
		{"CreateStateMachine", deep, "SerializationException"},
		{"DescribeStateMachine", `{}`, "ValidationException"},
		{"DescribeStateMachine", `{"stateMachineArn":"arn:aws:states"}`, "InvalidArn"},
		{"DescribeStateMachine", `{"stateMachineArn":"` + execution + `"}`, "InvalidArn"},
		{"UpdateStateMachine", `{"stateMachineArn":"` + arn + `:1"}`, "ValidationException"},
		{"DeleteStateMachine", `{"stateMachineArn":"nope"}`, "InvalidArn"},
		{"ListStateMachines", `{"maxResults":5000}`, "ValidationException"},
		{"ListStateMachines", `{"maxResults":"ten"}`, "SerializationException"},
		{"StartExecution", `{"stateMachineArn":"` + arn + `","input":"{\"a\":"}`, "InvalidExecutionInput"},
		{"StartExecution", `{"stateMachineArn":"` + arn + `","input":` + jsonString(`"`+strings.Repeat("x", 300<<10)+`"`) + `}`, "InvalidExecutionInput"},
		{"StartExecution", `{"stateMachineArn":"` + arn + `","input":` + jsonString(deep) + `}`, "InvalidExecutionInput"},
		{"StartExecution", `{"stateMachineArn":"` + arn + `","name":"a b"}`, "InvalidName"},
		{"StartExecution", `{"stateMachineArn":"` + arn + `:nosuchalias"}`, "ResourceNotFound"},
		{"StartSyncExecution", `{"stateMachineArn":"` + arn + `"}`, "StateMachineTypeNotSupported"},
		{"DescribeExecution", `{"executionArn":"` + arn + `"}`, "InvalidArn"},
		{"DescribeExecution", `{"executionArn":"` + execution + `"}`, "ExecutionDoesNotExist"},
		{"DescribeExecution", `{"executionArn":"` + execution + `","includedData":"SOME"}`, "ExecutionDoesNotExist"},
		{"ListExecutions", `{}`, "ValidationException"},
		{"ListExecutions", `{"stateMachineArn":"` + arn + `","nextToken":"x"}`, "InvalidToken"},
		{"StopExecution", `{"executionArn":"` + execution + `"}`, "ExecutionDoesNotExist"},
		{"RedriveExecution", `{"executionArn":"` + execution + `"}`, "ExecutionDoesNotExist"},
		{"GetExecutionHistory", `{"executionArn":"` + execution + `"}`, "ExecutionDoesNotExist"},
		{"GetExecutionHistory", `{"executionArn":"` + execution + `","reverseOrder":"yes"}`, "SerializationException"},
		{"DescribeStateMachineForExecution", `{"executionArn":"x"}`, "InvalidArn"},
		{"SendTaskSuccess", `{"taskToken":"t"}`, "ValidationException"},
		{"SendTaskSuccess", `{"taskToken":"t","output":"{}"}`, "InvalidToken"},
		{"SendTaskSuccess", `{"taskToken":"t","output":"{"}`, "InvalidOutput"},
		{"SendTaskFailure", `{"taskToken":"t","error":"` + strings.Repeat("e", 300) + `"}`, "ValidationException"},
		{"SendTaskHeartbeat", `{"taskToken":"` + strings.Repeat("t", 2000) + `"}`, "ValidationException"},
		{"CreateActivity", `{"name":""}`, "ValidationException"},
		{"CreateActivity", `{"name":"a:b"}`, "InvalidName"},
		{"DescribeActivity", `{"activityArn":"` + arn + `"}`, "InvalidArn"},
		{"GetActivityTask", `{"activityArn":"arn:aws:states:us-east-1:123456789012:activity:none"}`, "ActivityDoesNotExist"},
		{"DeleteActivity", `{"activityArn":"x"}`, "InvalidArn"},
		{"TagResource", `{"resourceArn":"` + arn + `","tags":[{"key":"","value":"v"}]}`, "ValidationException"},
		{"ListTagsForResource", `{"resourceArn":"` + execution + `"}`, "InvalidArn"},
		{"ValidateStateMachineDefinition", `{"definition":"{}","severity":"INFO"}`, "ValidationException"},
		{"PublishStateMachineVersion", `{"stateMachineArn":"` + arn + `","revisionId":"999"}`, "ConflictException"},
		{"CreateStateMachineAlias", `{"name":"1","routingConfiguration":[]}`, "InvalidName"},
		{"CreateStateMachineAlias", `{"name":"live","routingConfiguration":[]}`, "ValidationException"},
		{"DescribeStateMachineAlias", `{"stateMachineAliasArn":"` + arn + `:live"}`, "ResourceNotFound"},
		{"TestState", `{"definition":"{\"Type\":\"Pass\",\"End\":true}","inspectionLevel":"ALL"}`, "ValidationException"},
		{"TestState", `{"definition":"{\"Type\":\"Nope\"}"}`, "InvalidDefinition"},
		{"DescribeMapRun", `{"mapRunArn":"arn:aws:states:us-east-1:123456789012:mapRun:kept/m:1"}`, "ResourceNotFound"},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s %s", tc.action, tc.code), func(t *testing.T) {
			resp, body := apiCall(t, s, tc.action, tc.body)
			if resp.StatusCode < 400 || resp.StatusCode >= 500 || apiErrorType(resp, body) != tc.code {
				t.Fatalf("%s %.200s: %d %.300s, want 4xx %s", tc.action, tc.body, resp.StatusCode, body, tc.code)
			}
		})
	}
	t.Run("a Host that is not the studio's is refused (DNS rebinding)", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, s.url+"/", strings.NewReader(`{}`))
		req.Host = "evil.example"
		req.Header.Set("X-Amz-Target", "AWSStepFunctions.ListStateMachines")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusMisdirectedRequest || apiErrorType(resp, string(body)) != "MisdirectedRequestException" {
			t.Fatalf("evil.example: %d %s", resp.StatusCode, body)
		}
	})
	t.Run("an oversized body is refused before it is read", func(t *testing.T) {
		resp, body := apiCall(t, s, "StartExecution", `{"input":"`+strings.Repeat("x", 3<<20)+`"}`)
		if resp.StatusCode != http.StatusRequestEntityTooLarge || apiErrorType(resp, body) != "ValidationException" {
			t.Fatalf("3 MiB body: %d %.300s", resp.StatusCode, body)
		}
	})
	// What was stored is as it was.
	d, err := anySFN(s).DescribeStateMachine(context.Background(), &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	if err != nil || *d.Definition != apiPassDefinition {
		t.Fatalf("after the bad input: %v %+v", err, d)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestServeRefusesARNBreakingRegionAndAccount(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--region", "us:east"}, {"--account", "12 34"}} {
		_, err := startStudioArgs(t, append([]string{"--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "s.db")}, args...)...)
		if err == nil || !strings.Contains(err.Error(), args[0]) {
			t.Fatalf("%v: %v", args, err)
		}
	}
}
