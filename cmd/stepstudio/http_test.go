package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
)

const ordersConnection = "arn:aws:events:us-east-1:123456789012:connection/orders/1"

// TestHTTPTasksCallTheirAPI: HTTP Tasks call the API they name with the credentials of
// --http-connections; one succeeds with AWS's result, a 404 is caught by its name, and the
// history has Task events of resource type "http".
func TestHTTPTasksCallTheirAPI(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var keys []string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		keys = append(keys, r.Header.Get("X-Api-Key"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/orders/7" {
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"message":"no such order"}`)
			return
		}
		io.WriteString(w, `{"id":7,"status":"shipped"}`)
	}))
	t.Cleanup(api.Close)
	conns := filepath.Join(t.TempDir(), "connections.json")
	os.WriteFile(conns, []byte(`{"`+ordersConnection+`": {"AuthParameters": {"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "k3y"}}}}`), 0o600)
	s, err := startStudioArgs(t, "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "data", "studio.db"), "--http-connections", conns)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.stop)
	c := anySFN(s)
	ctx := context.Background()
	arn := createAPIMachine(t, c, "orders", `{"StartAt":"Get","States":{
  "Get":{"Type":"Task","Resource":"arn:aws:states:::http:invoke",
    "Parameters":{"ApiEndpoint.$":"States.Format('`+api.URL+`/orders/{}', $.id)","Method":"GET",
      "InvocationConfig":{"ConnectionArn":"`+ordersConnection+`"}},
    "ResultSelector":{"status.$":"$.ResponseBody.status","code.$":"$.StatusCode"},"ResultPath":"$.order","Next":"Missing"},
  "Missing":{"Type":"Task","Resource":"arn:aws:states:::http:invoke",
    "Parameters":{"ApiEndpoint":"`+api.URL+`/orders/8","Method":"GET","Authentication":{"ConnectionArn":"`+ordersConnection+`"}},
    "Catch":[{"ErrorEquals":["States.Http.StatusCode.404"],"ResultPath":"$.missing","Next":"Done"}],"End":true},
  "Done":{"Type":"Succeed"}}}`, "")
	start := must[*sfn.StartExecutionOutput](t, "start")(c.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(arn), Input: aws.String(`{"id":7}`)}))
	d := awaitStatus(t, c, *start.ExecutionArn, types.ExecutionStatusSucceeded)
	var out struct {
		Order struct {
			Status string
			Code   int
		}
		Missing struct{ Error, Cause string }
	}
	json.Unmarshal([]byte(*d.Output), &out)
	if out.Order.Status != "shipped" || out.Order.Code != 200 || out.Missing.Error != "States.Http.StatusCode.404" || out.Missing.Cause != "Not Found" {
		t.Fatalf("output %s", *d.Output)
	}
	mu.Lock()
	if strings.Join(keys, " ") != "k3y k3y" {
		t.Errorf("API keys sent: %q", keys)
	}
	mu.Unlock()
	h := must[*sfn.GetExecutionHistoryOutput](t, "history")(c.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: start.ExecutionArn}))
	var got []string
	for _, ev := range h.Events {
		switch {
		case ev.TaskScheduledEventDetails != nil:
			got = append(got, "TaskScheduled "+*ev.TaskScheduledEventDetails.ResourceType+" "+*ev.TaskScheduledEventDetails.Resource)
		case ev.TaskSucceededEventDetails != nil:
			got = append(got, "TaskSucceeded "+*ev.TaskSucceededEventDetails.ResourceType+" "+*ev.TaskSucceededEventDetails.Resource)
		case ev.TaskFailedEventDetails != nil:
			got = append(got, "TaskFailed "+*ev.TaskFailedEventDetails.ResourceType+" "+*ev.TaskFailedEventDetails.Resource+" "+*ev.TaskFailedEventDetails.Error)
		}
	}
	want := "TaskScheduled http invoke, TaskSucceeded http invoke, TaskScheduled http invoke, TaskFailed http invoke States.Http.StatusCode.404"
	if strings.Join(got, ", ") != want {
		t.Fatalf("history %s\nwant    %s", strings.Join(got, ", "), want)
	}
}

// TestHTTPConnectionsFileRefused: serve does not start with a connections file it cannot
// use, and says which file and where in it.
func TestHTTPConnectionsFileRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, content, want string
		env                 bool
	}{
		{"bad JSON, by line and column", "{\n  \"" + ordersConnection + "\": {,\n}", "line 2, column 65: invalid character ','", false},
		{"a missing value, by connection and field, named in the environment", `{"` + ordersConnection + `": {"AuthParameters": {"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key"}}}}`,
			`"` + ordersConnection + `": AuthParameters.ApiKeyAuthParameters.ApiKeyValue is missing`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			conns := filepath.Join(t.TempDir(), "connections.json")
			os.WriteFile(conns, []byte(tc.content), 0o600)
			args := []string{"--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "studio.db")}
			env := map[string]string{"STEPSTUDIO_HTTP_CONNECTIONS": conns}
			if !tc.env {
				args, env = append(args, "--http-connections", conns), nil
			}
			s, err := startStudioEnv(t, env, args...)
			if err == nil {
				s.stop()
				t.Fatal("serve started")
			}
			if !strings.Contains(err.Error(), "--http-connections") || !strings.Contains(err.Error(), conns) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v\nwant the file and %q", err, tc.want)
			}
		})
	}
}
