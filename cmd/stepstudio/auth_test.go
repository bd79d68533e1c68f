package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/gorilla/websocket"
)

// flagValue returns the value after name in args, or "".
func flagValue(args []string, name string) string {
	for i, a := range args {
		if a == name && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// userCmd runs "stepstudio user ARGS --db DB" with stdin, returning its output.
func userCmd(t *testing.T, db, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := userCommand(context.Background(), append(args, "--db", db), func(string) string { return "" },
		strings.NewReader(stdin), &out, &errOut)
	return out.String() + errOut.String(), err
}

// accessKey is a pair "stepstudio user key" printed.
type accessKey struct{ id, secret string }

// userKey runs "stepstudio user key NAME" and reads the pair from its output.
func userKey(t *testing.T, db, name string) accessKey {
	t.Helper()
	out, err := userCmd(t, db, "", "key", name)
	if err != nil {
		t.Fatalf("user key %s: %v\n%s", name, err, out)
	}
	var k accessKey
	for line := range strings.Lines(out) {
		name, value, _ := strings.Cut(strings.TrimSpace(line), "=")
		switch name {
		case "AWS_ACCESS_KEY_ID":
			k.id = value
		case "AWS_SECRET_ACCESS_KEY":
			k.secret = value
		}
	}
	if k.id == "" || k.secret == "" {
		t.Fatalf("user key %s printed no pair:\n%s", name, out)
	}
	return k
}

func addTestUser(t *testing.T, db, name, password string, flags ...string) {
	t.Helper()
	if out, err := userCmd(t, db, password+"\n", append([]string{"add", name}, flags...)...); err != nil {
		t.Fatalf("user add %s: %v\n%s", name, err, out)
	}
}

// request sends a request as a browser or a script would, with the client's cookies and a
// CSRF token unless header sets X-CSRF-Token (to "" for none); header's Host replaces the
// Host header (the request still goes to the studio's address).
func (s *studio) request(t *testing.T, method, path string, body io.Reader, header map[string]string) (*http.Response, string) {
	t.Helper()
	client := s.client
	if _, ok := header["X-CSRF-Token"]; ok {
		client = withoutCSRF(s.client)
	}
	req, err := http.NewRequest(method, s.url+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if host := header["Host"]; host != "" {
		req.Host = host
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var asBrowser = map[string]string{"Accept": "text/html,application/xhtml+xml"}

const csrfMessage = "The form is out of date or came from another site; reload the page and try again."

func TestUserCommands(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "data", "users.db")
	for _, tc := range []struct{ name, password, problem string }{
		{"an empty password is refused", "", "the password is empty"},
		{"a short password is refused", "short", "too short"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := userCmd(t, db, tc.password+"\n", "add", "ann"); err == nil || !strings.Contains(err.Error(), tc.problem) {
				t.Fatalf("user add with %q: %v, want %q", tc.password, err, tc.problem)
			}
		})
	}
	addTestUser(t, db, "ann", "long enough", "--admin")
	addTestUser(t, db, "ben", "long enough too")
	if _, err := userCmd(t, db, "another one\n", "add", "ann"); err == nil || !strings.Contains(err.Error(), "already") {
		t.Fatalf("a second ann: %v", err)
	}
	out, err := userCmd(t, db, "", "list")
	if err != nil || !strings.Contains(out, "ann") || !strings.Contains(out, "admin") || !strings.Contains(out, "ben") {
		t.Fatalf("user list: %v\n%s", err, out)
	}
	out, err = userCmd(t, db, "", "key", "ben")
	if err != nil || !regexp.MustCompile(`^AWS_ACCESS_KEY_ID=SSKI[A-Z0-9]{16}\nAWS_SECRET_ACCESS_KEY=ssk_[A-Za-z0-9_-]{43}\n$`).MatchString(out) {
		t.Fatalf("user key: %v\n%s", err, out)
	}
	if _, err := userCmd(t, db, "", "remove", "ben"); err != nil {
		t.Fatal(err)
	}
	if _, err := userCmd(t, db, "", "remove", "ben"); err == nil || !strings.Contains(err.Error(), "no user") {
		t.Fatalf("removing ben twice: %v", err)
	}
}

func TestLoopbackWithoutUsersNeedsCSRFToken(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	resp, page := s.request(t, "GET", "/", nil, asBrowser)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `data-testid="viewer-name">local<`) || strings.Contains(page, `data-testid="logout"`) {
		t.Fatalf("home page without users: %d\n%s", resp.StatusCode, page)
	}
	form := url.Values{"name": {"Plain"}, "definition": {passDefinition}}
	token := csrfMeta.FindStringSubmatch(page)[1]

	t.Run("a post without a token is refused", func(t *testing.T) {
		resp, body := s.request(t, "POST", "/machines", strings.NewReader(form.Encode()),
			map[string]string{"Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": "", "Accept": "text/html"})
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, csrfMessage) {
			t.Fatalf("post without token: %d\n%s", resp.StatusCode, body)
		}
	})
	t.Run("a post from another origin is refused even with the token", func(t *testing.T) {
		resp, body := s.request(t, "POST", "/machines", strings.NewReader(form.Encode()),
			map[string]string{"Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": token, "Origin": "http://evil.example"})
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, `"error"`) {
			t.Fatalf("cross-origin post: %d\n%s", resp.StatusCode, body)
		}
	})
	t.Run("a post with the form field succeeds", func(t *testing.T) {
		f := url.Values{"name": {"Plain"}, "definition": {passDefinition}, "_csrf": {token}}
		resp, body := s.request(t, "POST", "/machines", strings.NewReader(f.Encode()),
			map[string]string{"Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": "", "Origin": s.url})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("post with token: %d\n%s", resp.StatusCode, body)
		}
	})
}

