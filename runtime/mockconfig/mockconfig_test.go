package mockconfig_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/fakeclock"
	"github.com/stepstudio/stepstudio/runtime/mockconfig"
)

// mockFile is in Step Functions Local's format, as its documentation's example has it, with
// a retry path, a Map and a callback.
const mockFile = `{
  "StateMachines": {
    "Orders": {
      "TestCases": {
        "HappyPath": {"Charge": "ChargeOK", "Notify": "Sent", "Approve": "Approved"},
        "RetryPath": {"Charge": "ChargeFlaky", "Notify": "Sent", "Approve": "Approved"},
        "Declined":  {"Charge": "ChargeDeclined"},
        "ShortMock": {"Charge": "ChargeOK", "Notify": "SentOnce", "Approve": "Approved"}
      }
    }
  },
  "MockedResponses": {
    "ChargeOK":       {"0": {"Return": {"StatusCode": 200, "Payload": {"charged": 42}}}},
    "ChargeFlaky":    {"0-1": {"Throw": {"Error": "Lambda.TooManyRequestsException", "Cause": "Rate exceeded"}},
                       "2":   {"Return": {"StatusCode": 200, "Payload": {"charged": 7}}}},
    "ChargeDeclined": {"0": {"Throw": {"Error": "CardDeclined", "Cause": "{\"errorMessage\":\"no funds\"}"}}},
    "Sent":           {"0-2": {"Return": {"MessageId": "m-1"}}},
    "SentOnce":       {"0": {"Return": {"MessageId": "m-1"}}},
    "Approved":       {"0": {"Return": {"approved": true}}}
  }
}`

const orders = `{"StartAt":"Charge","States":{
  "Charge":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"charge","Payload.$":"$"},
    "Retry":[{"ErrorEquals":["Lambda.TooManyRequestsException"],"IntervalSeconds":1,"MaxAttempts":3}],
    "Catch":[{"ErrorEquals":["CardDeclined"],"ResultPath":"$.declined","Next":"Declined"}],
    "ResultSelector":{"charged.$":"$.Payload.charged"},"ResultPath":"$.charge","Next":"NotifyEach"},
  "NotifyEach":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":1,"ResultPath":"$.sent","Next":"Approve",
    "ItemProcessor":{"StartAt":"Notify","States":{"Notify":{"Type":"Task","Resource":"arn:aws:states:::sns:publish","Parameters":{"Message.$":"$"},"End":true}}}},
  "Approve":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"MessageBody":{"token.$":"$$.Task.Token"}},"ResultPath":"$.decision","End":true},
  "Declined":{"Type":"Fail","Error":"Declined"}}}`

func run(t *testing.T, cfg runtime.Mocks, testCase string) (runtime.Result, []runtime.Event) {
	t.Helper()
	def, err := runtime.Parse([]byte(orders))
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	// No invoker: a call the mock does not answer fails, and a callback would wait forever.
	eng := runtime.NewEngine(runtime.EngineConfig{Clock: fakeclock.NewVirtual(time.Unix(1e9, 0)), Mocks: cfg, Recorder: rec})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := eng.Run(ctx, runtime.StartInput{ExecutionARN: "arn:aws:states:us-east-1:123456789012:execution:Orders:x",
		StateMachineName: "Orders", Definition: def, Input: json.RawMessage(`{"items":[1,2,3]}`), TestCase: testCase})
	if err != nil {
		t.Fatal(err)
	}
	return res, rec.events
}

type recorder struct{ events []runtime.Event }

func (r *recorder) Record(_ context.Context, _ string, ev runtime.Event) error {
	r.events = append(r.events, ev)
	return nil
}

