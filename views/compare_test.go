package views

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAlign(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a, b []string
		want []string // each row's class
	}{
		{"equal", []string{"x", "y"}, []string{"x", "y"}, []string{"same", "same"}},
		{"a state only on the left", []string{"Prepare", "Approve", "Ship"}, []string{"Prepare", "Ship"},
			[]string{"same", "only-left", "same"}},
		{"a changed value faces its key, a new key stands alone",
			JSONLines([]byte(`{"amount": 120, "decision": {"ok": true}, "id": "o-1"}`)),
			JSONLines([]byte(`{"id": "o-2", "amount": 50}`)),
			[]string{"same", "changed", "only-left", "only-left", "only-left", "changed", "same"}},
		{"one side empty", nil, []string{"(still running)"}, []string{"only-right"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, r := range Align(tt.a, tt.b) {
				got = append(got, r.rowClass())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}
