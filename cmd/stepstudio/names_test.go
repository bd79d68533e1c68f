package main

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/store"
	"github.com/stepstudio/stepstudio/views"
)

// TestMachineNamesFollowAWSRules creates machines through the home page's form: names AWS
// refuses, and "." and "..", which no address could reach, get 400 with the rule's message
// and store nothing; names AWS allows, non-ASCII letters included, are stored and linkable.
func TestMachineNamesFollowAWSRules(t *testing.T) {
	t.Parallel()
	s := startStudio(t)
	t.Run("refused", func(t *testing.T) {
		for _, tc := range []struct{ name, value string }{
			{"two dots, which an address resolves to the folder above", ".."},
			{"one dot, which an address resolves to the folder itself", "."},
			{"invalid UTF-8", "Order\xff\xfe"},
			{"a no-break space", "Order\u00a0Flow"},
			{"an em space", "Order\u2003Flow"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				resp, body := s.post(t, "/machines", url.Values{"name": {tc.value}, "definition": {passDefinition}})
				if resp.StatusCode != http.StatusBadRequest {
					t.Fatalf("create %q: status %d, want 400\n%s", tc.value, resp.StatusCode, body)
				}
				want := runtime.CheckName("state machine", tc.value)
				if want == nil || !strings.Contains(html.UnescapeString(body), want.Error()) {
					t.Errorf("the page does not say %q:\n%s", want, body)
				}
			})
		}
		db, err := store.Open(context.Background(), s.db, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if ms, err := db.FindMachines(context.Background()); err != nil || len(ms) != 0 {
			t.Fatalf("refused names were stored: %v (%v)", ms, err)
		}
	})
	t.Run("accepted and linkable", func(t *testing.T) {
		for _, name := range []string{"Bestellung-prüfen", "受注-フロー", "...", "v1.2", strings.Repeat("é", 80)} {
			s.createMachine(t, name, passDefinition)
			if resp, body := s.get(t, views.MachineURL(name)); resp.StatusCode != http.StatusOK || !strings.Contains(body, html.EscapeString(name)) {
				t.Errorf("GET %s: %d\n%s", views.MachineURL(name), resp.StatusCode, body)
			}
		}
	})
}
