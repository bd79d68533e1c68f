package auth

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	testAccessKeyID = "SSKIEXAMPLE234567ABC"
	testSecret      = "ssk_the-secret-of-the-test"
	listTarget      = "AWSStepFunctions.ListStateMachines"
)

// signedAt is when the requests of the tests are signed.
var signedAt = time.Date(2026, 12, 6, 10, 15, 0, 0, time.UTC)

// signing is a request to sign with aws-sdk-go-v2's signer, as an SDK client would.
type signing struct {
	url  string // default http://127.0.0.1:8080/
	host string // the Host header, when not the URL's
	body string
	// header is added before signing; X-Amz-* headers are signed.
	header http.Header
	// payload is the hash the signer is given; "" is the body's SHA-256.
	payload string
	secret  string // default testSecret
	at      time.Time
}

// request signs s and returns the request as the studio's server reads it off the wire
// (Host in r.Host, the body not yet read) with its body.
func (s signing) request(t *testing.T) (*http.Request, []byte) {
	t.Helper()
	if s.url == "" {
		s.url = "http://127.0.0.1:8080/"
	}
	if s.secret == "" {
		s.secret = testSecret
	}
	if s.at.IsZero() {
		s.at = signedAt
	}
	if s.payload == "" {
		sum := sha256.Sum256([]byte(s.body))
		s.payload = hex.EncodeToString(sum[:])
	}
	req, err := http.NewRequest(http.MethodPost, s.url, strings.NewReader(s.body))
	if err != nil {
		t.Fatal(err)
	}
	if s.host != "" {
		req.Host = s.host
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", listTarget)
	for name, values := range s.header {
		req.Header[name] = values
	}
	creds := aws.Credentials{AccessKeyID: testAccessKeyID, SecretAccessKey: s.secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, s.payload, "states", "us-east-1", s.at); err != nil {
		t.Fatal(err)
	}
	var wire bytes.Buffer
	if err := req.Write(&wire); err != nil {
		t.Fatal(err)
	}
	r, err := http.ReadRequest(bufio.NewReader(&wire))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	return r, body
}

func TestVerifySigV4(t *testing.T) {
	t.Parallel()
	otherBody := sha256.Sum256([]byte(`{"maxResults": 1000}`))
	for _, tc := range []struct {
		name    string
		signing signing
		// tamper changes the request after it was signed, and may return another body.
		tamper func(r *http.Request, body []byte) []byte
		now    time.Time // default signedAt
		secret string    // default testSecret
		code   string    // "" when the request is accepted
		// message is a regular expression the refusal's message matches.
		message string
	}{
		{name: "a request signed by the SDK is accepted", signing: signing{body: `{}`}},
		{name: "an empty body is accepted", signing: signing{}},
		{name: "an escaped path and a query are accepted",
			signing: signing{url: "http://127.0.0.1:8080/a%20b/c%2Fd~e*?b=2&a=1&a=0&a-b=3&c=x+y&e=%2A"}},
		{name: "the SDK's host prefix is accepted", signing: signing{host: "sync-127.0.0.1:8080", body: `{"stateMachineArn": "x"}`}},
		{name: "a host without a port is accepted", signing: signing{url: "http://localhost/"}},
		{name: "inner spaces and repeated headers are accepted",
			signing: signing{body: `{}`, header: http.Header{"X-Amz-Meta": {"one   two", " three "}}}},
		{name: "the body's hash in X-Amz-Content-Sha256 is accepted",
			signing: signing{body: `{}`, header: http.Header{"X-Amz-Content-Sha256": {hexSHA256([]byte(`{}`))}}}},
		{name: "an unsigned payload is accepted",
			signing: signing{body: `{}`, payload: unsignedPayload, header: http.Header{"X-Amz-Content-Sha256": {unsignedPayload}}}},
		{name: "a clock 14 minutes ahead is accepted", signing: signing{body: `{}`}, now: signedAt.Add(14 * time.Minute)},
		{name: "a clock 14 minutes behind is accepted", signing: signing{body: `{}`}, now: signedAt.Add(-14 * time.Minute)},

		{name: "a wrong secret is refused", signing: signing{body: `{}`, secret: "ssk_another"},
			code: SigV4Invalid, message: regexp.QuoteMeta(SignatureMismatch)},
		{name: "a changed body is refused", signing: signing{body: `{}`},
			tamper: func(*http.Request, []byte) []byte { return []byte(`{"maxResults": 1}`) },
			code:   SigV4Invalid, message: regexp.QuoteMeta(SignatureMismatch)},
		{name: "a changed signed header is refused", signing: signing{body: `{}`},
			tamper: func(r *http.Request, body []byte) []byte {
				r.Header.Set("X-Amz-Target", "AWSStepFunctions.DeleteStateMachine")
				return body
			},
			code: SigV4Invalid, message: regexp.QuoteMeta(SignatureMismatch)},
		{name: "a changed host is refused", signing: signing{body: `{}`},
			tamper: func(r *http.Request, body []byte) []byte { r.Host = "127.0.0.1:9090"; return body },
			code:   SigV4Invalid, message: regexp.QuoteMeta(SignatureMismatch)},
		{name: "a changed query is refused", signing: signing{url: "http://127.0.0.1:8080/?a=1"},
			tamper: func(r *http.Request, body []byte) []byte { r.URL.RawQuery = "a=2"; return body },
			code:   SigV4Invalid, message: regexp.QuoteMeta(SignatureMismatch)},
		{name: "a body other than X-Amz-Content-Sha256 says is refused",
			signing: signing{body: `{}`, payload: hex.EncodeToString(otherBody[:]),
				header: http.Header{"X-Amz-Content-Sha256": {hex.EncodeToString(otherBody[:])}}},
			code: SigV4Invalid, message: "x-amz-content-sha256' header does not match"},
		{name: "an expired signature is refused", signing: signing{body: `{}`}, now: signedAt.Add(31 * time.Minute),
			code: SigV4Invalid, message: regexp.QuoteMeta("Signature expired: 20261206T101500Z is now earlier than 20261206T103100Z (20261206T104600Z - 15 min.)")},
		{name: "a signature from the future is refused", signing: signing{body: `{}`}, now: signedAt.Add(-16 * time.Minute),
			code: SigV4Invalid, message: regexp.QuoteMeta("Signature not yet current: 20261206T101500Z is still later than 20261206T101400Z (20261206T095900Z + 15 min.)")},
		{name: "a scope of another day is refused", signing: signing{body: `{}`},
			tamper: func(r *http.Request, body []byte) []byte {
				r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "/20261206/", "/20261205/", 1))
				return body
			},
			code: SigV4Invalid, message: regexp.QuoteMeta("'20261205' != '20261206', from '20261206T101500Z'")},
		{name: "a header without a signature is refused", signing: signing{body: `{}`},
			tamper: func(r *http.Request, body []byte) []byte {
				h := r.Header.Get("Authorization")
				r.Header.Set("Authorization", h[:strings.Index(h, ", Signature=")])
				return body
			},
			code: SigV4Incomplete, message: "requires 'Signature' parameter"},
		{name: "a request without X-Amz-Date is refused", signing: signing{body: `{}`},
			tamper: func(r *http.Request, body []byte) []byte { r.Header.Del("X-Amz-Date"); return body },
			code:   SigV4Incomplete, message: "requires an 'X-Amz-Date' header"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, body := tc.signing.request(t)
			if tc.tamper != nil {
				body = tc.tamper(r, body)
			}
			now, secret := tc.now, tc.secret
			if now.IsZero() {
				now = signedAt
			}
			if secret == "" {
				secret = testSecret
			}
			err := VerifySigV4(r, body, secret, now)
			if tc.code == "" {
				if err != nil {
					t.Fatalf("VerifySigV4 = %v, want nil\n%s", err, r.Header.Get("Authorization"))
				}
				return
			}
			var se *SigV4Error
			if !errors.As(err, &se) || se.Code != tc.code || !regexp.MustCompile(tc.message).MatchString(se.Message) {
				t.Fatalf("VerifySigV4 = %v, want %s matching %q", err, tc.code, tc.message)
			}
		})
	}
}

