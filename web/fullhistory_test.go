package web_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/gorilla/websocket"

	"github.com/stepstudio/stepstudio/designer"
	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/fakeclock"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/store"
	"github.com/stepstudio/stepstudio/web"
)

// The execution pages of histories at AWS's limit: 25,000 events, stored in a real SQLite
// file by the real engine.

// loopDefinition never ends on its own: a Pass and a Choice forever, until the history's
// limit fails it, so its history is exactly the limit long (12,499 visits at the top level).
const loopDefinition = `{"StartAt": "Count", "States": {
	"Count": {"Type": "Pass", "Next": "Again?"},
	"Again?": {"Type": "Choice", "Choices": [{"Variable": "$.stop", "BooleanEquals": true, "Next": "Done"}], "Default": "Count"},
	"Done": {"Type": "Succeed"}}}`

// mapDefinition runs more iterations than the limit lets it finish: some 6,000 iterations,
// each a scope of the page's picker.
const mapDefinition = `{"StartAt": "Each", "States": {"Each": {"Type": "Map", "MaxConcurrency": 40,
	"ItemProcessor": {"StartAt": "Look", "States": {"Look": {"Type": "Pass", "End": true}}}, "End": true}}}`

// fullHistory is a studio's store holding one execution whose history reached the limit.
type fullHistory struct {
	db   *store.DB
	exec resource.Execution
	gfx  graphs
}

func newFullHistory(tb testing.TB, definition, input string) *fullHistory {
	tb.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(tb.TempDir(), "studio.db"), store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	m, err := db.CreateMachine(ctx, resource.StateMachine{Name: "Full", ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:Full",
		Definition: []byte(definition)})
	if err != nil {
		tb.Fatal(err)
	}
	exec, err := db.CreateExecution(ctx, resource.Execution{ARN: "arn:aws:states:us-east-1:123456789012:execution:Full:x", Name: "x",
		StateMachineID: m.ID, VersionID: m.VersionID, Input: []byte(input), StartedAt: time.Now()})
	if err != nil {
		tb.Fatal(err)
	}
	def, err := runtime.Parse(m.Definition)
	if err != nil {
		tb.Fatal(err)
	}
	eng := runtime.NewEngine(runtime.EngineConfig{Clock: fakeclock.NewVirtual(time.Now()), Recorder: db,
		MaxHistoryEvents: runtime.DefaultMaxHistoryEvents})
	res, err := eng.Run(ctx, runtime.StartInputOf(exec, m, def))
	if err != nil || res.Cause != "The execution reached the maximum number of history events (25000)." {
		tb.Fatalf("run: %+v %v, want FAILED at the history's limit", res, err)
	}
	exec, err = db.FindExecution(ctx, exec.ID)
	if err != nil {
		tb.Fatal(err)
	}
	r, err := designer.NewRenderer(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	return &fullHistory{db: db, exec: exec, gfx: graphs{r}}
}

// server is a studio serving the store as a loopback studio without users does.
func (h *fullHistory) server() *web.Server {
	return web.New(web.Config{Store: h.db, Hub: web.NewHub(), Graphs: h.gfx, Static: fstest.MapFS{},
		LocalWithoutUsers: true})
}

func (h *fullHistory) get(tb testing.TB, srv http.Handler, path string) (int, string) {
	tb.Helper()
	req := loopbackRequest(context.Background(), path)
	req.Header.Set("Accept", "text/html")
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, req)
	return w.Code, w.Body.String()
}

// loopbackRequest is a GET as it reaches a studio listening on 127.0.0.1:8080.
func loopbackRequest(ctx context.Context, path string) *http.Request {
	ctx = context.WithValue(ctx, http.LocalAddrContextKey, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080})
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, path, nil)
	req.Host = "127.0.0.1:8080"
	return req
}

func (h *fullHistory) path() string { return "/executions/" + strconv.FormatInt(h.exec.ID, 10) }

type graphs struct{ r *designer.Renderer }

func (g graphs) RenderSVG(ctx context.Context, definition []byte) ([]byte, error) {
	return designer.RenderDefinition(ctx, g.r, definition, designer.DOTOptions{})
}

func (g graphs) RenderSVGWith(ctx context.Context, definition []byte, opts designer.DOTOptions) ([]byte, error) {
	return designer.RenderDefinition(ctx, g.r, definition, opts)
}

var eventRow = regexp.MustCompile(`data-event-id="(\d+)"`)

