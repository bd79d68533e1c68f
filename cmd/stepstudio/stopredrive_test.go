package main

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/store"
)

// execIDOf is the id in an execution page's path.
func execIDOf(t *testing.T, path string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(strings.TrimPrefix(path, "/executions/"), 10, 64)
	if err != nil {
		t.Fatalf("execution path %q: %v", path, err)
	}
	return id
}

// readDB opens the studio's SQLite file beside the running program (WAL lets both at it),
// to see what the program stored.
func (s *studio) readDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), s.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// waitForEvent polls the stored history until an event of type typ comes after event after.
func waitForEvent(t *testing.T, db *store.DB, id, after int64, typ runtime.EventType) []runtime.Event {
	t.Helper()
	var events []runtime.Event
	if !within(waitLimit, func() bool {
		var err error
		if events, err = db.FindEvents(context.Background(), id, 0); err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(events, func(ev runtime.Event) bool { return ev.ID > after && ev.Type == typ })
	}) {
		t.Fatalf("waited %s for %s after event %d of execution %d; history: %+v", waitLimit, typ, after, id, events)
	}
	return events
}

func storedExecution(t *testing.T, db *store.DB, id int64) resource.Execution {
	t.Helper()
	e, err := db.FindExecution(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func lastTypes(events []runtime.Event, n int) string {
	var types []string
	for _, ev := range events[max(len(events)-n, 0):] {
		types = append(types, string(ev.Type))
	}
	return strings.Join(types, " ")
}

func TestStopWaitingExecutionByPost(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	db := s.readDB(t)
	s.createMachine(t, "Sleepy", `{"StartAt":"Nap","States":{"Nap":{"Type":"Wait","Seconds":3600,"End":true}}}`)
	path := s.startExecution(t, "Sleepy", `{}`)
	id := execIDOf(t, path)
	waitForEvent(t, db, id, 0, runtime.WaitStateEntered)

	resp, body := s.post(t, path+"/stop", url.Values{"error": {"Ops.Stopped"}, "cause": {"by hand"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != path {
		t.Fatalf("stop: %d %s\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	// The stop has been recorded by the time it answers.
	e := storedExecution(t, db, id)
	if e.Status != runtime.StatusAborted || e.Error != "Ops.Stopped" || e.Cause != "by hand" || e.StoppedAt.IsZero() {
		t.Fatalf("after the stop %+v", e)
	}
	events, _ := db.FindEvents(context.Background(), id, 0)
	if got := lastTypes(events, 2); got != "WaitStateAborted ExecutionAborted" {
		t.Fatalf("history ends with %s", got)
	}

	resp, body = s.post(t, path+"/stop", nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "is not running, it ABORTED") {
		t.Fatalf("second stop: %d\n%s", resp.StatusCode, body)
	}
}

// TestRedriveFailedExecutionByPost fails an approval, redrives it, approves the new task
// and sees the execution succeed; redrives of a running or succeeded execution are refused.
func TestRedriveFailedExecutionByPost(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	db := s.readDB(t)
	s.createMachine(t, "Orders", callbackDefinition)
	path := s.startExecution(t, "Orders", `{"orderId": "o-20"}`)
	id := execIDOf(t, path)
	waitForEvent(t, db, id, 0, runtime.TaskSubmitted)
	ids := s.waitingTaskIDs(t)
	if resp, body := s.post(t, "/inbox/"+ids[0]+"/reject", url.Values{"error": {"Finance.Refused"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reject: %d\n%s", resp.StatusCode, body)
	}
	failed := waitForEvent(t, db, id, 0, runtime.ExecutionFailed)

	resp, body := s.post(t, path+"/redrive", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != path {
		t.Fatalf("redrive: %d\n%s", resp.StatusCode, body)
	}
	waitForEvent(t, db, id, failed[len(failed)-1].ID, runtime.TaskSubmitted)
	if e := storedExecution(t, db, id); e.Status != runtime.StatusRunning || e.RedriveCount != 1 || e.Error != "" || e.RedriveDate.IsZero() {
		t.Fatalf("redriven execution %+v", e)
	}
	resp, body = s.post(t, path+"/redrive", nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "cannot be redriven: Execution is RUNNING") {
		t.Fatalf("redrive of a running execution: %d\n%s", resp.StatusCode, body)
	}

	ids = s.waitingTaskIDs(t)
	if len(ids) != 1 {
		t.Fatalf("inbox after the redrive lists %v", ids)
	}
	if resp, body := s.post(t, "/inbox/"+ids[0]+"/approve", url.Values{"output": {`{"approved": true}`}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d\n%s", resp.StatusCode, body)
	}
	events := waitForEvent(t, db, id, failed[len(failed)-1].ID, runtime.ExecutionSucceeded)
	for i, ev := range events {
		if ev.ID != int64(i+1) {
			t.Fatalf("event %d has id %d", i+1, ev.ID)
		}
	}
	redriven := events[len(failed)]
	if redriven.Type != runtime.ExecutionRedriven || redriven.Details.RedriveCount != 1 || events[len(failed)+1].State != "Approve" {
		t.Fatalf("after the failure: %+v %+v", redriven, events[len(failed)+1])
	}
	e := storedExecution(t, db, id)
	if e.Status != runtime.StatusSucceeded || !strings.Contains(string(e.Output), `"approved":true`) || e.RedriveCount != 1 {
		t.Fatalf("ended %+v", e)
	}
	resp, body = s.post(t, path+"/redrive", nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "cannot be redriven: Execution is SUCCEEDED") {
		t.Fatalf("redrive of a succeeded execution: %d\n%s", resp.StatusCode, body)
	}
}

// TestRedriveAfterRestart stops an execution, restarts the studio, and redrives it from
// the stored history with the version it ran, though the machine changed since.
func TestRedriveAfterRestart(t *testing.T) {
	t.Parallel()
	dbPath := filepath.Join(t.TempDir(), "studio.db")
	first := startStudioOn(t, dbPath)
	first.createMachine(t, "Orders", callbackDefinition)
	path := first.startExecution(t, "Orders", `{"orderId": "o-21"}`)
	id := execIDOf(t, path)
	db := first.readDB(t)
	waitForEvent(t, db, id, 0, runtime.TaskSubmitted)
	if resp, body := first.post(t, path+"/stop", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("stop: %d\n%s", resp.StatusCode, body)
	}
	changed := strings.Replace(callbackDefinition, `"Done": {"Type": "Succeed"}`, `"Done": {"Type": "Fail", "Error": "Changed"}`, 1)
	if resp, body := first.post(t, "/machines/Orders", url.Values{"definition": {changed}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", resp.StatusCode, body)
	}
	first.stop()

	second := startStudioOn(t, dbPath)
	defer second.stop()
	if resp, body := second.post(t, path+"/redrive", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("redrive after restart: %d\n%s", resp.StatusCode, body)
	}
	// The new task is submitted after the redrive (event 8: the stop ended the history at 7).
	waitForEvent(t, db, id, 8, runtime.TaskSubmitted)
	ids := second.waitingTaskIDs(t)
	if len(ids) != 1 {
		t.Fatalf("inbox lists %v", ids)
	}
	second.post(t, "/inbox/"+ids[0]+"/approve", url.Values{"output": {`{}`}})
	waitForEvent(t, db, id, 0, runtime.ExecutionSucceeded)
}

func TestStopAndRedriveBadInput(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	db := s.readDB(t)
	s.createMachine(t, "Quick", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`)
	s.createMachine(t, "Orders", callbackDefinition)
	done := s.startExecution(t, "Quick", `{}`)
	waitForEvent(t, db, execIDOf(t, done), 0, runtime.ExecutionSucceeded)
	running := s.startExecution(t, "Orders", `{"orderId": "o-22"}`)
	waitForEvent(t, db, execIDOf(t, running), 0, runtime.TaskSubmitted)

	tests := []struct {
		name, path string
		form       url.Values
		status     int
		says       string
	}{
		{"stop unknown execution", "/executions/999/stop", nil, http.StatusNotFound, "no execution 999"},
		{"redrive unknown execution", "/executions/999/redrive", nil, http.StatusNotFound, "no execution 999"},
		{"stop non-numeric execution", "/executions/abc/stop", nil, http.StatusNotFound, "execution ids are numbers"},
		{"redrive non-numeric execution", "/executions/abc/redrive", nil, http.StatusNotFound, "execution ids are numbers"},
		{"stop a finished execution", done + "/stop", nil, http.StatusConflict, "is not running, it SUCCEEDED"},
		{"redrive a succeeded execution", done + "/redrive", nil, http.StatusConflict, "cannot be redriven: Execution is SUCCEEDED"},
		{"redrive a running execution", running + "/redrive", nil, http.StatusConflict, "cannot be redriven: Execution is RUNNING"},
		{"stop with an over-long error", running + "/stop", url.Values{"error": {strings.Repeat("E", 257)}}, http.StatusBadRequest, "at most 256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := s.post(t, tt.path, tt.form)
			if resp.StatusCode != tt.status || !strings.Contains(body, tt.says) {
				t.Fatalf("status %d, want %d saying %q\n%s", resp.StatusCode, tt.status, tt.says, body)
			}
		})
	}
	// The refused requests changed nothing: the running execution still waits.
	if e := storedExecution(t, db, execIDOf(t, running)); e.Status != runtime.StatusRunning {
		t.Fatalf("running execution is now %+v", e)
	}
	if ids := s.waitingTaskIDs(t); len(ids) != 1 {
		t.Fatalf("inbox lists %v", ids)
	}
}