func TestParseSigV4(t *testing.T) {
	t.Parallel()
	t.Run("a signed request gives its credential", func(t *testing.T) {
		t.Parallel()
		r, _ := signing{body: `{}`}.request(t)
		cred, ok, err := ParseSigV4(r)
		if !ok || err != nil || cred.AccessKeyID != testAccessKeyID || cred.Date != "20261206" || cred.Region != "us-east-1" ||
			cred.Service != "states" || !cred.Time.Equal(signedAt) || len(cred.Signature) != 64 ||
			strings.Join(cred.SignedHeaders, ";") != "content-length;content-type;host;x-amz-date;x-amz-target" {
			t.Fatalf("ParseSigV4 = %+v, %v, %v", cred, ok, err)
		}
	})
	for _, tc := range []struct{ name, header, code string }{
		{"a Bearer key is not SigV4", "Bearer ssk_x", ""},
		{"another algorithm is not SigV4", "AWS4-HMAC-SHA256X Credential=a", ""},
		{"the algorithm alone is incomplete", "AWS4-HMAC-SHA256", SigV4Incomplete},
		{"a short credential is incomplete", "AWS4-HMAC-SHA256 Credential=AKID/20261206/us-east-1, SignedHeaders=host, Signature=ab", SigV4Incomplete},
		{"a wrong terminator is incomplete", "AWS4-HMAC-SHA256 Credential=AKID/20261206/us-east-1/states/aws5, SignedHeaders=host, Signature=ab", SigV4Incomplete},
		{"an unsigned host is incomplete", "AWS4-HMAC-SHA256 Credential=AKID/20261206/us-east-1/states/aws4_request, SignedHeaders=x-amz-date, Signature=ab", SigV4Incomplete},
		{"a second signature is incomplete", "AWS4-HMAC-SHA256 Credential=AKID/20261206/us-east-1/states/aws4_request, SignedHeaders=host, Signature=ab, Signature=cd", SigV4Incomplete},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:8080/", nil)
			r.Header.Set("Authorization", tc.header)
			r.Header.Set("X-Amz-Date", "20261206T101500Z")
			_, ok, err := ParseSigV4(r)
			var se *SigV4Error
			switch {
			case tc.code == "" && (ok || err != nil):
				t.Fatalf("ParseSigV4 = %v, %v; want not SigV4", ok, err)
			case tc.code != "" && (!ok || !errors.As(err, &se) || se.Code != tc.code):
				t.Fatalf("ParseSigV4 = %v, %v; want %s", ok, err, tc.code)
			}
		})
	}
}

func TestNewAccessKeyID(t *testing.T) {
	t.Parallel()
	a, b := NewAccessKeyID(), NewAccessKeyID()
	shape := regexp.MustCompile(`^SSKI[A-Z0-9]{16}$`)
	if a == b || !shape.MatchString(a) || !shape.MatchString(b) {
		t.Fatalf("access key ids %q and %q: want two different ids of 20 upper-case letters and digits", a, b)
	}
}