func TestExecutionPageOfAFullHistoryShowsAPageAtATime(t *testing.T) {
	t.Parallel()
	h := newFullHistory(t, loopDefinition, `{"stop": false}`)
	srv := h.server()
	code, body := h.get(t, srv, h.path())
	if code != http.StatusOK {
		t.Fatalf("page: %d\n%s", code, body)
	}
	// The whole history would be megabytes; the page carries the graph and a page of each list.
	if len(body) > 200_000 {
		t.Errorf("the page is %d bytes, want it to hold a page of rows, not the history", len(body))
	}
	for _, want := range []string{
		"page 1 of 1000 · 25000 events", "page 1 of 500 · 12499 visits",
		"The execution reached the maximum number of history events (25000).",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page does not say %q", want)
		}
	}
	if rows := eventRow.FindAllString(body, -1); len(rows) != 25 {
		t.Errorf("%d event rows, want 25", len(rows))
	}

	tests := []struct {
		path  string
		first string // the first row's event id
		says  string
	}{
		{"/events?page=1000", "24976", "page 1000 of 1000 · 25000 events"},
		{"/events?page=9999", "24976", "page 1000 of 1000"},
		{"/events?q=executionfailed", "25000", "page 1 of 1 · 1 events"},
		{"/events?q=Again%3F&page=2", "53", "page 2 of 500 · 12498 events"},
		{"/visits?page=500", "", "page 500 of 500 · 12499 visits"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			code, body := h.get(t, srv, h.path()+tt.path)
			if code != http.StatusOK || !strings.Contains(body, tt.says) {
				t.Fatalf("%d, want 200 saying %q:\n%.2000s", code, tt.says, body)
			}
			if m := eventRow.FindStringSubmatch(body); tt.first != "" && (m == nil || m[1] != tt.first) {
				t.Errorf("first row %v, want event %s", m, tt.first)
			}
		})
	}
	for _, bad := range []string{"/events?page=0", "/events?page=x", "/visits?scope=/Nope%230", "/scope?key=/Nope%230"} {
		if code, body := h.get(t, srv, h.path()+bad); code != http.StatusBadRequest && code != http.StatusNotFound {
			t.Errorf("%s: %d, want 400 or 404 with the reason\n%.500s", bad, code, body)
		}
	}
}

func TestExecutionExportStreamsAFullHistory(t *testing.T) {
	t.Parallel()
	h := newFullHistory(t, loopDefinition, `{"stop": false}`)
	code, body := h.get(t, h.server(), h.path()+"/export.json")
	if code != http.StatusOK {
		t.Fatalf("export: %d", code)
	}
	var x struct {
		Status string
		Events []struct {
			ID   int64
			Type string
		}
	}
	if err := json.Unmarshal([]byte(body), &x); err != nil {
		t.Fatalf("export is not JSON: %v\n%.300s", err, body[max(0, len(body)-300):])
	}
	if x.Status != "FAILED" || len(x.Events) != 25000 || x.Events[24999].ID != 25000 || x.Events[24999].Type != "ExecutionFailed" {
		t.Errorf("export: %s with %d events", x.Status, len(x.Events))
	}
}

func TestExecutionPageOfAMapAtTheLimitPicksAnIteration(t *testing.T) {
	t.Parallel()
	items := make([]string, 10_000)
	for i := range items {
		items[i] = strconv.Itoa(i)
	}
	h := newFullHistory(t, mapDefinition, "["+strings.Join(items, ",")+"]")
	srv := h.server()
	code, body := h.get(t, srv, h.path())
	if code != http.StatusOK || !strings.Contains(body, `{"key":"/Each#5000","label":"Each #5000","node":"state-Each"}`) {
		t.Fatalf("page: %d, want the picker to offer iteration 5000\n%.1000s", code, body)
	}
	code, body = h.get(t, srv, h.path()+"/scope?key=/Each%235000")
	var view struct {
		Nodes   map[string]struct{ Status string }
		Members struct{ Nodes []string }
	}
	if err := json.Unmarshal([]byte(body), &view); code != http.StatusOK || err != nil {
		t.Fatalf("scope: %d %v\n%s", code, err, body)
	}
	if view.Nodes["state-Look"].Status != "succeeded" || len(view.Members.Nodes) != 1 {
		t.Errorf("iteration 5000: %+v", view)
	}
	if code, body := h.get(t, srv, h.path()+"/visits?scope=/Each%235000"); code != http.StatusOK || !strings.Contains(body, "page 1 of 1 · 1 visits") {
		t.Errorf("visits of iteration 5000: %d\n%s", code, body)
	}
}

// cancelAfter is the store, whose histories a client gives up reading after n events.
type cancelAfter struct {
	*store.DB
	n      int
	cancel context.CancelFunc
	read   int
}

