package main

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// as returns a client of the same studio logged in as name, with its own cookies.
func (s *studio) as(t *testing.T, name, password string) *studio {
	t.Helper()
	u := &studio{url: s.url, db: s.db, stop: s.stop, client: newStudioClient(t)}
	u.client.Transport.(*csrfTransport).studio = u
	resp, body := u.post(t, "/login", url.Values{"name": {name}, "password": {password}, "next": {"/"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %d\n%s", name, resp.StatusCode, body)
	}
	return u
}

const heartbeatDefinition = `{
  "StartAt": "Approve",
  "States": {
    "Approve": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {"orderId.$": "$.orderId", "token.$": "$$.Task.Token"},
      "TimeoutSeconds": 3600,
      "HeartbeatSeconds": 600,
      "ResultPath": "$.decision",
      "End": true
    }
  }
}`

// auditActionRow reads the user and action of each row of an audit table.
var auditActionRow = regexp.MustCompile(`data-testid="audit-user">([^<]*)</td><td><span class="[^"]*" data-testid="audit-action">([^<]*)<`)

// startTeam starts a studio with an admin and two users, each logged in.
func startTeam(t *testing.T) (root, ann, ben *studio) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "data", "studio.db")
	addTestUser(t, db, "root", "root's password", "--admin")
	addTestUser(t, db, "ann", "ann's password")
	addTestUser(t, db, "ben", "ben's password")
	s := startStudioOn(t, db)
	t.Cleanup(s.stop)
	return s.as(t, "root", "root's password"), s.as(t, "ann", "ann's password"), s.as(t, "ben", "ben's password")
}

// auditOf lists "user action" for each audit row of a page, newest first.
func auditOf(page string) []string {
	var out []string
	for _, m := range auditActionRow.FindAllStringSubmatch(page, -1) {
		out = append(out, m[1]+" "+m[2])
	}
	return out
}

func mustStatus(t *testing.T, what string, resp *http.Response, body string, status int, says ...string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, resp.StatusCode, status, body)
	}
	for _, s := range says {
		if !strings.Contains(html.UnescapeString(body), s) {
			t.Errorf("%s: the answer does not say %q:\n%s", what, s, body)
		}
	}
}

func TestClaimedTaskIsTheClaimantsOrAnAdmins(t *testing.T) {
	t.Parallel()
	root, ann, ben := startTeam(t)
	ann.createMachine(t, "Orders", heartbeatDefinition)
	execPath := ann.startExecution(t, "Orders", `{"orderId": "o-42"}`)
	conn := ann.watch(t, execPath, 0)
	readUntil(t, conn, "TaskSubmitted")
	id := ann.waitingTaskIDs(t)[0]
	task := "/inbox/" + id

	resp, body := ann.post(t, task+"/claim", nil)
	mustStatus(t, "ann claims", resp, body, http.StatusSeeOther)

	// ben sees who holds it, without the token, and may do nothing to it.
	resp, page := ben.get(t, task)
	mustStatus(t, "ben's task page", resp, page, http.StatusOK, "Claimed by ann", "o-42")
	if strings.Contains(page, `data-testid="task-token"`) || strings.Contains(page, `data-testid="approve"`) {
		t.Fatalf("ben's page offers the token or the decision:\n%s", page)
	}
	for _, action := range []string{"approve", "reject", "release", "heartbeat"} {
		resp, body := ben.post(t, task+"/"+action, url.Values{"output": {`{}`}, "error": {"E"}})
		mustStatus(t, "ben "+action, resp, body, http.StatusForbidden, "ann has claimed it", "Only ann or an admin")
	}

	// ann sees the full token, and ben's page shows only its first characters.
	_, annPage := ann.get(t, task)
	m := regexp.MustCompile(`value="([^"]+)" class="mono" data-testid="task-token"`).FindStringSubmatch(annPage)
	if m == nil {
		t.Fatalf("ann's page has no token:\n%s", annPage)
	}
	token := m[1]
	if strings.Contains(page, token) || !strings.Contains(page, token[:6]+"…") {
		t.Fatalf("ben's page does not mask the token %s:\n%s", token, page)
	}
	if _, execPage := ben.get(t, execPath); strings.Contains(execPage, token) || !strings.Contains(execPage, token[:6]+"…") {
		t.Fatalf("the execution page shows the token in full:\n%s", execPage)
	}
	if _, export := ben.get(t, execPath+"/export.json"); strings.Contains(export, token) {
		t.Fatalf("a user's export shows the token in full:\n%s", export)
	}
	if _, export := root.get(t, execPath+"/export.json"); !strings.Contains(export, token) {
		t.Fatalf("an admin's export must keep the token:\n%s", export)
	}

	// A heartbeat moves the heartbeat deadline and is audited.
	before := heartbeatDeadline(t, annPage)
	resp, body = ann.post(t, task+"/heartbeat", nil)
	mustStatus(t, "ann heartbeat", resp, body, http.StatusSeeOther)
	_, annPage = ann.get(t, task)
	if after := heartbeatDeadline(t, annPage); !after.After(before) {
		t.Fatalf("heartbeat deadline %v then %v", before, after)
	}

	// The admin may release it; then ann claims it again and decides it.
	resp, body = root.post(t, task+"/release", nil)
	mustStatus(t, "root releases", resp, body, http.StatusSeeOther)
	resp, body = ann.post(t, task+"/claim", nil)
	mustStatus(t, "ann claims again", resp, body, http.StatusSeeOther)
	resp, body = ann.post(t, task+"/approve", url.Values{"output": {"{\n  \"ok\": tru\n}"}, "return": {"task"}})
	mustStatus(t, "invalid output", resp, body, http.StatusBadRequest, "not valid JSON", "line 2, column", `"ok": tru`)
	resp, body = ann.post(t, task+"/approve", url.Values{"output": {`{"approved": true, "by": "ann"}`}, "return": {"task"}})
	mustStatus(t, "ann approves", resp, body, http.StatusSeeOther)
	if resp.Header.Get("Location") != task+"?done=approved" {
		t.Fatalf("approve from the task page goes to %q", resp.Header.Get("Location"))
	}
	readUntil(t, conn, "ExecutionSucceeded")
	resp, body = root.post(t, task+"/approve", url.Values{"output": {`{}`}})
	mustStatus(t, "deciding twice", resp, body, http.StatusConflict, "already decided")

	// The decided task keeps its page, read-only, with its history.
	resp, page = ben.get(t, task)
	mustStatus(t, "decided task page", resp, page, http.StatusOK, "Approved by ann", `"by": "ann"`)
	want := []string{"ann approved", "ann claimed", "root released", "ann heartbeat", "ann claimed"}
	if got := auditOf(page); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("task history %v, want %v", got, want)
	}
	_, auditPage := ben.get(t, "/audit?user=ann&action=claimed")
	if got := auditOf(auditPage); strings.Join(got, ",") != "ann claimed,ann claimed" {
		t.Fatalf("audit filtered by ann and claimed: %v", got)
	}
	_, execPage := ben.get(t, execPath)
	if !strings.Contains(execPage, `data-testid="execution-decisions"`) || !strings.Contains(execPage, "ann") {
		t.Fatalf("the execution page has no decisions:\n%s", execPage)
	}
}

