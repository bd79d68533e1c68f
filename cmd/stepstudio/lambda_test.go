package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

// TestLambdaTasksThroughAnEndpoint: with --lambda-endpoint, Lambda tasks (lambda:invoke and a
// function's own ARN) call the Lambda Invoke API of the endpoint, and a function's error is
// caught by its errorType.
func TestLambdaTasksThroughAnEndpoint(t *testing.T) {
	t.Parallel()
	lambdaAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/2015-03-31/functions/"), "/invocations")
		body, _ := io.ReadAll(r.Body)
		switch name {
		case "greet":
			var in struct{ Name string }
			json.Unmarshal(body, &in)
			json.NewEncoder(w).Encode(map[string]string{"greeting": "hello " + in.Name})
		default:
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			io.WriteString(w, `{"errorType":"NotFoundError","errorMessage":"no such order"}`)
		}
	}))
	t.Cleanup(lambdaAPI.Close)
	s, err := startStudioArgs(t, "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "data", "studio.db"), "--lambda-endpoint", lambdaAPI.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.stop)
	c := anySFN(s)
	ctx := context.Background()
	arn := createAPIMachine(t, c, "lambdas", `{"StartAt":"Greet","States":{
  "Greet":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"greet","Payload.$":"$"},
    "ResultSelector":{"greeting.$":"$.Payload.greeting"},"ResultPath":"$.greet","Next":"Lookup"},
  "Lookup":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:lookup",
    "Catch":[{"ErrorEquals":["NotFoundError"],"ResultPath":"$.lookup","Next":"Done"}],"End":true},
  "Done":{"Type":"Succeed"}}}`, "")
	start := must[*sfn.StartExecutionOutput](t, "start")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String(`{"name":"ann"}`)}))
	d := awaitStatus(t, c, *start.ExecutionArn, types.ExecutionStatusSucceeded)
	var out struct {
		Greet  struct{ Greeting string }
		Lookup struct{ Error, Cause string }
	}
	json.Unmarshal([]byte(*d.Output), &out)
	if out.Greet.Greeting != "hello ann" || out.Lookup.Error != "NotFoundError" || !strings.Contains(out.Lookup.Cause, "no such order") {
		t.Fatalf("output %s", *d.Output)
	}
	h := must[*sfn.GetExecutionHistoryOutput](t, "history")(c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: start.ExecutionArn}))
	var kinds []string
	for _, ev := range h.Events {
		kinds = append(kinds, string(ev.Type))
	}
	joined := strings.Join(kinds, " ")
	if !strings.Contains(joined, "TaskScheduled TaskStarted TaskSucceeded") || !strings.Contains(joined, "LambdaFunctionScheduled LambdaFunctionStarted LambdaFunctionFailed") {
		t.Fatalf("history %v", kinds)
	}
}
