package main

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestRunFromHere re-runs an execution from a chosen state with an edited input, against the
// version it ran and against the current one; the new execution starts there, survives as
// data (its page says where it started), and bad requests say what is wrong.
func TestRunFromHere(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Flow", `{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"a","ResultPath":"$.a","Next":"B"},"B":{"Type":"Pass","Result":"b","ResultPath":"$.b","End":true}}}`)
	first := s.startExecution(t, "Flow", `{"n":1}`)
	readUntil(t, s.watch(t, first, 0), "ExecutionSucceeded")

	runFrom := func(form url.Values) (*http.Response, string) {
		return s.post(t, first+"/run-from", form)
	}
	resp, _ := runFrom(url.Values{"state": {"B"}, "input": {`{"edited":true}`}, "definition": {"same"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("run from B: %d", resp.StatusCode)
	}
	second := resp.Header.Get("Location")
	msgs := readUntil(t, s.watch(t, second, 0), "ExecutionSucceeded")
	var entered []string
	for _, m := range msgs {
		if m.Type == "PassStateEntered" {
			entered = append(entered, m.State)
		}
	}
	if strings.Join(entered, ",") != "B" {
		t.Errorf("the run from B entered %v", entered)
	}
	_, page := s.get(t, second)
	if !regexp.MustCompile(`data-testid="execution-start-at">state <strong>B</strong>`).MatchString(page) ||
		!strings.Contains(page, "{&#34;edited&#34;:true,&#34;b&#34;:&#34;b&#34;}") && !strings.Contains(page, `&#34;edited&#34;: true`) {
		t.Errorf("the new execution's page does not show where it started or its output:\n%s", page)
	}

	// Against the current version, which has renamed B.
	if resp, body := s.post(t, "/machines/Flow", url.Values{"definition": {`{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"C"},"C":{"Type":"Succeed"}}}`}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", resp.StatusCode, body)
	}
	for name, tc := range map[string]struct {
		form   url.Values
		status int
		says   string
	}{
		"the current version has no B": {url.Values{"state": {"B"}, "definition": {"current"}}, http.StatusBadRequest, `has no top-level state &#34;B&#34;`},
		"C in the current version":     {url.Values{"state": {"C"}, "definition": {"current"}}, http.StatusSeeOther, ""},
		"bad input":                    {url.Values{"state": {"B"}, "input": {`{"x":`}}, http.StatusBadRequest, "not valid JSON"},
		"bad definition choice":        {url.Values{"state": {"B"}, "definition": {"newest"}}, http.StatusBadRequest, "neither"},
	} {
		resp, body := runFrom(tc.form)
		if resp.StatusCode != tc.status || !strings.Contains(body, tc.says) {
			t.Errorf("%s: %d, want %d with %q\n%s", name, resp.StatusCode, tc.status, tc.says, body)
		}
	}
}
