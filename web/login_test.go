package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stepstudio/stepstudio/auth"
	"github.com/stepstudio/stepstudio/runtime/resource"
	"github.com/stepstudio/stepstudio/store"
	"github.com/stepstudio/stepstudio/web"
)

// loginStudio is a studio with the users ann and bob, its handler called directly so that
// each request can come from a chosen address, and a clock the test moves.
type loginStudio struct {
	handler http.Handler
	db      *store.DB
	now     time.Time
	log     bytes.Buffer
}

const (
	annPassword = "ann's password"
	bobPassword = "bob's password"
)

func newLoginStudio(t *testing.T) *loginStudio {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "studio.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for name, password := range map[string]string{"ann": annPassword, "bob": bobPassword} {
		hash, err := auth.HashPassword(password)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateUser(ctx, auth.User{Name: name, PasswordHash: hash}); err != nil {
			t.Fatal(err)
		}
	}
	s := &loginStudio{db: db, now: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}
	s.handler = web.New(web.Config{Store: db, Users: db, Logger: slog.New(slog.NewTextHandler(&s.log, nil)),
		NowFunc: func() time.Time { return s.now }})
	return s
}

// browser is one client of a loginStudio: its address, cookies and CSRF token.
type browser struct {
	studio  *loginStudio
	address string
	cookies map[string]string
	token   string
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)"`)

// browserAt opens the login page from address, which gives the browser its CSRF token.
func (s *loginStudio) browserAt(t *testing.T, address string) *browser {
	t.Helper()
	b := &browser{studio: s, address: address, cookies: map[string]string{}}
	resp, page := b.do(t, httptest.NewRequest(http.MethodGet, "/login", nil), map[string]string{"Accept": "text/html"})
	m := csrfMeta.FindStringSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("login page: %d\n%s", resp.StatusCode, page)
	}
	b.token = m[1]
	return b
}

func (b *browser) do(t *testing.T, r *http.Request, header map[string]string) (*http.Response, string) {
	t.Helper()
	r.RemoteAddr = b.address + ":40000"
	// As it reaches a studio listening on 127.0.0.1:8080 (the Host check of hosts.go).
	r.Host = "127.0.0.1:8080"
	r = r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}))
	for k, v := range header {
		r.Header.Set(k, v)
	}
	for name, value := range b.cookies {
		r.AddCookie(&http.Cookie{Name: name, Value: value})
	}
	w := httptest.NewRecorder()
	b.studio.handler.ServeHTTP(w, r)
	resp := w.Result()
	for _, c := range resp.Cookies() {
		b.cookies[c.Name] = c.Value
	}
	return resp, w.Body.String()
}

// login posts the login form as a browser (header may add or replace headers).
func (b *browser) login(t *testing.T, name, password string, header map[string]string) (*http.Response, string) {
	t.Helper()
	form := url.Values{"name": {name}, "password": {password}, "next": {"/inbox"}, "_csrf": {b.token}}
	r := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
	h := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}
	for k, v := range header {
		h[k] = v
	}
	return b.do(t, r, h)
}

// failLogins makes n wrong-password logins for name, each refused with 401.
func (b *browser) failLogins(t *testing.T, name string, n int) {
	t.Helper()
	for i := range n {
		if resp, body := b.login(t, name, "not the password", nil); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password %d for %s from %s: %d\n%s", i+1, name, b.address, resp.StatusCode, body)
		}
	}
}

// freeFailures is how many wrong passwords in a row are refused without a wait; the next one
// makes the attempt after it wait a second.
const freeFailures = 5

const throttled = "Too many failed logins for this name or from this address; try again in "

// wantThrottled checks a 429 answer that asks to wait seconds.
func wantThrottled(t *testing.T, resp *http.Response, body string, seconds string) {
	t.Helper()
	unit := " seconds."
	if seconds == "1" {
		unit = " second."
	}
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != seconds ||
		!strings.Contains(body, throttled+seconds+unit) {
		t.Fatalf("got %d, Retry-After %q, want 429 and %s\n%s", resp.StatusCode, resp.Header.Get("Retry-After"), seconds, body)
	}
}

