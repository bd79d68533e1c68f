package web

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// hasBody are the methods whose requests carry a body.
var hasBody = map[string]bool{http.MethodPost: true, http.MethodPut: true, http.MethodPatch: true, http.MethodDelete: true}

var pathParam = regexp.MustCompile(`:[^/]+|\*`)

// send sends n bytes of a form field (or of JSON) to path, with a Content-Length or chunked.
func send(t *testing.T, srv *httptest.Server, method, path, contentType string, n int64, chunked bool) (int, string) {
	t.Helper()
	body := []byte("a=" + strings.Repeat("b", int(n)-2))
	var r io.Reader = bytes.NewReader(body)
	if chunked {
		r = io.MultiReader(r) // a reader of unknown length: sent chunked
	}
	req, err := http.NewRequest(method, srv.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(got)
}

// TestEveryRouteRefusesABodyOverItsLimit goes through the route table, so that a route added
// later without a limit, or with one that does not hold, fails here.
func TestEveryRouteRefusesABodyOverItsLimit(t *testing.T) {
	t.Parallel()
	s := New(Config{Static: fstest.MapFS{}, LocalWithoutUsers: true})
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)

	routes := 0
	for _, route := range s.echo.Routes() {
		if !hasBody[route.Method] {
			continue
		}
		routes++
		limit, ok := s.limits[route.Method+" "+route.Path]
		if !ok {
			t.Errorf("%s %s has no body limit: register it with routeTable.add", route.Method, route.Path)
			continue
		}
		path := pathParam.ReplaceAllString(route.Path, "x")
		for _, contentType := range []string{"application/x-www-form-urlencoded", "application/json"} {
			for _, chunked := range []bool{false, true} {
				name := route.Method + " " + route.Path + " " + contentType
				if chunked {
					name += " chunked"
				}
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					status, body := send(t, srv, route.Method, path, contentType, limit.bytes+1, chunked)
					if status != http.StatusRequestEntityTooLarge || !strings.Contains(body, grouped(limit.bytes)+" bytes") {
						t.Errorf("%d bytes: status %d, want 413 naming the limit: %.300s", limit.bytes+1, status, body)
					}
					// At the limit, the request goes on, to be refused for its missing CSRF token.
					if status, body := send(t, srv, route.Method, path, contentType, limit.bytes, chunked); status != http.StatusForbidden {
						t.Errorf("%d bytes: status %d, want 403 (no CSRF token): %.300s", limit.bytes, status, body)
					}
				})
			}
		}
	}
	if routes < 10 {
		t.Fatalf("only %d routes take a body: is the table read?", routes)
	}
	t.Run("GET routes and unknown paths take little", func(t *testing.T) {
		t.Parallel()
		for _, r := range []struct{ method, path string }{{"GET", "/"}, {"GET", "/inbox/ws"}, {"POST", "/no/such/page"}, {"PATCH", "/machines/x"}} {
			for _, chunked := range []bool{false, true} {
				if status, body := send(t, srv, r.method, r.path, "application/json", noBody.bytes+1, chunked); status != http.StatusRequestEntityTooLarge {
					t.Errorf("%s %s (chunked %v): status %d, want 413: %.300s", r.method, r.path, chunked, status, body)
				}
			}
		}
	})
}

func TestBrokenFormsAreRefusedWithWhatWasWrong(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(New(Config{Static: fstest.MapFS{}, LocalWithoutUsers: true}))
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		name, contentType, body, says string
	}{
		{"a bad escape", "application/x-www-form-urlencoded", "name=%zz", "invalid URL escape"},
		{"multipart without a boundary", "multipart/form-data", "--x\r\n", "no multipart boundary"},
		{"multipart cut short", "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb", "EOF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp, err := srv.Client().Post(srv.URL+"/machines", tc.contentType, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			got, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(got), tc.says) {
				t.Fatalf("status %d, want 400 saying %q: %s", resp.StatusCode, tc.says, got)
			}
		})
	}
}

func TestGrouped(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 65536: "65,536", 1048576: "1,048,576", 31457280: "31,457,280"} {
		if got := grouped(n); got != want {
			t.Errorf("grouped(%d) = %q, want %q", n, got, want)
		}
	}
}
