package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/stepstudio/stepstudio/runtime"
)

// studio is the real program serving on a free port with a temporary SQLite file.
type studio struct {
	url  string
	db   string
	stop func()
	// banner is the first line the program printed.
	banner string
	// client keeps the studio's cookies, does not follow redirects (a test sees the 303 a
	// form post answers with) and adds a CSRF token to every state-changing request.
	client *http.Client
	// logs is what the program logged (its stderr).
	logs *lockedBuffer
}

// lockedBuffer is a bytes.Buffer the program writes to while a test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func startStudio(t *testing.T) *studio {
	t.Helper()
	s := startStudioOn(t, filepath.Join(t.TempDir(), "data", "studio.db"))
	t.Cleanup(s.stop)
	return s
}

// startStudioOn starts the program on the given database; the caller stops it.
func startStudioOn(t *testing.T, db string) *studio {
	t.Helper()
	s, err := startStudioArgs(t, "--addr", "127.0.0.1:0", "--db", db)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// startStudioArgs starts "stepstudio serve" with args, or returns the error it ended with
// before it listened; the caller stops it.
func startStudioArgs(t *testing.T, args ...string) (*studio, error) {
	t.Helper()
	return startStudioEnv(t, nil, args...)
}

// startStudioEnv is startStudioArgs with environment variables.
func startStudioEnv(t *testing.T, env map[string]string, args ...string) (*studio, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	logs := &lockedBuffer{}
	go func() {
		err := run(ctx, append([]string{"serve"}, args...), func(k string) string { return env[k] }, pw, logs)
		done <- err
		pw.CloseWithError(fmt.Errorf("serve ended: %v", err))
	}()
	client := newStudioClient(t)
	stop := func() {
		client.CloseIdleConnections()
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(waitLimit):
			t.Errorf("serve did not stop within %s of cancel", waitLimit)
		}
	}
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		return nil, <-done
	}
	go io.Copy(io.Discard, pr)
	m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("unexpected first line %q", line)
	}
	s := &studio{url: m[1], db: flagValue(args, "--db"), stop: sync.OnceFunc(stop), client: client, banner: line, logs: logs}
	client.Transport.(*csrfTransport).studio = s
	return s, nil
}

