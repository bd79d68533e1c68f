package integration_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/integration"
)

// lambdaServer speaks the Lambda Invoke API as sam local start-lambda does: each function
// answers by its name (double: {"n": 2n}; fail: an unhandled ValueError; slow: never in time).
type lambdaServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []string // "NAME BODY", with whether the request was signed
}

func startLambda(t *testing.T) *lambdaServer {
	t.Helper()
	ls := &lambdaServer{}
	ls.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := strings.CutPrefix(r.URL.Path, "/2015-03-31/functions/")
		name, ok2 := strings.CutSuffix(name, "/invocations")
		if r.Method != http.MethodPost || !ok || !ok2 {
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"Type":"User","message":"Function not found"}`)
			return
		}
		body, _ := io.ReadAll(r.Body)
		ls.mu.Lock()
		ls.requests = append(ls.requests, name+" "+string(body)+" signed="+boolText(strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256")))
		ls.mu.Unlock()
		w.Header().Set("X-Amz-Executed-Version", "$LATEST")
		switch name {
		case "double":
			var in struct{ N int }
			json.Unmarshal(body, &in)
			json.NewEncoder(w).Encode(map[string]int{"n": 2 * in.N})
		case "fail":
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			io.WriteString(w, `{"errorType":"ValueError","errorMessage":"n must be positive","trace":[]}`)
		case "slow":
			<-r.Context().Done()
		default:
			w.Header().Set("X-Amzn-ErrorType", "ResourceNotFoundException")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"Type":"User","message":"Function not found: `+name+`"}`)
		}
	}))
	t.Cleanup(ls.Close)
	return ls
}

func boolText(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

const fn = "arn:aws:lambda:us-east-1:123456789012:function:"

func TestLambdaInvocations(t *testing.T) {
	t.Parallel()
	ls := startLambda(t)
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	l := &integration.Lambda{Endpoint: ls.URL, Functions: map[string]string{"elsewhere": down.URL}}
	inv := integration.Invoker{Lambda: l}
	ctx := context.Background()
	for _, tc := range []struct {
		name, resource, input, want, errName string
	}{
		{"a function by its ARN returns its result", fn + "double", `{"n":21}`, `{"n":42}`, ""},
		{"lambda:invoke returns AWS's shape", "arn:aws:states:::lambda:invoke", `{"FunctionName":"double","Payload":{"n":4}}`,
			`{"ExecutedVersion":"$LATEST","Payload":{"n":8},"SdkHttpMetadata":{"HttpStatusCode":200},"StatusCode":200}`, ""},
		{"a function error is named after its errorType", fn + "fail", `{}`, "", "ValueError"},
		{"lambda:invoke too", "arn:aws:states:::lambda:invoke", `{"FunctionName":"` + fn + `fail","Payload":{}}`, "", "ValueError"},
		{"a missing function is Lambda.ResourceNotFoundException", fn + "missing", `{}`, "", "Lambda.ResourceNotFoundException"},
		{"an endpoint that is down is Lambda.SdkClientException", fn + "elsewhere", `{}`, "", "Lambda.SdkClientException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := inv.Invoke(ctx, runtime.TaskRequest{Resource: tc.resource, Input: json.RawMessage(tc.input)})
			if tc.errName != "" {
				failure, ok := err.(*runtime.Error)
				if !ok || failure.Name != tc.errName {
					t.Fatalf("error %v, want %s", err, tc.errName)
				}
				if tc.errName == "ValueError" && !strings.Contains(failure.Cause, `"errorMessage":"n must be positive"`) {
					t.Fatalf("cause %q does not carry the function's error", failure.Cause)
				}
				return
			}
			if err != nil || strings.TrimSpace(string(out)) != tc.want {
				t.Fatalf("got %s %v, want %s", out, err, tc.want)
			}
		})
	}
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if len(ls.requests) == 0 || !strings.HasSuffix(ls.requests[0], "signed=yes") || !strings.HasPrefix(ls.requests[0], "double {") {
		t.Fatalf("requests %v", ls.requests)
	}
}

// TestLambdaInAWorkflow: a function error is caught by its name; a function that does not
// answer within TimeoutSeconds times the task out; the history has AWS's LambdaFunction events.
func TestLambdaInAWorkflow(t *testing.T) {
	t.Parallel()
	ls := startLambda(t)
	output, rec := runToSuccess(t, integration.Invoker{Lambda: &integration.Lambda{Endpoint: ls.URL}}, `{"StartAt":"Double","States":{
		"Double":{"Type":"Task","Resource":"`+fn+`double","ResultPath":"$.doubled","Next":"Fail"},
		"Fail":{"Type":"Task","Resource":"`+fn+`fail","Catch":[{"ErrorEquals":["ValueError"],"ResultPath":"$.caught","Next":"Slow"}],"End":true},
		"Slow":{"Type":"Task","Resource":"`+fn+`slow","TimeoutSeconds":1,"Catch":[{"ErrorEquals":["States.Timeout"],"ResultPath":null,"Next":"Done"}],"End":true},
		"Done":{"Type":"Succeed"}}}`, `{"n":5}`)
	var out struct {
		Doubled struct{ N int }
		Caught  struct{ Error string }
	}
	json.Unmarshal(output, &out)
	if out.Doubled.N != 10 || out.Caught.Error != "ValueError" {
		t.Fatalf("output %s", output)
	}
	want := "LambdaFunctionScheduled LambdaFunctionStarted LambdaFunctionSucceeded " +
		"LambdaFunctionScheduled LambdaFunctionStarted LambdaFunctionFailed " +
		"LambdaFunctionScheduled LambdaFunctionStarted LambdaFunctionTimedOut"
	if got := rec.lambdaEvents(); got != want {
		t.Fatalf("events %s\nwant   %s", got, want)
	}
}

// runToSuccess runs a definition on the wall clock with inv, fails the test unless the
// execution succeeds, and answers its output and its history.
func runToSuccess(t *testing.T, inv integration.Invoker, definition, input string) (json.RawMessage, *recorder) {
	t.Helper()
	def, err := runtime.Parse([]byte(definition))
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	eng := runtime.NewEngine(runtime.EngineConfig{Clock: realClock{}, Invoker: inv, Recorder: rec})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := eng.Run(ctx, runtime.StartInput{ExecutionARN: executionARN, Definition: def, Input: json.RawMessage(input)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != runtime.StatusSucceeded {
		t.Fatalf("status %s %s %s", res.Status, res.Error, res.Cause)
	}
	return res.Output, rec
}

type recorder struct {
	mu     sync.Mutex
	events []runtime.Event
}

func (r *recorder) Record(_ context.Context, _ string, ev runtime.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
	return nil
}

func (r *recorder) lambdaEvents() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, ev := range r.events {
		if strings.HasPrefix(string(ev.Type), "LambdaFunction") {
			out = append(out, string(ev.Type))
		}
	}
	return strings.Join(out, " ")
}

// realClock is the wall clock: the slow function's TimeoutSeconds passes for real (a second).
type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) NewTimer(d time.Duration) runtime.Timer { return realTimer{time.NewTimer(d)} }

type realTimer struct{ t *time.Timer }

func (r realTimer) C() <-chan time.Time { return r.t.C }
func (r realTimer) Stop() bool          { return r.t.Stop() }
