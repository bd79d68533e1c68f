package main

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// inboxMessage is what the inbox's websocket sends.
type inboxMessage struct {
	Count   int               `json:"count"`
	Matched int               `json:"matched"`
	Summary string            `json:"summary"`
	Order   []int64           `json:"order"`
	Rows    map[string]string `json:"rows"`
}

func (s *studio) dialInbox(t *testing.T, query string) *websocket.Conn {
	t.Helper()
	u := strings.Replace(s.url, "http://", "ws://", 1) + "/inbox/ws" + query
	conn, _, err := (&websocket.Dialer{Jar: s.client.Jar}).Dial(u, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func readInbox(t *testing.T, conn *websocket.Conn) inboxMessage {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(waitLimit))
	var m inboxMessage
	if err := conn.ReadJSON(&m); err != nil {
		t.Fatalf("waiting up to %s for the inbox socket's next message: %v", waitLimit, err)
	}
	return m
}

// timeoutDefinition waits for a decision for five seconds at most: short, for a test to see
// its task time out, yet long enough that the inbox's socket, however busy the machine, has
// looked at the waiting task before it goes (were both gone before the socket looked, it
// would see no change at all and send nothing).
const timeoutDefinition = `{
  "StartAt": "Quick call",
  "States": {
    "Quick call": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {"token.$": "$$.Task.Token"},
      "TimeoutSeconds": 5,
      "End": true
    }
  }
}`

func TestInboxSocketHearsTasksAppearAndLeave(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Orders", callbackDefinition)
	s.createMachine(t, "Timer", timeoutDefinition)
	list := s.dialInbox(t, "")
	badge := s.dialInbox(t, "?only=count")
	if m := readInbox(t, list); m.Count != 0 || len(m.Order) != 0 {
		t.Fatalf("an empty inbox: %+v", m)
	}
	if m := readInbox(t, badge); m.Count != 0 {
		t.Fatalf("an empty inbox's count: %+v", m)
	}

	// A task appears: the list gets its row, the badge its count.
	s.startExecution(t, "Orders", `{"orderId": "o-1"}`)
	m := readInbox(t, list)
	if m.Count != 1 || len(m.Order) != 1 {
		t.Fatalf("after a task appears: %+v", m)
	}
	id := strconv.FormatInt(m.Order[0], 10)
	if row := m.Rows[id]; !strings.Contains(row, `data-task-id="`+id+`"`) || !strings.Contains(row, "orderId: o-1") {
		t.Fatalf("the new task's row: %q", row)
	}
	if m := readInbox(t, badge); m.Count != 1 {
		t.Fatalf("count after a task appears: %+v", m)
	}

	// A claim re-renders the row; the count does not change.
	if resp, body := s.post(t, "/inbox/"+id+"/claim", nil); resp.StatusCode >= 400 {
		t.Fatalf("claim: %d %s", resp.StatusCode, body)
	}
	if m := readInbox(t, list); !strings.Contains(m.Rows[id], "claimed by you") {
		t.Fatalf("after the claim: %+v", m)
	}

	// It is decided: it leaves.
	if resp, body := s.post(t, "/inbox/"+id+"/approve", url.Values{"output": {`{"ok": true}`}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", resp.StatusCode, body)
	}
	if m := readInbox(t, list); m.Count != 0 || len(m.Order) != 0 {
		t.Fatalf("after the approval: %+v", m)
	}
	if m := readInbox(t, badge); m.Count != 0 {
		t.Fatalf("count after the approval: %+v", m)
	}

	// A task whose execution is stopped leaves too.
	exec := s.startExecution(t, "Orders", `{"orderId": "o-2"}`)
	if m := readInbox(t, list); m.Count != 1 {
		t.Fatalf("second task: %+v", m)
	}
	if resp, body := s.post(t, exec+"/stop", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("stop: %d %s", resp.StatusCode, body)
	}
	if m := readInbox(t, list); m.Count != 0 {
		t.Fatalf("after the stop: %+v", m)
	}

	// A task that times out leaves by itself.
	s.startExecution(t, "Timer", `{}`)
	if m := readInbox(t, list); m.Count != 1 || !strings.Contains(m.Summary, "1 task waiting") {
		t.Fatalf("timed task: %+v", m)
	}
	if m := readInbox(t, list); m.Count != 0 {
		t.Fatalf("after the timeout: %+v", m)
	}
}

var (
	taskMachinePattern = regexp.MustCompile(`data-testid="task-machine">([^<]+)<`)
	taskOrderPattern   = regexp.MustCompile(`<dt>orderId</dt><dd class="mono">([^<]+)</dd>`)
)

// taskLabel names a task by what its page shows: the orderId of its parameters when it has
// one, else its state machine.
func (s *studio) taskLabel(t *testing.T, id string) string {
	t.Helper()
	resp, page := s.get(t, "/inbox/"+id)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("task %s: status %d\n%s", id, resp.StatusCode, page)
	}
	if m := taskOrderPattern.FindStringSubmatch(page); m != nil {
		return m[1]
	}
	if m := taskMachinePattern.FindStringSubmatch(page); m != nil {
		return m[1]
	}
	t.Fatalf("task %s: the page shows neither an orderId nor a state machine:\n%s", id, page)
	return ""
}

func TestInboxFiltersAndRefusesBadOnes(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Orders", callbackDefinition)
	s.createMachine(t, "Slow", strings.Replace(timeoutDefinition, `"TimeoutSeconds": 5`, `"TimeoutSeconds": 3600`, 1))
	for _, o := range []string{"o-1", "o-2"} {
		s.startExecution(t, "Orders", `{"orderId": "`+o+`"}`)
	}
	s.startExecution(t, "Slow", `{}`)
	var all []string
	eventually(t, "the three tasks to wait in the inbox", func() bool {
		all = s.waitingTaskIDs(t)
		return len(all) == 3
	})
	// Each execution records its task from its own goroutine, so the ids (and the times the
	// tasks were created) need not follow the order the executions were started in: tell the
	// tasks apart by their pages, and expect each list in the order the inbox itself shows
	// (longest waiting first), which every filter keeps.
	id := map[string]string{}
	var orders []string
	for _, task := range all {
		label := s.taskLabel(t, task)
		id[label] = task
		if label != "Slow" {
			orders = append(orders, task)
		}
	}
	slow := id["Slow"]
	if len(id) != 3 || slow == "" || id["o-1"] == "" || id["o-2"] == "" {
		t.Fatalf("the waiting tasks are %v, want o-1, o-2 and Slow", id)
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"machine=Orders", orders},
		{"deadline=set", []string{slow}},
		{"deadline=none", orders},
		{"due=90", []string{slow}},
		{"due=30", nil},
		{"older=5", nil},
		{"sort=deadline", append([]string{slow}, orders...)},
		{"q=O-2", []string{id["o-2"]}},
		{"state=Quick+call", []string{slow}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			resp, body := s.get(t, "/inbox?"+tt.query)
			var got []string
			for _, m := range taskIDPattern.FindAllStringSubmatch(body, -1) {
				got = append(got, m[1])
			}
			if resp.StatusCode != http.StatusOK || !slices.Equal(got, tt.want) {
				t.Errorf("status %d, tasks %v, want %v", resp.StatusCode, got, tt.want)
			}
		})
	}
	for _, path := range []string{"/inbox?older=soon", "/inbox?sort=name", "/inbox/ws?deadline=maybe"} {
		t.Run("refuses "+path, func(t *testing.T) {
			t.Parallel()
			resp, body := s.get(t, path)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "alert-error") {
				t.Errorf("status %d, want 400 with the reason:\n%s", resp.StatusCode, body)
			}
		})
	}
	// The navigation counts every waiting task, whatever the page.
	if _, body := s.get(t, "/executions"); !strings.Contains(body, `data-testid="inbox-count"`) || !strings.Contains(body, ">3</span>") {
		t.Errorf("the badge does not say 3:\n%s", body)
	}
}

