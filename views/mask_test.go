package views

import (
	"testing"

	"github.com/stepstudio/stepstudio/runtime"
)

func TestMaskTokens(t *testing.T) {
	t.Parallel()
	const tok = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde"
	tests := []struct {
		name, text, want string
		tokens           []string
	}{
		{"a token in JSON keeps its first six characters", `{"token":"` + tok + `"}`, `{"token":"AbCdEf…"}`, []string{tok}},
		{"every occurrence is masked", tok + " " + tok, "AbCdEf… AbCdEf…", []string{tok}},
		{"text without the token is unchanged", `{"a":1}`, `{"a":1}`, []string{tok}},
		{"no tokens leaves the text", tok, tok, nil},
		{"a too short token is not a token", "abc", "abc", []string{"abc"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := MaskTokens(tc.text, tc.tokens...); got != tc.want {
				t.Errorf("MaskTokens(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
	ev := MaskEvent(runtime.Event{Details: runtime.EventDetails{Parameters: `{"t":"` + tok + `"}`, TaskToken: tok}}, tok)
	if ev.Details.Parameters != `{"t":"AbCdEf…"}` || ev.Details.TaskToken != "" {
		t.Errorf("MaskEvent: %+v", ev.Details)
	}
}