var heartbeatDue = regexp.MustCompile(`data-deadline="([^"]+)" data-testid="task-heartbeat-countdown"`)

// heartbeatDeadline reads a task page's heartbeat deadline as a time: its RFC 3339 text drops
// trailing zeros (".1Z" is later than ".15Z" as text), so texts do not compare.
func heartbeatDeadline(t *testing.T, page string) time.Time {
	t.Helper()
	m := heartbeatDue.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the task page shows no heartbeat deadline:\n%s", page)
	}
	at, err := time.Parse(time.RFC3339Nano, m[1])
	if err != nil {
		t.Fatalf("heartbeat deadline %q: %v", m[1], err)
	}
	return at
}

// taskOf returns the id of the callback task the execution at execPath waits (or waited) on,
// read from the studio's database whatever became of the task: unlike the inbox, which lists
// only waiting tasks, it still finds a task that has already timed out.
func (s *studio) taskOf(t *testing.T, execPath string) string {
	t.Helper()
	db := s.readDB(t)
	exec := execIDOf(t, execPath)
	id := ""
	eventually(t, "the callback task of "+execPath, func() bool {
		tasks, err := db.FindCallbackTasks(context.Background(), "")
		if err != nil {
			t.Fatal(err)
		}
		for _, task := range tasks {
			if task.ExecutionID == exec {
				id = strconv.FormatInt(task.ID, 10)
			}
		}
		return id != ""
	})
	return id
}

const taskTimeoutDefinition = `{
  "StartAt": "Approve",
  "States": {
    "Approve": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {"token.$": "$$.Task.Token"},
      "TimeoutSeconds": 1,
      "End": true
    }
  }
}`

func TestTaskTimesOutAndIsAudited(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Hurry", taskTimeoutDefinition)
	execPath := s.startExecution(t, "Hurry", `{}`)
	conn := s.watch(t, execPath, 0)
	readUntil(t, conn, "TaskSubmitted")
	// Not from the inbox: on a busy machine the second may already be over, and the task gone.
	id := s.taskOf(t, execPath)
	msgs := readUntil(t, conn, "ExecutionFailed")
	if end := msgs[len(msgs)-1].Execution; end == nil || end.Error != "States.Timeout" {
		t.Fatalf("end %+v", msgs[len(msgs)-1])
	}
	resp, page := s.get(t, "/inbox/"+id)
	mustStatus(t, "timed-out task page", resp, page, http.StatusOK, "Timed out at", "TIMED_OUT")
	if got := auditOf(page); len(got) != 1 || got[0] != "(studio) timed out" {
		t.Fatalf("task history %v", got)
	}
	resp, body := s.post(t, "/inbox/"+id+"/claim", nil)
	mustStatus(t, "claiming a timed-out task", resp, body, http.StatusConflict, "already decided")
}

func TestTaskPageBadInput(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	for _, tc := range []struct{ name, method, path, says string }{
		{"unknown task", "GET", "/inbox/999", "There is no task 999"},
		{"non-numeric task", "GET", "/inbox/abc", "task ids are numbers"},
		{"claim unknown task", "POST", "/inbox/999/claim", "There is no task 999"},
		{"heartbeat unknown task", "POST", "/inbox/999/heartbeat", "There is no task 999"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var resp *http.Response
			var body string
			if tc.method == "POST" {
				resp, body = s.post(t, tc.path, nil)
			} else {
				resp, body = s.get(t, tc.path)
			}
			mustStatus(t, tc.name, resp, body, http.StatusNotFound, tc.says)
		})
	}
}