// A decision refused from the inbox list is answered with the list, its problem said and
// what was typed kept in the task's forms, never an error page; the task waits on.
func TestInboxListRefusedDecisionShowsTheList(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Orders", callbackDefinition)
	list := s.dialInbox(t, "")
	readInbox(t, list)
	s.startExecution(t, "Orders", `{"orderId": "o-1"}`)
	m := readInbox(t, list)
	if len(m.Order) != 1 {
		t.Fatalf("one task waits: %+v", m)
	}
	id := strconv.FormatInt(m.Order[0], 10)
	tests := []struct {
		name, action string
		form         url.Values
		says         []string
	}{
		{name: "invalid_output", action: "approve", form: url.Values{"output": {"{\"ok\": tru}"}},
			says: []string{"Task " + id + ": the output is not valid JSON", `{"ok": tru}`}},
		{name: "empty_output", action: "approve", form: url.Values{"output": {" "}},
			says: []string{"Task " + id + ": the output is empty"}},
		{name: "error_too_long", action: "reject", form: url.Values{"error": {strings.Repeat("E", 257)}, "cause": {"why"}},
			says: []string{"the error may be at most 256 characters", strings.Repeat("E", 257)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := s.post(t, "/inbox/"+id+"/"+tt.action, tt.form)
			says := append([]string{`data-testid="inbox-summary"`, `data-testid="problem"`, `data-task-id="` + id + `"`}, tt.says...)
			mustStatus(t, tt.name, resp, body, http.StatusBadRequest, says...)
		})
	}
	if _, body := s.get(t, "/inbox"); !strings.Contains(body, `data-task-id="`+id+`"`) {
		t.Fatalf("the task no longer waits:\n%s", body)
	}
}
