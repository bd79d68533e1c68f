package main

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestVersionDiff saves a second version and compares it with the first: the newer graph
// marks the added and changed states, the removed one is listed, the JSON diff shows the
// lines; bad version numbers are clear errors.
func TestVersionDiff(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Diffed", `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Old"},"Old":{"Type":"Succeed"}}}`)
	v2 := `{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"n":1},"Next":"New"},"New":{"Type":"Succeed"}}}`
	if resp, body := s.post(t, "/machines/Diffed", url.Values{"definition": {v2}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", resp.StatusCode, body)
	}
	_, machinePage := s.get(t, "/machines/Diffed")
	if !strings.Contains(machinePage, `data-testid="changes-2"`) {
		t.Fatalf("the machine page does not offer the changes of version 2")
	}
	resp, page := s.get(t, "/machines/Diffed/diff?from=1&to=2")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("diff page: %d\n%s", resp.StatusCode, page)
	}
	for _, want := range []string{
		`<g id="state-A" data-diff="changed" class="node state`,
		`<g id="state-New" data-diff="added" class="node state`,
		`<li>Old</li>`,
		`data-kind="+">+       &#34;Result&#34;: {`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the diff page lacks %s", want)
		}
	}
	for path, status := range map[string]int{
		"/machines/Diffed/diff?from=x":      http.StatusBadRequest,
		"/machines/Diffed/diff?from=1&to=9": http.StatusNotFound,
		"/machines/Nope/diff":               http.StatusNotFound,
		"/machines/Diffed/diff?from=2&to=2": http.StatusOK,
	} {
		if resp, body := s.get(t, path); resp.StatusCode != status {
			t.Errorf("%s: %d, want %d\n%s", path, resp.StatusCode, status, body)
		}
	}
}