func TestLoginRequiredWithUsers(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "data", "studio.db")
	addTestUser(t, db, "alice", "alice's password", "--admin")
	s := startStudioOn(t, db)
	t.Cleanup(s.stop)

	t.Run("pages redirect to the login page", func(t *testing.T) {
		resp, _ := s.request(t, "GET", "/inbox?x=1", nil, asBrowser)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?next=%2Finbox%3Fx%3D1" {
			t.Fatalf("inbox without login: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	t.Run("JSON and websockets without a session get 401", func(t *testing.T) {
		resp, body := s.request(t, "GET", "/machines/Any/inputs", nil, nil)
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `"error"`) {
			t.Fatalf("JSON without login: %d %s", resp.StatusCode, body)
		}
		u := strings.Replace(s.url, "http://", "ws://", 1) + "/executions/ws"
		_, wsResp, err := websocket.DefaultDialer.Dial(u, nil)
		if err == nil || wsResp == nil || wsResp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("websocket without login: %v %+v", err, wsResp)
		}
	})
	for _, tc := range []struct{ name, user, password string }{
		{"a wrong password is refused", "alice", "wrong password"},
		{"an unknown name is refused the same way", "mallory", "alice's password"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := s.post(t, "/login", url.Values{"name": {tc.user}, "password": {tc.password}, "next": {"/inbox"}})
			if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "The name or password is not right.") {
				t.Fatalf("login %s/%s: %d\n%s", tc.user, tc.password, resp.StatusCode, body)
			}
		})
	}
	t.Run("next never leaves the site", func(t *testing.T) {
		resp, body := s.request(t, "GET", "/login?next="+url.QueryEscape("//evil.example/x"), nil, asBrowser)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, `name="next" value="/"`) {
			t.Fatalf("login page with a foreign next: %d\n%s", resp.StatusCode, body)
		}
	})
	t.Run("the right password logs in, logout ends the session", func(t *testing.T) {
		resp, body := s.post(t, "/login", url.Values{"name": {"alice"}, "password": {"alice's password"}, "next": {"/inbox"}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/inbox" {
			t.Fatalf("login: %d %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
		}
		resp, page := s.request(t, "GET", "/inbox", nil, asBrowser)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, `data-testid="viewer-name">alice<`) || !strings.Contains(page, `data-testid="logout"`) {
			t.Fatalf("inbox after login: %d\n%s", resp.StatusCode, page)
		}
		s.createMachine(t, "Mine", passDefinition)
		resp, _ = s.post(t, "/logout", nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Fatalf("logout: %d %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp, _ := s.request(t, "GET", "/inbox", nil, asBrowser); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("inbox after logout: %d", resp.StatusCode)
		}
	})
	t.Run("an API key works without a session or a CSRF token", func(t *testing.T) {
		key := userKey(t, db, "alice")
		bearer := map[string]string{"Authorization": "Bearer " + key.secret, "Content-Type": "application/json"}
		s.createMachineAs(t, bearer)
		resp, body := s.request(t, "PUT", "/machines/Keyed/inputs/first", strings.NewReader(`{"input": "{}"}`), bearer)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("PUT with API key: %d %s", resp.StatusCode, body)
		}
		resp, body = s.request(t, "GET", "/machines/Keyed/inputs", nil, bearer)
		var inputs any
		if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &inputs) != nil {
			t.Fatalf("GET with API key: %d %s", resp.StatusCode, body)
		}
		bearer["Authorization"] += "x"
		if resp, body := s.request(t, "GET", "/machines/Keyed/inputs", nil, bearer); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("GET with a wrong API key: %d %s", resp.StatusCode, body)
		}
	})
	t.Run("an access key signs requests as the AWS SDKs do", func(t *testing.T) {
		key := userKey(t, db, "alice")
		const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" // the hash of the empty body
		for _, tc := range []struct {
			name, secret string
			status       int
			errorType    string
		}{
			{"the right secret passes", key.secret, http.StatusOK, ""},
			{"a wrong secret is refused", key.secret + "x", http.StatusBadRequest, "InvalidSignatureException"},
		} {
			req, err := http.NewRequest(http.MethodGet, s.url+"/audit", nil)
			if err != nil {
				t.Fatal(err)
			}
			creds := aws.Credentials{AccessKeyID: key.id, SecretAccessKey: tc.secret}
			if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, emptySHA256, "states", "us-east-1", time.Now()); err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || resp.Header.Get("X-Amzn-ErrorType") != tc.errorType {
				t.Fatalf("%s: %d %q, want %d %q\n%s", tc.name, resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), tc.status, tc.errorType, body)
			}
		}
	})
}

