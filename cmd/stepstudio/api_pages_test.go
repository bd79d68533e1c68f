package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// These tests look at what the pages show of the resources the Step Functions API makes:
// activities with their tasks and workers, published versions, aliases, and the executions
// started through them. The API is called with raw HTTP, as a worker written in any
// language calls it.

// callStepFunctions calls an action of the studio's Step Functions API (JSON 1.0, unsigned,
// which a loopback studio without users accepts) and returns its decoded answer.
func (s *studio) callStepFunctions(t *testing.T, action string, in any) map[string]any {
	t.Helper()
	body, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, s.url+"/", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Amz-Target", "AWSStepFunctions."+action)
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	// GetActivityTask long-polls; the tests call it only when a task waits, which it answers
	// at once, so reaching the limit means it never did.
	resp, err := (&http.Client{Timeout: waitLimit}).Do(req)
	if err != nil {
		t.Fatalf("%s: %v", action, err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s: status %d, answer not JSON: %v", action, resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: status %d: %v", action, resp.StatusCode, out)
	}
	return out
}

// page gets a page and fails unless it answers 200.
func (s *studio) page(t *testing.T, path string) string {
	t.Helper()
	resp, body := s.get(t, path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d\n%s", path, resp.StatusCode, body)
	}
	return body
}

var (
	openTag = regexp.MustCompile(`<([a-z0-9]+)[^>]*\sdata-testid="([^"]+)"[^>]*>`)
	anyTag  = regexp.MustCompile(`<[^>]*>`)
	spaces  = regexp.MustCompile(`\s+`)
)

// testIDTexts returns the text of each element of html with the data-testid, tags removed
// and spaces collapsed. It reads to the element's first closing tag of its own name: enough
// for the cells and spans it is used on, which hold no element of their own kind.
func testIDTexts(html, testid string) []string {
	var out []string
	for _, m := range openTag.FindAllStringSubmatchIndex(html, -1) {
		if html[m[4]:m[5]] != testid {
			continue
		}
		rest := html[m[1]:]
		end := strings.Index(rest, "</"+html[m[2]:m[3]]+">")
		if end < 0 {
			end = len(rest)
		}
		text := anyTag.ReplaceAllString(rest[:end], " ")
		out = append(out, strings.TrimSpace(spaces.ReplaceAllString(text, " ")))
	}
	return out
}

// testIDText is the text of the one element with the data-testid, "" when there is none.
func testIDText(t *testing.T, html, testid string) string {
	t.Helper()
	texts := testIDTexts(html, testid)
	switch len(texts) {
	case 0:
		return ""
	case 1:
		return texts[0]
	}
	t.Fatalf("%d elements with data-testid=%q: %q", len(texts), testid, texts)
	return ""
}

// activitySection is the part of the activities page about one activity.
func activitySection(t *testing.T, html, name string) string {
	t.Helper()
	start := strings.Index(html, `data-activity="`+name+`"`)
	if start < 0 {
		t.Fatalf("the activities page does not list %q:\n%s", name, html)
	}
	end := strings.Index(html[start:], "</section>")
	return html[start : start+end]
}

