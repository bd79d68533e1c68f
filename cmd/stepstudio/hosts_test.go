package main

import (
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// portOf is the port of a studio's address.
func portOf(t *testing.T, studioURL string) string {
	t.Helper()
	u, err := url.Parse(studioURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Port()
}

// hostRequest is one kind of request a page of another site could make through DNS
// rebinding, sent to the studio with the given Host header; it returns the status.
type hostRequest struct {
	name string
	do   func(t *testing.T, s *studio, host string) int
}

// viaHost are the requests of every kind: a page, a form post with a valid CSRF token (read
// through a good host), a websocket, a static file and a path nothing serves.
var viaHost = []hostRequest{
	{"GET /", func(t *testing.T, s *studio, host string) int {
		resp, _ := s.request(t, "GET", "/", nil, map[string]string{"Host": host, "Accept": "text/html"})
		return resp.StatusCode
	}},
	{"POST /machines/Quick/executions", func(t *testing.T, s *studio, host string) int {
		form := url.Values{"input": {`{}`}}
		resp, _ := s.request(t, "POST", "/machines/Quick/executions", strings.NewReader(form.Encode()),
			map[string]string{"Host": host, "Content-Type": "application/x-www-form-urlencoded"})
		return resp.StatusCode
	}},
	{"GET /inbox/ws", func(t *testing.T, s *studio, host string) int {
		u := strings.Replace(s.url, "http://", "ws://", 1) + "/inbox/ws"
		// As a page of that host would: its Origin matches the Host it sends.
		header := http.Header{"Host": {host}, "Origin": {"http://" + host}}
		conn, resp, err := (&websocket.Dialer{Jar: s.client.Jar}).Dial(u, header)
		if err == nil {
			conn.Close()
		}
		if resp == nil {
			t.Fatalf("websocket via %s: %v", host, err)
		}
		return resp.StatusCode
	}},
	{"GET /static/app.js", func(t *testing.T, s *studio, host string) int {
		resp, _ := s.request(t, "GET", "/static/app.js", nil, map[string]string{"Host": host})
		return resp.StatusCode
	}},
	{"GET /no/such/page", func(t *testing.T, s *studio, host string) int {
		resp, _ := s.request(t, "GET", "/no/such/page", nil, map[string]string{"Host": host, "Accept": "text/html"})
		return resp.StatusCode
	}},
}

func TestHostsNotNamingTheStudioAreRefused(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Quick", passDefinition)
	port := portOf(t, s.url)
	n, _ := strconv.Atoi(port)
	wrongPort := strconv.Itoa(n%65535 + 1)

	t.Run("hosts", func(t *testing.T) {
		for _, host := range []string{
			"evil.example:" + port,
			"attacker.localhost.evil.com:" + port,
			"localhost.evil.com:" + port,
			"sync-evil.example:" + port,
			"localhost:" + wrongPort,
			"127.0.0.1:" + wrongPort,
			"localhost", // port 80 is not the studio's
		} {
			t.Run(host+" gets 421", func(t *testing.T) {
				t.Parallel()
				for _, r := range viaHost {
					if got := r.do(t, s, host); got != http.StatusMisdirectedRequest {
						t.Errorf("%s: status %d, want 421", r.name, got)
					}
				}
			})
		}
	})
	if _, body := s.get(t, "/executions"); len(rowNames(body)) != 0 {
		t.Errorf("executions were started through those hosts: %v", rowNames(body))
	}
	for _, accept := range []string{"text/html", "application/json"} {
		resp, body := s.request(t, "GET", "/", nil, map[string]string{"Host": "evil.example:" + port, "Accept": accept})
		for _, want := range []string{"evil.example:" + port, "localhost:" + port, "--host"} {
			if !strings.Contains(body, want) {
				t.Errorf("the refusal (%s, status %d) does not say %q:\n%s", accept, resp.StatusCode, want, body)
			}
		}
	}
}

func TestHostsNamingTheStudioAreServed(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	s.createMachine(t, "Quick", passDefinition)
	port := portOf(t, s.url)
	// The status each request answers through a good host.
	want := map[string]int{
		"GET /":                           http.StatusOK,
		"POST /machines/Quick/executions": http.StatusSeeOther,
		"GET /inbox/ws":                   http.StatusSwitchingProtocols,
		"GET /static/app.js":              http.StatusOK,
		"GET /no/such/page":               http.StatusNotFound,
	}
	for _, host := range []string{
		"localhost:" + port,
		"127.0.0.1:" + port,
		"[::1]:" + port,
		"LocalHost.:" + port,
		"sync-localhost:" + port,
		"192.0.2.7:" + port, // any IP address: a rebinding page never has one
	} {
		t.Run(host+" is served", func(t *testing.T) {
			t.Parallel()
			for _, r := range viaHost {
				if got := r.do(t, s, host); got != want[r.name] {
					t.Errorf("%s: status %d, want %d", r.name, got, want[r.name])
				}
			}
		})
	}
}

func TestHostFlagNamesTheStudioBeyondLoopback(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "data", "studio.db")
	addTestUser(t, db, "dana", "dana's password")
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"with --host", nil, []string{"--host", "studio.example.com", "--host", "other.example:1"}},
		{"with STEPSTUDIO_HOSTS", map[string]string{"STEPSTUDIO_HOSTS": "other.example:1, studio.example.com"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := startStudioEnv(t, tc.env, append([]string{"--addr", "0.0.0.0:0", "--db", db}, tc.args...)...)
			if err != nil {
				t.Fatal(err)
			}
			defer s.stop()
			s.url = regexp.MustCompile(`//(0\.0\.0\.0|\[::\])`).ReplaceAllString(s.url, "//127.0.0.1")
			port := portOf(t, s.url)
			for host, status := range map[string]int{
				"studio.example.com":                  http.StatusOK, // a name without a port: any port
				"studio.example.com:" + port:          http.StatusOK,
				"Studio.Example.COM.:" + port:         http.StatusOK,
				"sync-studio.example.com:" + port:     http.StatusOK,
				"127.0.0.1:" + port:                   http.StatusOK,
				"other.example:1":                     http.StatusOK,
				"other.example:" + port:               http.StatusMisdirectedRequest, // given with port 1
				"evil.example:" + port:                http.StatusMisdirectedRequest,
				"studio.example.com.evil.com:" + port: http.StatusMisdirectedRequest,
			} {
				if resp, body := s.request(t, "GET", "/login", nil, map[string]string{"Host": host, "Accept": "text/html"}); resp.StatusCode != status {
					t.Errorf("%s: status %d, want %d\n%.500s", host, resp.StatusCode, status, body)
				}
			}
		})
	}
	t.Run("a --host that is not a name is refused at start", func(t *testing.T) {
		_, err := startStudioArgs(t, "--addr", "127.0.0.1:0", "--db", db, "--host", "http://studio.example.com/")
		if err == nil || !strings.Contains(err.Error(), "not a host name") {
			t.Fatalf("serve with a URL for --host: %v", err)
		}
	})
}