// createMachineAs creates the machine "Keyed" with the given headers (an API key).
func (s *studio) createMachineAs(t *testing.T, header map[string]string) {
	t.Helper()
	h := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Authorization": header["Authorization"]}
	form := url.Values{"name": {"Keyed"}, "definition": {passDefinition}}
	if resp, body := s.request(t, "POST", "/machines", strings.NewReader(form.Encode()), h); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create with API key: %d\n%s", resp.StatusCode, body)
	}
}

func TestNonLoopbackAddress(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "data", "studio.db")
	t.Run("without users the studio refuses to start", func(t *testing.T) {
		s, err := startStudioArgs(t, "--addr", "0.0.0.0:0", "--db", db)
		if err == nil {
			s.stop()
			t.Fatal("serve started on 0.0.0.0 without users")
		}
		if !strings.Contains(err.Error(), "stepstudio user add") {
			t.Fatalf("the refusal does not say what to do: %v", err)
		}
	})
	t.Run("with a user it starts and requires a login", func(t *testing.T) {
		addTestUser(t, db, "bob", "bob's password")
		s, err := startStudioArgs(t, "--addr", "0.0.0.0:0", "--db", db)
		if err != nil {
			t.Fatal(err)
		}
		defer s.stop()
		s.url = regexp.MustCompile(`//(0\.0\.0\.0|\[::\])`).ReplaceAllString(s.url, "//127.0.0.1")
		if resp, _ := s.request(t, "GET", "/", nil, asBrowser); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("home without login: %d", resp.StatusCode)
		}
		if resp, body := s.post(t, "/login", url.Values{"name": {"bob"}, "password": {"bob's password"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login: %d\n%s", resp.StatusCode, body)
		}
		if resp, _ := s.request(t, "GET", "/", nil, asBrowser); resp.StatusCode != http.StatusOK {
			t.Fatalf("home after login: %d", resp.StatusCode)
		}
	})
}

// The whole program throttles logins by the connection's address and name and audits the
// refusals; the exact waits are tested with a fake clock in package web.
func TestLoginThrottleAndAudit(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "data", "studio.db")
	addTestUser(t, db, "alice", "alice's password", "--admin")
	s := startStudioOn(t, db)
	t.Cleanup(s.stop)
	form := func(name, password string) io.Reader {
		return strings.NewReader(url.Values{"name": {name}, "password": {password}}.Encode())
	}
	browser := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}
	// The sixth failure makes the next attempt wait a second: the next requests come sooner.
	// (The exact waits are tested on a fake clock in web; here the real program runs on the
	// real one, so a machine too loaded to send two requests within a second proves nothing.)
	// The second counts from when the studio took the sixth failure: from before it was sent.
	var sixth time.Time
	for i := range 6 {
		sixth = time.Now()
		if resp, body := s.request(t, "POST", "/login", form("alice", "wrong password"), browser); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d\n%s", i+1, resp.StatusCode, body)
		}
	}
	inTime := func() {
		t.Helper()
		if time.Since(sixth) > 900*time.Millisecond {
			t.Skip("the requests after the sixth failure took nearly the one-second wait; nothing to conclude")
		}
	}
	resp, body := s.request(t, "POST", "/login", form("alice", "alice's password"), browser)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" ||
		!strings.Contains(body, "Too many failed logins for this name or from this address; try again in 1 second.") {
		inTime()
		t.Fatalf("the right password after six wrong ones: %d, Retry-After %q\n%s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	spoofed := map[string]string{"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": "203.0.113.9", "X-Real-IP": "203.0.113.9"}
	resp, body = s.request(t, "POST", "/login", form("mallory", "any password"), spoofed)
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, `"error":"Too many failed logins`) {
		inTime()
		t.Fatalf("another name from a forwarded address: %d\n%s", resp.StatusCode, body)
	}

	key := userKey(t, db, "alice")
	resp, page := s.request(t, "GET", "/audit", nil, map[string]string{"Authorization": "Bearer " + key.secret})
	if resp.StatusCode != http.StatusOK || strings.Count(page, `data-action="login_failed"`) != 6 ||
		strings.Count(page, `data-action="login_throttled"`) != 1 || !strings.Contains(page, "from 127.0.0.1; retry after 1 s") ||
		strings.Contains(page, "203.0.113.9") || strings.Contains(page, "wrong password") || strings.Contains(page, "s password") {
		t.Fatalf("audit page: %d\n%s", resp.StatusCode, page)
	}
}