func TestActivitiesPageShowsTasksAndWorkers(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	act := s.callStepFunctions(t, "CreateActivity", map[string]any{"name": "resize"})
	arn := act["activityArn"].(string)
	if arn != "arn:aws:states:us-east-1:123456789012:activity:resize" {
		t.Fatalf("activity ARN %s", arn)
	}

	// Nothing waits and no worker polled yet: the page says how a worker asks for a task.
	sec := activitySection(t, s.page(t, "/activities"), "resize")
	if got := testIDText(t, sec, "activity-arn"); got != arn {
		t.Errorf("ARN shown %q, want %q", got, arn)
	}
	if testIDText(t, sec, "activity-created") == "" {
		t.Error("no creation time")
	}
	want := "aws stepfunctions get-activity-task --activity-arn " + arn + " --endpoint-url " + s.url
	if got := testIDText(t, sec, "activity-worker-hint"); got != want {
		t.Errorf("worker hint %q, want %q", got, want)
	}
	if got := testIDText(t, sec, "activity-waiting"); got != "0 waiting" {
		t.Errorf("waiting %q, want 0 waiting", got)
	}

	def := fmt.Sprintf(`{"StartAt":"Resize","States":{"Resize":{"Type":"Task","Resource":%q,"End":true}}}`, arn)
	machine := s.callStepFunctions(t, "CreateStateMachine", map[string]any{
		"name": "thumbnails", "definition": def, "roleArn": "arn:aws:iam::123456789012:role/r"})
	s.callStepFunctions(t, "StartExecution", map[string]any{
		"stateMachineArn": machine["stateMachineArn"], "name": "photo-1", "input": `{"photo":"cat.png"}`})

	// The execution reaches its task on its own goroutine.
	eventually(t, "the task to wait on the activities page", func() bool {
		sec = activitySection(t, s.page(t, "/activities"), "resize")
		return testIDText(t, sec, "activity-waiting") == "1 waiting"
	})
	if got := testIDText(t, sec, "activity-started"); got != "0 taken" {
		t.Errorf("taken %q, want 0 taken", got)
	}
	if got := testIDTexts(sec, "task-execution"); len(got) != 1 || got[0] != "photo-1" {
		t.Fatalf("tasks of executions %q, want [photo-1]", got)
	}
	link := regexp.MustCompile(`href="(/executions/\d+)" data-testid="task-execution"`).FindStringSubmatch(sec)
	if link == nil {
		t.Fatalf("the task does not link to its execution:\n%s", sec)
	}
	if body := s.page(t, link[1]); !strings.Contains(body, "photo-1") {
		t.Errorf("%s is not the page of photo-1", link[1])
	}
	if got := testIDText(t, sec, "task-state"); got != "Resize" {
		t.Errorf("task state %q, want Resize", got)
	}
	if got := testIDText(t, sec, "task-worker"); got != "waiting for a worker" {
		t.Errorf("task worker %q, want waiting for a worker", got)
	}

	// A worker takes it: the page names the worker, and the task as the worker's.
	task := s.callStepFunctions(t, "GetActivityTask", map[string]any{"activityArn": arn, "workerName": "w1"})
	token, _ := task["taskToken"].(string)
	if token == "" {
		t.Fatalf("GetActivityTask gave no task: %v", task)
	}
	sec = activitySection(t, s.page(t, "/activities"), "resize")
	if got := testIDTexts(sec, "worker-name"); len(got) != 1 || got[0] != "w1" {
		t.Errorf("workers %q, want [w1]", got)
	}
	if testIDText(t, sec, "worker-last-poll") == "" {
		t.Error("no last poll time")
	}
	if testIDText(t, sec, "activity-worker-hint") != "" {
		t.Error("the worker hint is still shown once a worker polled")
	}
	if got := testIDText(t, sec, "task-worker"); !strings.HasPrefix(got, "taken by w1") {
		t.Errorf("task worker %q, want taken by w1", got)
	}
	if w, st := testIDText(t, sec, "activity-waiting"), testIDText(t, sec, "activity-started"); w != "0 waiting" || st != "1 taken" {
		t.Errorf("counts %q, %q, want 0 waiting, 1 taken", w, st)
	}

	// Its result ends the wait: the task leaves the page, the worker stays.
	s.callStepFunctions(t, "SendTaskSuccess", map[string]any{"taskToken": token, "output": `{"done":true}`})
	eventually(t, "the answered task to leave the activities page", func() bool {
		sec = activitySection(t, s.page(t, "/activities"), "resize")
		return testIDText(t, sec, "activity-no-tasks") != ""
	})
	if got := testIDTexts(sec, "worker-name"); len(got) != 1 || got[0] != "w1" {
		t.Errorf("workers after the answer %q, want [w1]", got)
	}
}

func TestActivitiesPageWithoutActivities(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	body := s.page(t, "/activities")
	if testIDText(t, body, "no-activities") == "" {
		t.Fatalf("no empty state:\n%s", body)
	}
	if got, want := testIDText(t, body, "create-activity-hint"), "aws stepfunctions create-activity --name NAME --endpoint-url "+s.url; got != want {
		t.Errorf("hint %q, want %q", got, want)
	}
	if !strings.Contains(body, `href="/activities" class="active" data-testid="nav-activities"`) {
		t.Error("the navigation does not mark Activities as the page shown")
	}
}