func parse(t *testing.T) *mockconfig.Config {
	t.Helper()
	c, err := mockconfig.Parse([]byte(mockFile))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestTestCases(t *testing.T) {
	c := parse(t)
	res, events := run(t, c, "HappyPath")
	if res.Status != runtime.StatusSucceeded || string(res.Output) !=
		`{"items":[1,2,3],"charge":{"charged":42},"sent":[{"MessageId":"m-1"},{"MessageId":"m-1"},{"MessageId":"m-1"}],"decision":{"approved":true}}` {
		t.Fatalf("happy path: %s %s %s", res.Status, res.Output, res.Cause)
	}
	mocked := 0
	for _, ev := range events {
		if ev.Type == runtime.TaskScheduled && ev.Details.Mocked {
			mocked++
		}
		if ev.Type == runtime.TaskSubmitted {
			t.Errorf("a mocked callback waits: %+v", ev)
		}
	}
	if mocked != 5 {
		t.Errorf("%d mocked calls, want 5", mocked)
	}

	// Retries consume invocations: 0 and 1 throw, 2 returns.
	res, events = run(t, c, "RetryPath")
	if res.Status != runtime.StatusSucceeded || !strings.Contains(string(res.Output), `"charge":{"charged":7}`) {
		t.Fatalf("retry path: %s %s", res.Status, res.Output)
	}
	failures := 0
	for _, ev := range events {
		if ev.Type == runtime.TaskFailed && ev.Details.Error == "Lambda.TooManyRequestsException" {
			failures++
		}
	}
	if failures != 2 {
		t.Errorf("%d failed attempts, want 2", failures)
	}

	// A Throw is caught by the error name it gives.
	res, _ = run(t, c, "Declined")
	if res.Status != runtime.StatusFailed || res.Error != "Declined" {
		t.Fatalf("declined: %s %s", res.Status, res.Error)
	}

	// The Map's second iteration is past the last mocked invocation.
	res, _ = run(t, c, "ShortMock")
	if res.Status != runtime.StatusFailed || res.Error != runtime.ErrNameRuntime ||
		!strings.Contains(res.Cause, `maps the state "Notify" to the mocked response SentOnce, which answers invocations 0-0; this is invocation 1`) {
		t.Fatalf("short mock: %s %s %s", res.Status, res.Error, res.Cause)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{`[]`, "not a Step Functions Local mock file"},
		{`{"StateMachine":{}}`, `unknown field "StateMachine"`},
		{`{"MockedResponses":{"R":{"1":{"Return":1}}}}`, `MockedResponses.R: the invocations must follow on from 0 without a gap or an overlap; "1" is not invocation 0`},
		{`{"MockedResponses":{"R":{"0-1":{"Return":1},"1":{"Return":2}}}}`, `"1" is not invocation 2`},
		{`{"MockedResponses":{"R":{"x":{"Return":1}}}}`, `MockedResponses.R."x": a key is an invocation number`},
		{`{"MockedResponses":{"R":{"0":{"Return":1,"Throw":{}}}}}`, `MockedResponses.R."0": must have exactly one of Return`},
		{`{"MockedResponses":{"R":{"0":{"Throw":{"Error":"E"}}}}}`, `MockedResponses.R."0".Throw: must have an Error and a Cause`},
		{`{"StateMachines":{"M":{"TestCases":{"T":{"S":"Nope"}}}}}`, `StateMachines.M.TestCases.T.S: no mocked response is named "Nope"`},
	} {
		_, err := mockconfig.Parse([]byte(tc.file))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.file, err, tc.want)
		}
	}
	c := parse(t)
	if err := c.CheckTestCase("Orders", "Nope"); err == nil || !strings.Contains(err.Error(), "(it has: Declined, HappyPath, RetryPath, ShortMock)") {
		t.Errorf("unknown case: %v", err)
	}
	if err := c.CheckTestCase("Other", "HappyPath"); err == nil || !strings.Contains(err.Error(), `no state machine named "Other"`) {
		t.Errorf("unknown machine: %v", err)
	}
}

// TestFileReloads: an edited file is read again; a broken edit is reported.
func TestFileReloads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "MockConfigFile.json")
	write := func(text string, at time.Time) {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(path, at, at)
	}
	write(mockFile, time.Unix(1e9, 0))
	f, err := mockconfig.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	write(strings.Replace(mockFile, `"HappyPath"`, `"Renamed"`, 1), time.Unix(1e9+10, 0))
	c, err := f.Current()
	if err != nil || len(c.TestCases("Orders")) != 4 || c.CheckTestCase("Orders", "Renamed") != nil {
		t.Fatalf("after an edit: %v %v", c, err)
	}
	write(`{"StateMachines":`, time.Unix(1e9+20, 0))
	if _, err := f.Current(); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("a broken edit: %v", err)
	}
}
