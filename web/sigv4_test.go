package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/stepstudio/stepstudio/auth"
	"github.com/stepstudio/stepstudio/store"
	"github.com/stepstudio/stepstudio/web"
)

// signedNow is the clock of the studios of the signature tests, and when their requests are signed.
var signedNow = time.Date(2026, 12, 6, 10, 15, 0, 0, time.UTC)

// newSignedStudio is a loopback studio, and, with a user, the user "ann" (an admin) with an
// access key, returned with its secret.
func newSignedStudio(t *testing.T, withUser bool) (h http.Handler, accessKeyID, secret string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "studio.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if withUser {
		hash, err := auth.HashPassword(annPassword)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.CreateUser(ctx, auth.User{Name: "ann", PasswordHash: hash, Admin: true}); err != nil {
			t.Fatal(err)
		}
		accessKeyID, secret = auth.NewAccessKeyID(), auth.NewAPIKey()
		if err := db.CreateAccessKey(ctx, "ann", accessKeyID, secret); err != nil {
			t.Fatal(err)
		}
	}
	h = web.New(web.Config{Store: db, Users: db, LocalWithoutUsers: true, Logger: slog.New(slog.DiscardHandler),
		NowFunc: func() time.Time { return signedNow }})
	return h, accessKeyID, secret
}

// signedRequest is a request as an AWS SDK sends it to a studio on 127.0.0.1:8080, signed
// by aws-sdk-go-v2's signer at signedAt with the key pair.
func signedRequest(t *testing.T, method, path, body, accessKeyID, secret string, signedAt time.Time) *http.Request {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.RemoteAddr = "127.0.0.1:40000"
	r.Host = "127.0.0.1:8080"
	r = r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}))
	if method == http.MethodPost {
		r.Header.Set("Content-Type", "application/x-amz-json-1.0")
		r.Header.Set("X-Amz-Target", "AWSStepFunctions.ListStateMachines")
	}
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: accessKeyID, SecretAccessKey: secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hex.EncodeToString(sum[:]), "states", "us-east-1", signedAt); err != nil {
		t.Fatal(err)
	}
	return r
}

// authRefusals are the error types of a request refused for its signature or key.
var authRefusals = map[string]bool{"UnrecognizedClientException": true, "InvalidSignatureException": true, "IncompleteSignatureException": true}

func TestSignedRequests(t *testing.T) {
	t.Parallel()
	studio, keyID, secret := newSignedStudio(t, true)
	openStudio, _, _ := newSignedStudio(t, false)
	for _, tc := range []struct {
		name     string
		studio   http.Handler
		request  func(t *testing.T) *http.Request
		refusal  string // the X-Amzn-ErrorType of a refusal; "" when the request passes
		message  string // part of the refusal's message
		wantCode int    // for a request that passes, its status when it is known; 0 when not
	}{
		{name: "the right secret passes", studio: studio,
			request: func(t *testing.T) *http.Request {
				return signedRequest(t, http.MethodPost, "/", `{}`, keyID, secret, signedNow)
			}},
		{name: "the right secret opens a page, with no CSRF token", studio: studio, wantCode: http.StatusOK,
			request: func(t *testing.T) *http.Request {
				return signedRequest(t, http.MethodGet, "/audit", ``, keyID, secret, signedNow)
			}},
		{name: "a wrong secret is refused", studio: studio, refusal: "InvalidSignatureException",
			message: "The request signature we calculated does not match the signature you provided.",
			request: func(t *testing.T) *http.Request {
				return signedRequest(t, http.MethodPost, "/", `{}`, keyID, "ssk_not-the-secret", signedNow)
			}},
		{name: "a changed body is refused", studio: studio, refusal: "InvalidSignatureException",
			message: "does not match the signature you provided",
			request: func(t *testing.T) *http.Request {
				r := signedRequest(t, http.MethodPost, "/", `{}`, keyID, secret, signedNow)
				changed := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"maxResults": 1}`))
				r.Body, r.ContentLength = changed.Body, changed.ContentLength
				return r
			}},
		{name: "an expired signature is refused", studio: studio, refusal: "InvalidSignatureException",
			message: "Signature expired: 20261206T095900Z is now earlier than 20261206T100000Z (20261206T101500Z - 15 min.)",
			request: func(t *testing.T) *http.Request {
				return signedRequest(t, http.MethodPost, "/", `{}`, keyID, secret, signedNow.Add(-16*time.Minute))
			}},
		{name: "an unknown access key is refused", studio: studio, refusal: "UnrecognizedClientException",
			message: "The security token included in the request is invalid.",
			request: func(t *testing.T) *http.Request {
				return signedRequest(t, http.MethodPost, "/", `{}`, auth.NewAccessKeyID(), secret, signedNow)
			}},
		{name: "a malformed signature is refused", studio: studio, refusal: "IncompleteSignatureException",
			message: "requires 'Signature' parameter",
			request: func(t *testing.T) *http.Request {
				r := signedRequest(t, http.MethodPost, "/", `{}`, keyID, secret, signedNow)
				h := r.Header.Get("Authorization")
				r.Header.Set("Authorization", h[:strings.Index(h, ", Signature=")])
				return r
			}},
		{name: "a loopback studio without users takes any signature", studio: openStudio,
			request: func(t *testing.T) *http.Request {
				return signedRequest(t, http.MethodPost, "/", `{}`, "AKIAIOSFODNN7EXAMPLE", "dummy", signedNow.Add(-time.Hour))
			}},
		{name: "a loopback studio without users takes a malformed signature", studio: openStudio,
			request: func(t *testing.T) *http.Request {
				r := signedRequest(t, http.MethodPost, "/", `{}`, "dummy", "dummy", signedNow)
				r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=dummy")
				return r
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := httptest.NewRecorder()
			tc.studio.ServeHTTP(w, tc.request(t))
			resp := w.Result()
			errorType := resp.Header.Get("X-Amzn-ErrorType")
			if tc.refusal == "" {
				if authRefusals[errorType] || resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden ||
					(tc.wantCode != 0 && resp.StatusCode != tc.wantCode) {
					t.Fatalf("got %d %s, want the request to pass authentication\n%s", resp.StatusCode, errorType, w.Body)
				}
				return
			}
			var answer struct {
				Type    string `json:"__type"`
				Message string `json:"message"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &answer); err != nil || resp.StatusCode != http.StatusBadRequest ||
				errorType != tc.refusal || answer.Type != tc.refusal || !strings.Contains(answer.Message, tc.message) {
				t.Fatalf("got %d %s, want 400 %s saying %q\n%s", resp.StatusCode, errorType, tc.refusal, tc.message, w.Body)
			}
		})
	}
}