func TestMachinePageShowsVersionsAndAliases(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	const role = "arn:aws:iam::123456789012:role/r"
	pass := func(result string) string {
		return fmt.Sprintf(`{"StartAt":"P","States":{"P":{"Type":"Pass","Result":%q,"End":true}}}`, result)
	}
	machine := s.callStepFunctions(t, "CreateStateMachine", map[string]any{"name": "pricing", "definition": pass("one"), "roleArn": role})
	arn := machine["stateMachineArn"].(string)

	// Before anything is published the page has no versions panel, but the role.
	body := s.page(t, "/machines/pricing")
	if got := testIDText(t, body, "machine-role"); got != role {
		t.Errorf("role %q, want %q", got, role)
	}
	if strings.Contains(body, `data-testid="machine-versions"`) {
		t.Error("a versions panel for a machine without published versions")
	}

	v1 := s.callStepFunctions(t, "PublishStateMachineVersion", map[string]any{"stateMachineArn": arn, "description": "first"})["stateMachineVersionArn"].(string)
	// A new revision, published as version 2 by the update itself.
	v2 := s.callStepFunctions(t, "UpdateStateMachine", map[string]any{"stateMachineArn": arn, "definition": pass("two"),
		"publish": true, "versionDescription": "second"})["stateMachineVersionArn"].(string)
	alias := s.callStepFunctions(t, "CreateStateMachineAlias", map[string]any{"name": "live",
		"routingConfiguration": []map[string]any{{"stateMachineVersionArn": v1, "weight": 100}}})["stateMachineAliasArn"].(string)
	s.callStepFunctions(t, "CreateStateMachineAlias", map[string]any{"name": "canary",
		"routingConfiguration": []map[string]any{{"stateMachineVersionArn": v2, "weight": 20}, {"stateMachineVersionArn": v1, "weight": 80}}})

	body = s.page(t, "/machines/pricing")
	for _, c := range []struct{ testid, want string }{
		{"version-number", `["v2" "v1"]`},
		{"version-description", `["second" "first"]`},
		{"version-revision", `["revision 2" "revision 1"]`},
		{"alias-name", `["canary" "live"]`},
		{"alias-routing", `["v2 20% / v1 80%" "v1 100%"]`},
	} {
		if got := fmt.Sprintf("%q", testIDTexts(body, c.testid)); got != c.want {
			t.Errorf("%s: %s, want %s", c.testid, got, c.want)
		}
	}
	if got := testIDTexts(body, "version-published"); len(got) != 2 || got[0] == "" || got[1] == "" {
		t.Errorf("published times %q", got)
	}

	// An execution's page says what it was started through.
	for _, c := range []struct{ name, through, want string }{
		{"on-the-machine", arn, ""},
		{"on-version-2", v2, "version 2"},
		{"through-live", alias, "alias live → version 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := s.callStepFunctions(t, "StartExecution", map[string]any{"stateMachineArn": c.through, "name": c.name})
			id := executionPageOf(t, s, "pricing", out["executionArn"].(string))
			if got := testIDText(t, s.page(t, id), "execution-via"); got != c.want {
				t.Errorf("started through %q, want %q", got, c.want)
			}
		})
	}
}

// executionPageOf finds the page of the execution with the ARN, from its machine's page.
func executionPageOf(t *testing.T, s *studio, machine, arn string) string {
	t.Helper()
	name := arn[strings.LastIndex(arn, ":")+1:]
	link := regexp.MustCompile(`<a href="(/executions/\d+)"[^>]*>` + regexp.QuoteMeta(name) + `<`)
	var path string
	eventually(t, "execution "+name+" to be listed", func() bool {
		if m := link.FindStringSubmatch(s.page(t, "/machines/"+machine)); m != nil {
			path = m[1]
		}
		return path != ""
	})
	return path
}
