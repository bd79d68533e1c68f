package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/store"
)

const passDefinition = `{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}`

// choiceDefinition takes a different path for {"big": true}, so two runs differ.
const choiceDefinition = `{
  "StartAt": "Size?",
  "States": {
    "Size?": {"Type": "Choice", "Choices": [{"Variable": "$.big", "BooleanEquals": true, "Next": "Big"}], "Default": "Small"},
    "Big": {"Type": "Pass", "Result": {"size": "big"}, "Next": "Done"},
    "Small": {"Type": "Pass", "Result": {"size": "small"}, "Next": "Done"},
    "Done": {"Type": "Succeed"}
  }
}`

var rowPattern = regexp.MustCompile(`data-testid="execution-link">([^<]+)<`)

func rowNames(body string) []string {
	var out []string
	for _, m := range rowPattern.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// executionID is the number at the end of an execution page's path.
func executionID(t *testing.T, path string) string {
	t.Helper()
	return path[strings.LastIndex(path, "/")+1:]
}

func TestExecutionListsFilterSearchAndPage(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Orders", callbackDefinition)
	s.createMachine(t, "Quick", passDefinition)
	var quick []string
	for range 27 {
		quick = append(quick, executionID(t, s.startExecution(t, "Quick", `{}`)))
	}
	waiting := executionID(t, s.startExecution(t, "Orders", `{"orderId": 1}`))

	// Overall list: newest first, 25 on the first page, the rest on the next.
	_, body := s.get(t, "/executions")
	if n := len(rowNames(body)); n != 25 || !strings.Contains(body, "28 executions") || !strings.Contains(body, `data-id="`+waiting+`"`) {
		t.Fatalf("first page has %d rows:\n%s", n, body)
	}
	older := regexp.MustCompile(`href="(/executions\?before=\d+)" rel="next"`).FindStringSubmatch(body)
	if older == nil {
		t.Fatal("no Older link on the first page")
	}
	_, body = s.get(t, strings.ReplaceAll(older[1], "&amp;", "&"))
	if n := len(rowNames(body)); n != 3 || !strings.Contains(body, `data-id="`+quick[0]+`"`) || strings.Contains(body, `rel="next"`) || !strings.Contains(body, `rel="prev"`) {
		t.Fatalf("second page: %d rows\n%s", n, body)
	}

	// A machine's list and the status filter.
	_, body = s.get(t, "/machines/Orders/executions?status=RUNNING")
	if names := rowNames(body); len(names) != 1 || !strings.Contains(body, `data-id="`+waiting+`"`) {
		t.Fatalf("Orders RUNNING: %v", names)
	}
	_, body = s.get(t, "/machines/Orders/executions?status=succeeded")
	if names := rowNames(body); len(names) != 0 || !strings.Contains(body, "No execution matches this filter") {
		t.Fatalf("Orders SUCCEEDED: %v", names)
	}

	// Search by a part of a name, case ignored.
	_, page := s.get(t, "/executions/"+quick[3])
	name := regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`).FindString(page)
	_, body = s.get(t, "/executions?q="+strings.ToUpper(name[9:18]))
	if names := rowNames(body); len(names) != 1 || names[0] != name {
		t.Fatalf("search %q: %v", name[9:18], names)
	}
}

func TestExecutionListsRefuseBadQueries(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "A", choiceDefinition)
	s.createMachine(t, "B", choiceDefinition)
	a := executionID(t, s.startExecution(t, "A", `{}`))
	b := executionID(t, s.startExecution(t, "B", `{}`))
	tests := []struct {
		name, path string
		status     int
		says       string
	}{
		{"unknown status", "/executions?status=DONE", http.StatusBadRequest, `There is no status &#34;DONE&#34;`},
		{"page position not a number", "/executions?before=abc", http.StatusBadRequest, "not an execution id"},
		{"negative page position", "/machines/A/executions?after=-3", http.StatusBadRequest, "not an execution id"},
		{"both page positions", "/executions?before=5&after=2", http.StatusBadRequest, "not both"},
		{"list of unknown machine", "/machines/Nope/executions", http.StatusNotFound, "no state machine named"},
		{"socket with unknown status", "/executions/ws?status=NOPE", http.StatusBadRequest, "There is no status"},
		{"compare different machines", "/executions/compare?a=" + a + "&b=" + b, http.StatusBadRequest, "only executions of the same state machine"},
		{"compare unknown execution", "/executions/compare?a=" + a + "&b=9999", http.StatusNotFound, "no execution 9999"},
		{"compare without b", "/executions/compare?a=" + a, http.StatusBadRequest, "is missing"},
		{"compare with a word", "/executions/compare?a=x&b=" + b, http.StatusBadRequest, "not an execution id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := s.get(t, tt.path)
			if resp.StatusCode != tt.status || !strings.Contains(body, tt.says) {
				t.Fatalf("status %d (want %d), says %q?\n%s", resp.StatusCode, tt.status, tt.says, body)
			}
		})
	}
}