func wantLoggedIn(t *testing.T, resp *http.Response, body string) {
	t.Helper()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/inbox" {
		t.Fatalf("got %d %q, want a login\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
}

func TestLoginThrottledAfterTooManyFailures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, user, password string }{
		{"a known name is refused even with the right password", "ann", annPassword},
		{"an unknown name is refused the same way", "nobody", annPassword},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newLoginStudio(t)
			b := s.browserAt(t, "192.0.2.1")
			b.failLogins(t, tc.user, freeFailures+1)
			resp, body := b.login(t, tc.user, tc.password, nil)
			wantThrottled(t, resp, body, "1")

			script := map[string]string{"Accept": "application/json"}
			resp, body = b.login(t, tc.user, tc.password, script)
			var answer struct{ Error string }
			if err := json.Unmarshal([]byte(body), &answer); err != nil || resp.StatusCode != http.StatusTooManyRequests ||
				resp.Header.Get("Retry-After") != "1" || answer.Error != throttled+"1 second." {
				t.Fatalf("a script: %d, Retry-After %q\n%s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
			}
		})
	}
	t.Run("another name from another address is not throttled", func(t *testing.T) {
		t.Parallel()
		s := newLoginStudio(t)
		s.browserAt(t, "192.0.2.1").failLogins(t, "ann", freeFailures+1)
		resp, body := s.browserAt(t, "198.51.100.2").login(t, "bob", bobPassword, nil)
		wantLoggedIn(t, resp, body)
	})
	t.Run("the name is throttled from every address", func(t *testing.T) {
		t.Parallel()
		s := newLoginStudio(t)
		s.browserAt(t, "192.0.2.1").failLogins(t, "ann", freeFailures+1)
		resp, body := s.browserAt(t, "198.51.100.2").login(t, "ann", annPassword, nil)
		wantThrottled(t, resp, body, "1")
	})
	t.Run("a fake X-Forwarded-For does not escape the address's throttle", func(t *testing.T) {
		t.Parallel()
		s := newLoginStudio(t)
		b := s.browserAt(t, "192.0.2.1")
		for i := range freeFailures + 1 {
			// A new name each time: only the address's count can stop the next attempt.
			if resp, _ := b.login(t, "guess"+string(rune('a'+i)), "not the password",
				map[string]string{"X-Forwarded-For": "203.0.113.9", "X-Real-IP": "203.0.113.9"}); resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("guess %d: %d", i+1, resp.StatusCode)
			}
		}
		resp, body := b.login(t, "bob", bobPassword, map[string]string{"X-Forwarded-For": "198.51.100.77", "X-Real-IP": "198.51.100.77"})
		wantThrottled(t, resp, body, "1")
	})
	t.Run("a success forgets the failures", func(t *testing.T) {
		t.Parallel()
		s := newLoginStudio(t)
		b := s.browserAt(t, "192.0.2.1")
		b.failLogins(t, "ann", freeFailures)
		resp, body := b.login(t, "ann", annPassword, nil)
		wantLoggedIn(t, resp, body)
		b = s.browserAt(t, "192.0.2.1")
		b.failLogins(t, "ann", freeFailures+1)
		resp, body = b.login(t, "ann", annPassword, nil)
		wantThrottled(t, resp, body, "1")
	})
	t.Run("after the wait the user gets in, and the next wait is twice as long", func(t *testing.T) {
		t.Parallel()
		s := newLoginStudio(t)
		b := s.browserAt(t, "192.0.2.1")
		b.failLogins(t, "ann", freeFailures+1)
		s.now = s.now.Add(999 * time.Millisecond)
		resp, body := b.login(t, "ann", annPassword, nil)
		wantThrottled(t, resp, body, "1")
		s.now = s.now.Add(time.Millisecond)
		b.failLogins(t, "ann", 1)
		resp, body = b.login(t, "ann", annPassword, nil)
		wantThrottled(t, resp, body, "2")
		s.now = s.now.Add(2 * time.Second)
		resp, body = b.login(t, "ann", annPassword, nil)
		wantLoggedIn(t, resp, body)
	})
}

func TestRefusedLoginsAreAudited(t *testing.T) {
	t.Parallel()
	s := newLoginStudio(t)
	ctx := context.Background()
	b := s.browserAt(t, "192.0.2.1")
	b.failLogins(t, "ann", 2)
	b.failLogins(t, "nobody", freeFailures+1-2)
	for range 3 {
		resp, body := b.login(t, "ann", annPassword, nil)
		wantThrottled(t, resp, body, "1")
	}

	events, err := s.db.FindAuditEvents(ctx, resource.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range events {
		got = append(got, ev.User+" "+string(ev.Action)+" "+ev.Address+" "+ev.Cause)
		if !ev.At.Equal(s.now) || ev.TaskID != 0 {
			t.Errorf("row %+v, want at %v and no task", ev, s.now)
		}
	}
	want := []string{"ann login_throttled 192.0.2.1 retry after 1 s", // once for the wait, not once per refusal
		"nobody login_failed 192.0.2.1 ", "nobody login_failed 192.0.2.1 ", "nobody login_failed 192.0.2.1 ", "nobody login_failed 192.0.2.1 ",
		"ann login_failed 192.0.2.1 ", "ann login_failed 192.0.2.1 "}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("audit, newest first:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	logged := s.log.String()
	if n := strings.Count(logged, "login refused"); n != freeFailures+1 {
		t.Errorf("%d lines for refused logins, want %d\n%s", n, freeFailures+1, logged)
	}
	if n := strings.Count(logged, "login throttled"); n != 1 {
		t.Errorf("%d lines for throttled logins, want 1\n%s", n, logged)
	}
	if strings.Contains(logged, "not the password") || strings.Contains(logged, annPassword) {
		t.Errorf("a password is in the log:\n%s", logged)
	}

	t.Run("the audit page shows them without task links", func(t *testing.T) {
		reader := s.browserAt(t, "198.51.100.2")
		resp, body := reader.login(t, "bob", bobPassword, nil)
		wantLoggedIn(t, resp, body)
		page := map[string]string{"Accept": "text/html"}
		for _, tc := range []struct {
			query string
			rows  int
		}{
			{"", len(want)},
			{"?action=login_failed", freeFailures + 1},
			{"?action=login_throttled", 1},
			{"?user=nobody", 4},
		} {
			resp, body := reader.do(t, httptest.NewRequest(http.MethodGet, "/audit"+tc.query, nil), page)
			if resp.StatusCode != http.StatusOK || strings.Count(body, `data-testid="audit-row"`) != tc.rows {
				t.Fatalf("/audit%s: %d, want %d rows\n%s", tc.query, resp.StatusCode, tc.rows, body)
			}
			if strings.Contains(body, `href="/inbox/0"`) || strings.Contains(body, `href="/executions/0"`) {
				t.Fatalf("/audit%s links to a task or execution 0\n%s", tc.query, body)
			}
		}
		_, body = reader.do(t, httptest.NewRequest(http.MethodGet, "/audit?user=ann", nil), page)
		for _, text := range []string{"login throttled", "login failed", "from 192.0.2.1; retry after 1 s", "from 192.0.2.1<",
			`<option value="login_failed"`} {
			if !strings.Contains(body, text) {
				t.Fatalf("/audit?user=ann does not show %q\n%s", text, body)
			}
		}
	})
}
