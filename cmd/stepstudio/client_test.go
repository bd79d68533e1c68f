package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"testing"
)

// newStudioClient is a browser-like client of one studio: its own cookie jar (cookies do
// not tell ports apart, so studios in parallel tests must not share one), no redirects
// followed, and a CSRF token added to every state-changing request, as the pages do.
func newStudioClient(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{
		Jar:           jar,
		Transport:     &csrfTransport{jar: jar},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// withoutCSRF is a client with the same cookies that adds no CSRF token.
func withoutCSRF(c *http.Client) *http.Client {
	return &http.Client{Jar: c.Jar, CheckRedirect: c.CheckRedirect}
}

// csrfTransport adds X-CSRF-Token to POST, PUT, PATCH and DELETE requests that carry neither
// a token nor an API key, reading the token from a page as the browser code does.
type csrfTransport struct {
	jar    http.CookieJar
	studio *studio
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]*)"`)

func (tr *csrfTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return http.DefaultTransport.RoundTrip(req)
	}
	if req.Header.Get("X-CSRF-Token") != "" || req.Header.Get("Authorization") != "" {
		return http.DefaultTransport.RoundTrip(req)
	}
	token, err := tr.token()
	if err != nil {
		return nil, err
	}
	req = req.Clone(req.Context())
	req.Header.Set("X-CSRF-Token", token)
	// Reading the page may have set the cookie the token is bound to.
	req.Header.Del("Cookie")
	for _, c := range tr.jar.Cookies(req.URL) {
		req.AddCookie(c)
	}
	return http.DefaultTransport.RoundTrip(req)
}

// token reads the token of the current cookies from the home page (or the login page it
// redirects to). It is read anew each time, since logging in or out changes it.
func (tr *csrfTransport) token() (string, error) {
	pages := &http.Client{Jar: tr.jar, Transport: http.DefaultTransport}
	req, err := http.NewRequest(http.MethodGet, tr.studio.url+"/", nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", "text/html") // as a browser: without a login, the login page
	resp, err := pages.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := csrfMeta.FindSubmatch(body)
	if m == nil || len(m[1]) == 0 {
		return "", fmt.Errorf("no csrf-token in the page %s (status %d)", resp.Request.URL, resp.StatusCode)
	}
	return string(m[1]), nil
}