func (c *cancelAfter) EachEvent(ctx context.Context, id, after int64, fn func(runtime.Event) error) error {
	return c.DB.EachEvent(ctx, id, after, func(ev runtime.Event) error {
		if c.read++; c.read == c.n {
			c.cancel()
		}
		return fn(ev)
	})
}

func TestAPageWhoseClientWentAwayStopsFolding(t *testing.T) {
	t.Parallel()
	h := newFullHistory(t, loopDefinition, `{"stop": false}`)
	ctx, cancel := context.WithCancel(context.Background())
	st := &cancelAfter{DB: h.db, n: 1000, cancel: cancel}
	srv := web.New(web.Config{Store: st, Hub: web.NewHub(), Graphs: h.gfx, Static: fstest.MapFS{}, LocalWithoutUsers: true})
	req := loopbackRequest(ctx, h.path()+"/events?page=1000")
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, req)
	// database/sql notices the cancel between rows; a few already read may still be folded.
	if st.read >= 25000 {
		t.Errorf("read %d events after the client went away at 1,000", st.read)
	}
	if w.Code == http.StatusOK && strings.Contains(w.Body.String(), "page 1000 of 1000") {
		t.Errorf("answered as if the whole history had been read")
	}
	// The next request picks up where the cancelled one stopped.
	code, body := h.get(t, srv, h.path()+"/events?page=1000")
	if code != http.StatusOK || !strings.Contains(body, "page 1000 of 1000") {
		t.Errorf("next request: %d\n%.500s", code, body)
	}
}

// BenchmarkExecutionPage25000Events opens the execution page of an execution whose history
// reached AWS's limit: "first" on a fresh server (the history is read from SQLite and folded),
// "again" on a server that folded it already (only what is new is read). The shapes are a
// loop (12,500 visits of two states) and a Map (6,000 iterations, each one scope).
func BenchmarkExecutionPage25000Events(b *testing.B) {
	items := make([]string, 10_000)
	for i := range items {
		items[i] = strconv.Itoa(i)
	}
	for _, shape := range []struct{ name, definition, input string }{
		{"loop", loopDefinition, `{"stop": false}`},
		{"map", mapDefinition, "[" + strings.Join(items, ",") + "]"},
	} {
		h := newFullHistory(b, shape.definition, shape.input)
		open := func(b *testing.B, srv http.Handler) {
			code, body := h.get(b, srv, h.path())
			if code != http.StatusOK {
				b.Fatalf("page: %d\n%.500s", code, body)
			}
			b.ReportMetric(float64(len(body)), "page-bytes")
		}
		b.Run(shape.name+"/first", func(b *testing.B) {
			for b.Loop() {
				open(b, h.server())
			}
		})
		b.Run(shape.name+"/again", func(b *testing.B) {
			srv := h.server()
			open(b, srv)
			for b.Loop() {
				open(b, srv)
			}
		})
	}
}

func TestExecutionSocketCatchesUpOrStartsAgainFromTheWholePicture(t *testing.T) {
	t.Parallel()
	h := newFullHistory(t, loopDefinition, `{"stop": false}`)
	ts := httptest.NewServer(h.server())
	t.Cleanup(ts.Close)
	read := func(after int64, n int) []map[string]json.RawMessage {
		t.Helper()
		conn, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(ts.URL, "http")+h.path()+"/ws?after="+strconv.FormatInt(after, 10), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var msgs []map[string]json.RawMessage
		for range n {
			conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			var m map[string]json.RawMessage
			if err := conn.ReadJSON(&m); err != nil {
				t.Fatalf("after %d: message %d: %v", after, len(msgs)+1, err)
			}
			msgs = append(msgs, m)
		}
		return msgs
	}
	// A page drawn a moment ago gets the events it missed, one by one.
	msgs := read(24997, 3)
	for i, m := range msgs {
		if got, want := string(m["id"]), strconv.Itoa(24998+i); got != want || m["resync"] != nil {
			t.Errorf("message %d: id %s, want %s without a resync", i, got, want)
		}
	}
	if !strings.Contains(string(msgs[2]["execution"]), `"status":"FAILED"`) {
		t.Errorf("the last message does not end the execution: %s", msgs[2]["execution"])
	}
	// A page far behind gets the whole picture instead, and how the execution ended.
	msgs = read(10, 1)
	var snap struct {
		Last   int64
		Visits int
	}
	if err := json.Unmarshal(msgs[0]["resync"], &snap); err != nil || snap.Last != 25000 || snap.Visits != 12499 ||
		!strings.Contains(string(msgs[0]["execution"]), `"status":"FAILED"`) {
		t.Errorf("resync %s (%v), execution %s", msgs[0]["resync"], err, msgs[0]["execution"])
	}
}
