package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestValidateCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		definition string
		stdout     string
		err        string
	}{
		{name: "a valid definition prints OK",
			definition: `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`,
			stdout:     "OK\n"},
		{name: "a missing target is an error with its location",
			definition: `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}}`,
			stdout:     "ERROR MISSING_TRANSITION_TARGET /States/A/Next ",
			err:        "2 errors"}, // and no state ends the execution
		{name: "a warning alone does not fail",
			definition: `{"StartAt":"A","States":{"A":{"Type":"Pass","End":true},"B":{"Type":"Pass","End":true}}}`,
			stdout:     "WARNING UNREACHABLE_STATE /States/B "},
		{name: "a location with a space is quoted",
			definition: `{"StartAt":"Step one","States":{"Step one":{"Type":"Pass","Next":"Nowhere"}}}`,
			stdout:     `ERROR MISSING_TRANSITION_TARGET "/States/Step one/Next" `,
			err:        "2 errors"},
		{name: "a syntax error gives line and column",
			definition: "{\n  \"StartAt\": \"A\",,\n}",
			stdout:     "ERROR INVALID_JSON_DESCRIPTION 2:",
			err:        "1 error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := writeFiles(t, map[string]string{"flow.asl.json": tt.definition})
			stdout, _, err := runCLI(t, "validate", filepath.Join(dir, "flow.asl.json"))
			if !strings.HasPrefix(stdout, tt.stdout) {
				t.Errorf("stdout %q, want it to start with %q", stdout, tt.stdout)
			}
			switch {
			case tt.err == "" && err != nil:
				t.Errorf("validate returned %v", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Errorf("validate returned %v, want an error containing %q", err, tt.err)
			}
		})
	}
}

func TestValidateCommandNeedsOneFile(t *testing.T) {
	t.Parallel()
	if _, _, err := runCLI(t, "validate"); err == nil {
		t.Error("validate without a file returned no error")
	}
	if _, _, err := runCLI(t, "validate", filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("validate of a missing file returned no error")
	}
}
