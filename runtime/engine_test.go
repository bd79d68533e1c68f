package runtime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/fakeclock"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// testStart is when every test execution starts.
var testStart = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// startInput names a test execution the way the golden files expect.
func startInput(def *runtime.Definition, input string) runtime.StartInput {
	return runtime.StartInput{
		ExecutionARN:     "arn:aws:states:us-east-1:123456789012:execution:machine:run-1",
		ExecutionName:    "run-1",
		StateMachineARN:  "arn:aws:states:us-east-1:123456789012:stateMachine:machine",
		StateMachineName: "machine",
		RoleARN:          "arn:aws:iam::123456789012:role/test",
		Definition:       def,
		Input:            json.RawMessage(input),
	}
}

// recorder keeps every event per execution; safe for concurrent executions.
type recorder struct {
	mu     sync.Mutex
	events map[string][]runtime.Event
	// fail, when set, fails recording of that event type.
	fail runtime.EventType
	// seen is signalled (without blocking) after every event.
	seen chan runtime.Event
}

func newRecorder() *recorder {
	return &recorder{events: map[string][]runtime.Event{}, seen: make(chan runtime.Event, 1000)}
}

func (r *recorder) Record(_ context.Context, arn string, ev runtime.Event) error {
	if ev.Type == r.fail {
		return errors.New("disk full")
	}
	r.mu.Lock()
	r.events[arn] = append(r.events[arn], ev)
	r.mu.Unlock()
	select {
	case r.seen <- ev:
	default:
	}
	return nil
}

func (r *recorder) history(arn string) []runtime.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]runtime.Event(nil), r.events[arn]...)
}

// waitFor blocks until an event of type typ is recorded.
func (r *recorder) waitFor(t *testing.T, typ runtime.EventType) runtime.Event {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev := <-r.seen:
			if ev.Type == typ {
				return ev
			}
		case <-timeout:
			t.Fatalf("no %s event", typ)
		}
	}
}

// testInvoker echoes a Task's input, or fails when the resource says so.
type testInvoker struct {
	mu       sync.Mutex
	requests []runtime.TaskRequest
	// block, when set, makes calls wait for it (or their context).
	block chan struct{}
}

func (inv *testInvoker) Invoke(ctx context.Context, req runtime.TaskRequest) (json.RawMessage, error) {
	inv.mu.Lock()
	inv.requests = append(inv.requests, req)
	inv.mu.Unlock()
	if inv.block != nil {
		select {
		case <-inv.block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	switch {
	case strings.HasSuffix(req.Resource, ":fail"):
		return nil, &runtime.Error{Name: "Custom.Failure", Cause: "the test invoker was told to fail"}
	case strings.HasSuffix(req.Resource, ":crash"):
		return nil, errors.New("boom")
	case strings.HasSuffix(req.Resource, ".waitForTaskToken"):
		return json.RawMessage(`{"MessageId":"m-1"}`), nil
	}
	return req.Input, nil
}

func (inv *testInvoker) calls() []runtime.TaskRequest {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	return append([]runtime.TaskRequest(nil), inv.requests...)
}

// countingTokens makes predictable task tokens.
func countingTokens() func() (string, error) {
	var mu sync.Mutex
	n := 0
	return func() (string, error) {
		mu.Lock()
		defer mu.Unlock()
		n++
		return fmt.Sprintf("token-%d", n), nil
	}
}

// formatHistory renders events one per line for golden files: id, previous id, time since
// the start, type, state and the details as AWS-shaped JSON (plus the token, which AWS
// does not show).
func formatHistory(events []runtime.Event) string {
	var b strings.Builder
	for _, ev := range events {
		details, _ := json.Marshal(ev.Details)
		fmt.Fprintf(&b, "%d %d +%s %s", ev.ID, ev.PreviousEventID, ev.Timestamp.Sub(testStart), ev.Type)
		if ev.State != "" {
			fmt.Fprintf(&b, " %q", ev.State)
		}
		if string(details) != "{}" {
			fmt.Fprintf(&b, " %s", details)
		}
		if ev.Details.TaskToken != "" {
			fmt.Fprintf(&b, " token=%s", ev.Details.TaskToken)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// checkGolden compares got with testdata/<name>, or rewrites it with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

// execCase is a file of testdata/cases: a definition, an input and the expected result.
type execCase struct {
	Comment    string          `json:"comment"`
	Definition json.RawMessage `json:"definition"`
	Input      json.RawMessage `json:"input"`
	Expect     struct {
		Status string          `json:"status"`
		Output json.RawMessage `json:"output"`
		Error  *string         `json:"error"`
		Cause  *string         `json:"cause"`
	} `json:"expect"`
}

// TestExecutionCases runs every testdata/cases file on a virtual clock and compares the
// result exactly (output bytes included: key order and number text are kept) and the
// history with testdata/history.
func TestExecutionCases(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "cases", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var c execCase
			if err := json.Unmarshal(data, &c); err != nil {
				t.Fatal(err)
			}
			def, err := runtime.Parse(c.Definition)
			if err != nil {
				t.Fatal(err)
			}
			rec := newRecorder()
			eng := runtime.NewEngine(runtime.EngineConfig{
				Clock: fakeclock.NewVirtual(testStart), Invoker: &testInvoker{}, Recorder: rec, NewToken: countingTokens(),
			})
			in := startInput(def, string(c.Input))
			res, err := eng.Run(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			want := runtime.Result{Status: runtime.Status(c.Expect.Status)}
			if c.Expect.Output != nil {
				var compact bytes.Buffer
				if err := json.Compact(&compact, c.Expect.Output); err != nil {
					t.Fatal(err)
				}
				want.Output = compact.Bytes()
			}
			if c.Expect.Error != nil {
				want.Error = *c.Expect.Error
			}
			if c.Expect.Cause != nil {
				want.Cause = *c.Expect.Cause
			}
			if diff := cmp.Diff(want, res); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
			checkGolden(t, filepath.Join("history", name+".golden"), formatHistory(rec.history(in.ExecutionARN)))
		})
	}
}
