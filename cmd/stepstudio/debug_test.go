package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
)

const debugMachine = `{"StartAt":"Prepare","States":{
  "Prepare":{"Type":"Pass","Assign":{"limit":10},"Next":"Big?"},
  "Big?":{"Type":"Choice","Choices":[{"Variable":"$.amount","NumericGreaterThanPath":"$limit","Next":"Review"}],"Default":"Auto"},
  "Review":{"Type":"Pass","Result":"reviewed","ResultPath":"$.path","End":true},
  "Auto":{"Type":"Pass","Result":"auto","ResultPath":"$.path","End":true}}}`

var foldScript = regexp.MustCompile(`(?s)<script id="execution-fold" type="application/json">(.*?)</script>`)

type shownPause struct {
	ID        int64             `json:"id"`
	State     string            `json:"state"`
	Reason    string            `json:"reason"`
	Input     string            `json:"input"`
	Variables map[string]string `json:"variables"`
}

// pausesOn reads the pauses the execution page is drawn with.
func pausesOn(t *testing.T, s *studio, page string) []shownPause {
	t.Helper()
	_, body := s.get(t, page)
	m := foldScript.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no fold on %s", page)
	}
	var snap struct{ Pauses []shownPause }
	if err := json.Unmarshal([]byte(m[1]), &snap); err != nil {
		t.Fatal(err)
	}
	return snap.Pauses
}

// awaitPause waits until the execution page shows a pause at state.
func awaitPause(t *testing.T, s *studio, page, state string) shownPause {
	t.Helper()
	var p shownPause
	eventually(t, "a pause at "+state, func() bool {
		for _, q := range pausesOn(t, s, page) {
			if q.State == state {
				p = q
				return true
			}
		}
		return false
	})
	return p
}

func (s *studio) debugCommand(t *testing.T, page string, cmd map[string]any) (*http.Response, string) {
	t.Helper()
	body, _ := json.Marshal(cmd)
	return s.request(t, http.MethodPost, page+"/debug", strings.NewReader(string(body)), map[string]string{"Content-Type": "application/json"})
}

// TestDebugRunThroughTheStudio: breakpoints saved for a machine pause its debug run; the page
// shows the pause with its input and variables; a changed input takes the other branch; a
// restart while paused pauses again; the API's history leaves the studio's events out.
func TestDebugRunThroughTheStudio(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "data", "studio.db")
	s := startStudioOn(t, db)
	defer func() { s.stop() }()
	s.createMachine(t, "orders", debugMachine)
	res, body := s.request(t, http.MethodPut, "/machines/orders/breakpoints",
		strings.NewReader(`{"breakpoints":[{"state":"Big?","enabled":true}],"breakOnError":false}`), map[string]string{"Content-Type": "application/json"})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("save breakpoints: %d %s", res.StatusCode, body)
	}
	// A normal run does not pause.
	normal := s.startExecution(t, "orders", `{"amount": 5}`)
	eventually(t, "the normal run to end", func() bool { _, b := s.get(t, normal); return strings.Contains(b, ">SUCCEEDED<") })

	res, body = s.post(t, "/machines/orders/executions", url.Values{"input": {`{"amount": 5}`}, "debug": {"1"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("start a debug run: %d %s", res.StatusCode, body)
	}
	page := res.Header.Get("Location")
	p := awaitPause(t, s, page, "Big?")
	if p.Reason != "breakpoint" || p.Input != `{"amount":5}` || p.Variables["limit"] != "10" {
		t.Fatalf("the pause: %+v", p)
	}
	if _, list := s.get(t, "/executions?status=PAUSED"); !strings.Contains(list, page) {
		t.Fatalf("the PAUSED filter does not list %s:\n%s", page, list)
	}
	if _, list := s.get(t, "/executions?status=PAUSED"); strings.Contains(list, normal) {
		t.Fatalf("the PAUSED filter lists the normal run")
	}

	// Bad data is refused, saying where; nothing is resumed.
	if res, body := s.debugCommand(t, page, map[string]any{"pause": p.ID, "action": "continue", "input": `{"amount": 5`}); res.StatusCode != http.StatusBadRequest ||
		!strings.Contains(body, `"field":"input"`) || !strings.Contains(body, "line 1") {
		t.Fatalf("a broken input: %d %s", res.StatusCode, body)
	}
	if res, body := s.debugCommand(t, page, map[string]any{"pause": p.ID, "action": "fly"}); res.StatusCode != http.StatusBadRequest {
		t.Fatalf("an unknown action: %d %s", res.StatusCode, body)
	}

	// A restart while paused: paused again where it was.
	s.stop()
	s = startStudioOn(t, db)
	again := awaitPause(t, s, page, "Big?")
	if again.Reason != "restart" || again.ID == p.ID || len(pausesOn(t, s, page)) != 1 {
		t.Fatalf("after the restart: %+v", pausesOn(t, s, page))
	}
	if res, body := s.debugCommand(t, page, map[string]any{"pause": p.ID, "action": "continue"}); res.StatusCode != http.StatusConflict {
		t.Fatalf("resuming the pause before the restart: %d %s", res.StatusCode, body)
	}
	res, body = s.debugCommand(t, page, map[string]any{"pause": again.ID, "action": "continue", "input": `{"amount": 50}`})
	if res.StatusCode != http.StatusOK {
		t.Fatalf("continue with a new input: %d %s", res.StatusCode, body)
	}
	eventually(t, "the debug run to end", func() bool { _, b := s.get(t, page); return strings.Contains(b, ">SUCCEEDED<") })
	if _, b := s.get(t, page); !strings.Contains(b, `reviewed`) {
		t.Fatalf("the run did not take the other branch:\n%s", b)
	}
	if _, list := s.get(t, "/executions?status=PAUSED"); strings.Contains(list, page) {
		t.Fatalf("the PAUSED filter still lists the ended run")
	}

	// The history holds the studio's events; the API gives them only when asked.
	_, events := s.get(t, page+"/events?q=StudioDebug")
	if !strings.Contains(events, "StudioDebugResumed") || !strings.Contains(events, "inputAfter") {
		t.Fatalf("the events tab:\n%s", events)
	}
	c := anySFN(s)
	arn := "arn:aws:states:us-east-1:123456789012:execution:orders:" + shownExecutionName(t, s, page)
	h, err := c.GetExecutionHistory(context.Background(), &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range h.Events {
		if strings.HasPrefix(string(ev.Type), "Studio") {
			t.Fatalf("GetExecutionHistory gave %s", ev.Type)
		}
	}
	res, body = s.request(t, http.MethodPost, "/", strings.NewReader(`{"executionArn":"`+arn+`","includeStudioEvents":true}`),
		map[string]string{"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AWSStepFunctions.GetExecutionHistory",
			"Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261206/us-east-1/states/aws4_request, SignedHeaders=host, Signature=x"})
	if res.StatusCode != http.StatusOK || strings.Count(body, `"StudioDebugPaused"`) != 2 {
		t.Fatalf("asked for the studio's events: %d %s", res.StatusCode, body)
	}
}

var executionNamePattern = regexp.MustCompile(`<h1>Execution <span class="mono">([^<]+)</span>`)

func shownExecutionName(t *testing.T, s *studio, page string) string {
	t.Helper()
	_, body := s.get(t, page)
	m := executionNamePattern.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no execution name on %s", page)
	}
	return m[1]
}
