package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestFavicon checks that the icon browsers ask for on every page is served without a login,
// as an SVG a browser may cache, and that every page links it.
func TestFavicon(t *testing.T) {
	t.Parallel()
	// With a user, every page but the public ones asks for a login.
	db := filepath.Join(t.TempDir(), "data", "studio.db")
	addTestUser(t, db, "alice", "alice's password")
	s := startStudioOn(t, db)
	t.Cleanup(s.stop)

	asIcon := map[string]string{"Accept": "image/avif,image/webp,image/svg+xml,image/*,*/*;q=0.8"}
	var icons []string
	for _, tc := range []struct{ name, path string }{
		{"the address browsers ask for on their own", "/favicon.ico"},
		{"the address the pages link", "/static/favicon.svg"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := s.request(t, "GET", tc.path, nil, asIcon)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s without a login: %d\n%s", tc.path, resp.StatusCode, body)
			}
			if got := resp.Header.Get("Content-Type"); got != "image/svg+xml" {
				t.Errorf("GET %s: Content-Type %q, want image/svg+xml", tc.path, got)
			}
			if !strings.HasPrefix(body, "<svg") {
				t.Errorf("GET %s: not an SVG:\n%s", tc.path, body)
			}
			icons = append(icons, body)
		})
	}
	t.Run("/favicon.ico may be cached", func(t *testing.T) {
		resp, _ := s.request(t, "GET", "/favicon.ico", nil, asIcon)
		if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=") || strings.Contains(cc, "no-store") {
			t.Errorf("Cache-Control %q, want a max-age", cc)
		}
	})
	if len(icons) == 2 && icons[0] != icons[1] {
		t.Errorf("/favicon.ico and /static/favicon.svg differ")
	}
	t.Run("pages link the icon", func(t *testing.T) {
		resp, page := s.request(t, "GET", "/login", nil, asBrowser)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, `<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">`) {
			t.Errorf("the login page does not link the icon: %d\n%s", resp.StatusCode, page)
		}
	})
}
