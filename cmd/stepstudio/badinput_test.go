package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stepstudio/stepstudio/designer"
)

// chainOf is a definition of n Pass states in a row.
func chainOf(n int) string {
	var b strings.Builder
	b.WriteString(`{"StartAt":"S0","States":{`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		if i == n-1 {
			fmt.Fprintf(&b, `"S%d":{"Type":"Pass","End":true}`, i)
		} else {
			fmt.Fprintf(&b, `"S%d":{"Type":"Pass","Next":"S%d"}`, i, i+1)
		}
	}
	b.WriteString(`}}`)
	return b.String()
}

// nestedParallels is a Parallel inside a Parallel, depth times.
func nestedParallels(depth int) string {
	inner := `{"StartAt":"Leaf","States":{"Leaf":{"Type":"Pass","End":true}}}`
	for i := range depth {
		inner = fmt.Sprintf(`{"StartAt":"P%d","States":{"P%d":{"Type":"Parallel","End":true,"Branches":[%s]}}}`, i, i, inner)
	}
	return inner
}

func (s *studio) upload(t *testing.T, name string, file []byte) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("name", name)
	fw, _ := w.CreateFormFile("file", name+".asl.json")
	fw.Write(file)
	w.Close()
	req, _ := http.NewRequest("POST", s.url+"/machines", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(resp.Body)
	return resp, out.String()
}

func TestDesignerBadInput(t *testing.T) {
	t.Parallel()
	s := startStudio(t)

	t.Run("a 5 MB file is refused with the limit", func(t *testing.T) {
		big := []byte(`{"Comment":"` + strings.Repeat("x", 5<<20) + `","StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`)
		resp, body := s.upload(t, "Huge", big)
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "a definition may be at most 1 MiB") {
			t.Fatalf("status %d\n%.2000s", resp.StatusCode, body)
		}
	})
	t.Run("JSON that is not ASL is refused clearly", func(t *testing.T) {
		for doc, says := range map[string]string{
			`[1,2]`:     "must be a JSON object, not array",
			`{"foo":1}`: "These fields are required: [StartAt]",
			`"StartAt"`: "must be a JSON object, not string",
		} {
			resp, body := s.post(t, "/machines", url.Values{"name": {"NotASL"}, "definition": {doc}})
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, says) {
				t.Errorf("%s: status %d, want 422 saying %q\n%.3000s", doc, resp.StatusCode, says, body)
			}
		}
	})
	t.Run("2,000 states draw and open in the designer", func(t *testing.T) {
		s.createMachine(t, "Long", chainOf(2000))
		for _, path := range []string{"/machines/Long", "/machines/Long/design"} {
			resp, body := s.get(t, path)
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="state-S1999"`) {
				t.Fatalf("%s: status %d", path, resp.StatusCode)
			}
		}
	})
	t.Run("deeply nested Parallels draw and run", func(t *testing.T) {
		s.createMachine(t, "Deep", nestedParallels(20))
		resp, body := s.get(t, "/machines/Deep")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="state-Leaf"`) {
			t.Fatalf("status %d", resp.StatusCode)
		}
		execPath := s.startExecution(t, "Deep", `{"x":1}`)
		msgs := readUntil(t, s.watch(t, execPath, 0), "ExecutionSucceeded")
		if out := msgs[len(msgs)-1].Execution.Output; !strings.Contains(out, `{"x":1}`) {
			t.Fatalf("output %s", out)
		}
	})
	t.Run("a state name with quotes and unicode", func(t *testing.T) {
		name := `Approve "big" órder ✓`
		def := fmt.Sprintf(`{"StartAt":%q,"States":{%q:{"Type":"Pass","End":true}}}`, name, name)
		s.createMachine(t, "Quoted", def)
		_, page := s.get(t, "/machines/Quoted")
		if !strings.Contains(page, `id="`+designer.NodeID(name)+`"`) {
			t.Fatalf("no node %s in the page", designer.NodeID(name))
		}
		execPath := s.startExecution(t, "Quoted", `{}`)
		msgs := readUntil(t, s.watch(t, execPath, 0), "ExecutionSucceeded")
		if msgs[1].State != name || msgs[1].Node != designer.NodeID(name) {
			t.Fatalf("state event %+v", msgs[1])
		}
		_, exported := s.get(t, "/machines/Quoted/definition.asl.json")
		if exported != def {
			t.Fatalf("export %s", exported)
		}
	})
	t.Run("the designer refuses a document over the size limit", func(t *testing.T) {
		doc := `{"Comment":"` + strings.Repeat("x", 5<<20) + `","StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`
		body, _ := json.Marshal(map[string]any{"document": doc, "ops": []any{}})
		resp, err := s.client.Post(s.url+"/machines/Long/design/apply", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out bytes.Buffer
		out.ReadFrom(resp.Body)
		if resp.StatusCode/100 != 4 || !strings.Contains(out.String(), "bytes") {
			t.Fatalf("status %d: %s", resp.StatusCode, out.String())
		}
	})
}