func (s *studio) post(t *testing.T, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := s.client.PostForm(s.url+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func (s *studio) get(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	resp, err := s.client.Get(s.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

const callbackDefinition = `{
  "StartAt": "Approve",
  "States": {
    "Approve": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {"orderId.$": "$.orderId", "token.$": "$$.Task.Token"},
      "ResultPath": "$.decision",
      "Next": "Done"
    },
    "Done": {"Type": "Succeed"}
  }
}`

func (s *studio) createMachine(t *testing.T, name, definition string) {
	t.Helper()
	resp, body := s.post(t, "/machines", url.Values{"name": {name}, "definition": {definition}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create %s: status %d\n%s", name, resp.StatusCode, body)
	}
}

// startExecution runs the machine and returns the execution page's path.
func (s *studio) startExecution(t *testing.T, machine, input string) string {
	t.Helper()
	resp, body := s.post(t, "/machines/"+machine+"/executions", url.Values{"input": {input}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("run %s: status %d\n%s", machine, resp.StatusCode, body)
	}
	return resp.Header.Get("Location")
}

type wsMessage struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	State     string `json:"state"`
	Node      string `json:"node"`
	Status    string `json:"status"`
	Execution *struct {
		Status, Output, Error, Cause string
	} `json:"execution"`
}

func (s *studio) watch(t *testing.T, execPath string, after int64) *websocket.Conn {
	t.Helper()
	u := strings.Replace(s.url, "http://", "ws://", 1) + execPath + fmt.Sprintf("/ws?after=%d", after)
	conn, _, err := (&websocket.Dialer{Jar: s.client.Jar}).Dial(u, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// waitLimit is how long a test waits for what the studio does on its own goroutines (an
// execution running, a socket pushing): far beyond what it takes even under -race on a busy
// two-core machine, so reaching it means the thing never happens.
const waitLimit = 30 * time.Second

// eventually polls cond until it holds, and fails saying what it waited for once waitLimit
// has passed.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	if !within(waitLimit, cond) {
		t.Fatalf("waited %s for %s", waitLimit, what)
	}
}

// within polls cond until it holds or limit has passed, and reports whether it held.
func within(limit time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(limit)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		<-tick.C
	}
	return true
}

// readUntil reads messages until one has the given type, returning all read.
func readUntil(t *testing.T, conn *websocket.Conn, eventType string) []wsMessage {
	t.Helper()
	var got []wsMessage
	conn.SetReadDeadline(time.Now().Add(waitLimit))
	for {
		var m wsMessage
		if err := conn.ReadJSON(&m); err != nil {
			t.Fatalf("waiting up to %s for %s after %+v: %v", waitLimit, eventType, got, err)
		}
		got = append(got, m)
		if m.Type == eventType {
			return got
		}
	}
}

var taskIDPattern = regexp.MustCompile(`data-task-id="(\d+)"`)

func (s *studio) waitingTaskIDs(t *testing.T) []string {
	t.Helper()
	_, body := s.get(t, "/inbox")
	var ids []string
	for _, m := range taskIDPattern.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

func TestCallbackExecutionEndToEnd(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Orders", callbackDefinition)

	resp, page := s.get(t, "/machines/Orders")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `id="state-Approve"`) || !strings.Contains(page, "<svg") {
		t.Fatalf("machine page: %d\n%s", resp.StatusCode, page)
	}
	_, exported := s.get(t, "/machines/Orders/definition.asl.json")
	if exported != callbackDefinition {
		t.Fatalf("export changed the definition:\n%s", exported)
	}

	execPath := s.startExecution(t, "Orders", `{"orderId": "o-7"}`)
	conn := s.watch(t, execPath, 0)
	msgs := readUntil(t, conn, "TaskSubmitted")
	last := msgs[len(msgs)-1]
	if last.Status != "waiting" || last.Node != "state-Approve" {
		t.Fatalf("TaskSubmitted message %+v", last)
	}
	for i, m := range msgs {
		if m.ID != int64(i+1) {
			t.Fatalf("message %d has id %d: %+v", i, m.ID, msgs)
		}
	}

	ids := s.waitingTaskIDs(t)
	if len(ids) != 1 {
		t.Fatalf("inbox task ids %v", ids)
	}
	_, inbox := s.get(t, "/inbox")
	if !strings.Contains(inbox, "o-7") || !strings.Contains(inbox, "Orders") {
		t.Fatalf("inbox does not show the task's parameters and machine:\n%s", inbox)
	}
	resp, body := s.post(t, "/inbox/"+ids[0]+"/approve", url.Values{"output": {`{"approved": true}`}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d\n%s", resp.StatusCode, body)
	}
	msgs = readUntil(t, conn, "ExecutionSucceeded")
	end := msgs[len(msgs)-1].Execution
	if end == nil || end.Status != "SUCCEEDED" {
		t.Fatalf("end message %+v", msgs[len(msgs)-1])
	}
	var output map[string]any
	if err := json.Unmarshal([]byte(end.Output), &output); err != nil {
		t.Fatal(err)
	}
	if output["orderId"] != "o-7" || output["decision"].(map[string]any)["approved"] != true {
		t.Fatalf("output %s", end.Output)
	}

	// Deciding again is refused, and the inbox is empty.
	resp, body = s.post(t, "/inbox/"+ids[0]+"/approve", url.Values{"output": {`{}`}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "already decided") {
		t.Fatalf("second approve: %d\n%s", resp.StatusCode, body)
	}
	if ids := s.waitingTaskIDs(t); len(ids) != 0 {
		t.Fatalf("inbox still lists %v", ids)
	}

	// The stored page shows the end, and a late watcher catches up from any point.
	_, execPage := s.get(t, execPath)
	if !strings.Contains(execPage, "SUCCEEDED") || !strings.Contains(execPage, `id="state-Done" data-status="succeeded"`) {
		t.Fatalf("execution page after the end:\n%s", execPage)
	}
	late := readUntil(t, s.watch(t, execPath, 3), "ExecutionSucceeded")
	if late[0].ID != 4 {
		t.Fatalf("catch-up after 3 starts at %d", late[0].ID)
	}
}

func TestRejectFailsExecution(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Orders", callbackDefinition)
	execPath := s.startExecution(t, "Orders", `{"orderId": "o-8"}`)
	conn := s.watch(t, execPath, 0)
	readUntil(t, conn, "TaskSubmitted")
	ids := s.waitingTaskIDs(t)
	resp, body := s.post(t, "/inbox/"+ids[0]+"/reject", url.Values{"error": {"Finance.Refused"}, "cause": {"No budget"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reject: %d\n%s", resp.StatusCode, body)
	}
	msgs := readUntil(t, conn, "ExecutionFailed")
	end := msgs[len(msgs)-1]
	if end.Execution.Error != "Finance.Refused" || end.Execution.Cause != "No budget" || end.Status != "failed" || end.State != "Approve" {
		t.Fatalf("end %+v %+v", end, end.Execution)
	}
}

func TestFiftyConcurrentApprovalsDecideOnce(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Orders", callbackDefinition)
	execPath := s.startExecution(t, "Orders", `{"orderId": "o-9"}`)
	readUntil(t, s.watch(t, execPath, 0), "TaskSubmitted")
	id := s.waitingTaskIDs(t)[0]

	var wg sync.WaitGroup
	statuses := make([]int, 50)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := s.client.PostForm(s.url+"/inbox/"+id+"/approve", url.Values{"output": {fmt.Sprintf(`{"by": %d}`, i)}})
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	count := map[int]int{}
	for _, st := range statuses {
		count[st]++
	}
	if count[http.StatusSeeOther] != 1 || count[http.StatusConflict] != 49 {
		t.Fatalf("statuses %v: want one 303 and 49 409", count)
	}
}

func TestBadInputGetsClearClientErrors(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Orders", callbackDefinition)
	missingTarget := strings.Replace(callbackDefinition, `"Next": "Done"`, `"Next": "Nowhere"`, 1)
	tests := []struct {
		name, method, path string
		form               url.Values
		status             int
		says               []string
	}{
		{"invalid JSON on create", "POST", "/machines", url.Values{"name": {"Broken"}, "definition": {`{"StartAt": `}},
			http.StatusUnprocessableEntity, []string{"line 1"}},
		{"missing Next target on create", "POST", "/machines", url.Values{"name": {"Broken"}, "definition": {missingTarget}},
			http.StatusUnprocessableEntity, []string{"Approve", "Next", "Nowhere"}},
		{"missing Next target on save", "POST", "/machines/Orders", url.Values{"definition": {missingTarget}},
			http.StatusUnprocessableEntity, []string{"Approve", "Next", "Nowhere"}},
		{"invalid JSON on save", "POST", "/machines/Orders", url.Values{"definition": {`{"StartAt": "A",}`}},
			http.StatusUnprocessableEntity, []string{"line 1"}},
		{"bad machine name", "POST", "/machines", url.Values{"name": {"has space"}, "definition": {callbackDefinition}},
			http.StatusBadRequest, []string{"whitespace"}},
		{"duplicate machine name", "POST", "/machines", url.Values{"name": {"Orders"}, "definition": {callbackDefinition}},
			http.StatusConflict, []string{"already exists"}},
		{"invalid run input", "POST", "/machines/Orders/executions", url.Values{"input": {`{"a": }`}},
			http.StatusBadRequest, []string{"not valid JSON", "line 1, column 7"}},
		{"unknown machine", "GET", "/machines/Nope", nil, http.StatusNotFound, []string{"no state machine named"}},
		{"unknown execution", "GET", "/executions/999", nil, http.StatusNotFound, []string{"no execution 999"}},
		{"non-numeric execution", "GET", "/executions/abc", nil, http.StatusNotFound, []string{"execution ids are numbers"}},
		{"websocket of unknown execution", "GET", "/executions/999/ws", nil, http.StatusNotFound, []string{"no execution 999"}},
		{"approve unknown task", "POST", "/inbox/999/approve", url.Values{"output": {"{}"}}, http.StatusNotFound, []string{"no task 999"}},
		{"reject unknown task", "POST", "/inbox/999/reject", url.Values{"error": {"E"}}, http.StatusNotFound, []string{"no task 999"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var resp *http.Response
			var body string
			if tt.method == "POST" {
				resp, body = s.post(t, tt.path, tt.form)
			} else {
				resp, body = s.get(t, tt.path)
			}
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d\n%s", resp.StatusCode, tt.status, body)
			}
			for _, want := range tt.says {
				if !strings.Contains(body, want) {
					t.Errorf("the page does not say %q:\n%s", want, body)
				}
			}
		})
	}
	// Nothing stored was lost or changed by the refused requests.
	_, exported := s.get(t, "/machines/Orders/definition.asl.json")
	if exported != callbackDefinition {
		t.Fatalf("stored definition changed:\n%s", exported)
	}
	if resp, _ := s.get(t, "/machines/Broken"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a refused create was stored")
	}
}

func TestApproveWithInvalidOutputKeepsTaskWaiting(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Orders", callbackDefinition)
	execPath := s.startExecution(t, "Orders", `{"orderId": "o-10"}`)
	readUntil(t, s.watch(t, execPath, 0), "TaskSubmitted")
	id := s.waitingTaskIDs(t)[0]
	resp, body := s.post(t, "/inbox/"+id+"/approve", url.Values{"output": {`{"approved": tru}`}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "not valid JSON") || !strings.Contains(body, `{&#34;approved&#34;: tru}`) {
		t.Fatalf("invalid output: %d\n%s", resp.StatusCode, body)
	}
	if ids := s.waitingTaskIDs(t); len(ids) != 1 || ids[0] != id {
		t.Fatalf("the task must still wait, inbox has %v", ids)
	}
}

func TestRestartResumesWaitingExecution(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "studio.db")
	first := startStudioOn(t, db)
	first.createMachine(t, "Orders", callbackDefinition)
	execPath := first.startExecution(t, "Orders", `{"orderId": "o-11"}`)
	conn := first.watch(t, execPath, 0)
	before := readUntil(t, conn, "TaskSubmitted")
	conn.Close()
	first.stop()

	second := startStudioOn(t, db)
	defer second.stop()
	ids := second.waitingTaskIDs(t)
	if len(ids) != 1 {
		t.Fatalf("after the restart the inbox lists %v", ids)
	}
	conn = second.watch(t, execPath, before[len(before)-1].ID)
	resp, body := second.post(t, "/inbox/"+ids[0]+"/approve", url.Values{"output": {`{"approved": true}`}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve after restart: %d\n%s", resp.StatusCode, body)
	}
	after := readUntil(t, conn, "ExecutionSucceeded")
	if after[0].ID != before[len(before)-1].ID+1 || after[0].Type != "TaskSucceeded" {
		t.Fatalf("history after the restart starts with %+v", after[0])
	}
	if !strings.Contains(after[len(after)-1].Execution.Output, "o-11") {
		t.Fatalf("output %s", after[len(after)-1].Execution.Output)
	}
}

func TestRestartInsideParallelKeepsTheTaskAndItsToken(t *testing.T) {
	t.Parallel()
	const def = `{"StartAt":"Both","States":{"Both":{"Type":"Parallel","End":true,"Branches":[
		{"StartAt":"Approve","States":{"Approve":{"Type":"Task","End":true,
			"Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
			"Parameters":{"token.$":"$$.Task.Token"}}}},
		{"StartAt":"Note","States":{"Note":{"Type":"Pass","Result":"noted","End":true}}}]}}}`
	db := filepath.Join(t.TempDir(), "studio.db")
	first := startStudioOn(t, db)
	first.createMachine(t, "Nested", def)
	execPath := first.startExecution(t, "Nested", `{}`)
	conn := first.watch(t, execPath, 0)
	seen := readUntil(t, conn, "TaskSubmitted")
	before := first.waitingTaskIDs(t)
	conn.Close()
	first.stop()

	second := startStudioOn(t, db)
	defer second.stop()
	// The branch goes on where it was: the same task waits, with the token handed out before.
	if ids := second.waitingTaskIDs(t); len(ids) != 1 || ids[0] != before[0] {
		t.Fatalf("inbox lists %v after the restart, want the task from before it %v", ids, before)
	}
	conn = second.watch(t, execPath, seen[len(seen)-1].ID)
	resp, body := second.post(t, "/inbox/"+before[0]+"/approve", url.Values{"output": {`{"ok": true}`}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d\n%s", resp.StatusCode, body)
	}
	msgs := readUntil(t, conn, "ExecutionSucceeded")
	if out := msgs[len(msgs)-1].Execution.Output; out != `[{"ok":true},"noted"]` {
		t.Fatalf("output %s", out)
	}
	events, err := second.readDB(t).FindEvents(context.Background(), execIDOf(t, execPath), 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []runtime.EventType{runtime.TaskScheduled, runtime.PassStateEntered, runtime.ParallelStateStarted} {
		n := 0
		for _, ev := range events {
			if ev.Type == typ {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s %d times in the history, want once: nothing runs again after a restart", typ, n)
		}
	}
}
