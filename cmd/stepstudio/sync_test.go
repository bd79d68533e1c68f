package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestSyncFlagChoosesWhenCommitsReachTheDisk(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		banner string // what the first line says; "" when serve must refuse to start
	}{
		{"the default is normal", nil, nil, ", sync normal)"},
		{"--sync full", nil, []string{"--sync", "full"}, ", sync full)"},
		{"STEPSTUDIO_SYNC=FULL", map[string]string{"STEPSTUDIO_SYNC": "FULL"}, nil, ", sync full)"},
		{"--sync beats STEPSTUDIO_SYNC", map[string]string{"STEPSTUDIO_SYNC": "full"}, []string{"--sync", "normal"}, ", sync normal)"},
		{"--sync off is refused", nil, []string{"--sync", "off"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "studio.db")}, tt.args...)
			s, err := startStudioEnv(t, tt.env, args...)
			if tt.banner == "" {
				if err == nil {
					s.stop()
					t.Fatal("serve started")
				}
				if !strings.Contains(err.Error(), `--sync (or STEPSTUDIO_SYNC) must be full or normal, not "off"`) {
					t.Fatalf("serve: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer s.stop()
			if !strings.HasSuffix(strings.TrimSpace(s.banner), tt.banner) {
				t.Errorf("first line %q, want it to end with %q", s.banner, tt.banner)
			}
		})
	}
}