func TestCompareShowsInputPathAndOutput(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Sizes", choiceDefinition)
	a := executionID(t, s.startExecution(t, "Sizes", `{"big": true, "id": 1}`))
	b := executionID(t, s.startExecution(t, "Sizes", `{"id": 1, "big": false}`))
	var body string
	eventually(t, "both executions to end", func() bool {
		_, body = s.get(t, "/executions/compare?a="+a+"&b="+b)
		return !strings.Contains(body, "RUNNING")
	})
	for _, want := range []string{
		`data-testid="compare-input-summary">1 line differs<`, // keys sorted: only "big" differs
		`<td><pre>Big</pre></td><td><pre>Small</pre></td>`,
		`<td><pre>Size?</pre></td><td><pre>Size?</pre></td>`,
		`&#34;size&#34;: &#34;big&#34;`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the comparison does not show %s:\n%s", want, body)
		}
	}
}

// listChange is what a list page hears over its websocket.
type listChange struct {
	ID      int64  `json:"id"`
	Status  string `json:"status"`
	Stopped string `json:"stoppedAt"`
	Matches bool   `json:"matches"`
	Row     string `json:"row"`
}

func TestListSocketPushesStartsAndEnds(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Orders", callbackDefinition)
	s.createMachine(t, "Other", passDefinition)
	u := strings.Replace(s.url, "http://", "ws://", 1) + "/executions/ws?machine=Orders&status=RUNNING"
	conn, _, err := websocket.DefaultDialer.Dial(u, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	read := func() listChange {
		t.Helper()
		conn.SetReadDeadline(time.Now().Add(waitLimit))
		var c listChange
		if err := conn.ReadJSON(&c); err != nil {
			t.Fatalf("waiting up to %s for the list socket's next change: %v", waitLimit, err)
		}
		return c
	}
	exec := executionID(t, s.startExecution(t, "Orders", `{"orderId": 7}`))
	started := read()
	if fmt.Sprint(started.ID) != exec || started.Status != "RUNNING" || !started.Matches || started.Stopped != "" ||
		!strings.Contains(started.Row, `data-id="`+exec+`"`) {
		t.Fatalf("start: %+v", started)
	}
	// The start is heard before the task is submitted: wait for it to reach the inbox.
	var ids []string
	eventually(t, "the task to reach the inbox", func() bool {
		ids = s.waitingTaskIDs(t)
		return len(ids) > 0
	})
	if resp, body := s.post(t, "/inbox/"+ids[0]+"/approve", url.Values{"output": {`{"approved": true}`}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d %s", resp.StatusCode, body)
	}
	ended := read()
	if ended.Status != "SUCCEEDED" || ended.Matches || ended.Stopped == "" || !strings.Contains(ended.Row, "SUCCEEDED") {
		t.Fatalf("end: %+v", ended)
	}
	// Another machine's run is heard too (a row of it may be on an overall page), but does
	// not match this page's filter.
	s.startExecution(t, "Other", `{}`)
	if c := read(); c.Matches {
		t.Fatalf("another machine's execution matched: %+v", c)
	}
}

func TestSavedInputsAndExpressRuns(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	resp, body := s.post(t, "/machines", url.Values{"name": {"Fast"}, "definition": {passDefinition}, "type": {"EXPRESS"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create express: %d\n%s", resp.StatusCode, body)
	}
	if resp, body := s.post(t, "/machines", url.Values{"name": {"Odd"}, "definition": {passDefinition}, "type": {"QUICK"}}); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "STANDARD and EXPRESS") {
		t.Fatalf("create with unknown type: %d\n%s", resp.StatusCode, body)
	}
	if _, body := s.get(t, "/machines/Fast"); !strings.Contains(body, `data-testid="machine-type"`) || !strings.Contains(body, ">EXPRESS<") {
		t.Fatalf("machine page does not show the type:\n%s", body)
	}
	id, _ := strconv.ParseInt(executionID(t, s.startExecution(t, "Fast", `{"n": 1}`)), 10, 64)
	db, err := store.Open(context.Background(), s.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	e, err := db.FindExecution(context.Background(), id)
	if err != nil || !regexp.MustCompile(`^arn:aws:states:us-east-1:123456789012:express:Fast:`+e.Name+`:[0-9a-f-]{36}$`).MatchString(e.ARN) {
		t.Fatalf("express execution ARN %q (%v)", e.ARN, err)
	}

	do := func(method, path, body string) (int, string) {
		req, _ := http.NewRequest(method, s.url+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := s.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := do("PUT", "/machines/Fast/inputs/small%20one", `{"input": "{\"n\": 2}"}`); code != 200 {
		t.Fatalf("save: %d %s", code, body)
	}
	if code, body := do("PUT", "/machines/Fast/inputs/bad", `{"input": "{\"n\": }"}`); code != 400 || !strings.Contains(body, "not valid JSON") {
		t.Fatalf("save invalid: %d %s", code, body)
	}
	if code, body := do("PUT", "/machines/Fast/inputs/x", `not json`); code != 400 {
		t.Fatalf("save garbage: %d %s", code, body)
	}
	code, body := do("GET", "/machines/Fast/inputs", "")
	var got struct {
		Last   string
		Inputs []struct{ Name, Input string }
	}
	if err := json.Unmarshal([]byte(body), &got); code != 200 || err != nil {
		t.Fatalf("list: %d %s %v", code, body, err)
	}
	if got.Last != `{"n": 1}` || len(got.Inputs) != 1 || got.Inputs[0].Name != "small one" || got.Inputs[0].Input != `{"n": 2}` {
		t.Fatalf("inputs: %+v", got)
	}
	if code, _ := do("DELETE", "/machines/Fast/inputs/small%20one", ""); code != 204 {
		t.Fatalf("delete: %d", code)
	}
	if code, body := do("DELETE", "/machines/Fast/inputs/small%20one", ""); code != 404 || !strings.Contains(body, "no saved input") {
		t.Fatalf("delete again: %d %s", code, body)
	}
}

// TestExpressHistoryStaysInMemory runs an Express execution: its result is stored, its
// history is not (it lives in memory while the studio runs, and its page shows it); after a
// restart the page says where the history went.
func TestExpressHistoryStaysInMemory(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "studio.db")
	s := startStudioOn(t, db)
	resp, body := s.post(t, "/machines", url.Values{"name": {"Quick"}, "definition": {passDefinition}, "type": {"EXPRESS"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create express: %d\n%s", resp.StatusCode, body)
	}
	path := s.startExecution(t, "Quick", `{"a": 1}`)
	id := execIDOf(t, path)
	reader := s.readDB(t)
	eventually(t, "the Express execution to end", func() bool {
		return storedExecution(t, reader, id).Status == runtime.StatusSucceeded
	})
	var stored int
	if err := rawCount(t, db, id, &stored); err != nil || stored != 0 {
		t.Errorf("%d events of the Express execution in SQLite (%v), want none", stored, err)
	}
	if _, page := s.get(t, path); !strings.Contains(page, "history is kept in memory only") || !strings.Contains(page, "PassStateEntered") {
		t.Errorf("the page of a running studio does not show the history from memory:\n%.3000s", page)
	}
	s.stop()

	s = startStudioOn(t, db)
	defer s.stop()
	if _, page := s.get(t, path); !strings.Contains(page, "history is gone") || !strings.Contains(page, "SUCCEEDED") {
		t.Errorf("after a restart the page does not say where the history went:\n%.3000s", page)
	}
	resp, body = s.post(t, "/machines", url.Values{"name": {"Waits"}, "definition": {callbackDefinition}, "type": {"EXPRESS"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	if resp, body := s.post(t, "/machines/Waits/executions", url.Values{"input": {"{}"}}); resp.StatusCode != http.StatusBadRequest ||
		!strings.Contains(body, "cannot wait for a task token") {
		t.Errorf("an Express execution with a callback: %d\n%.2000s", resp.StatusCode, body)
	}
}

// rawCount counts the rows of the events table of an execution, in the SQLite file itself.
func rawCount(t *testing.T, path string, id int64, n *int) error {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.QueryRow(`SELECT count(*) FROM events WHERE execution_id = ?`, id).Scan(n)
}
