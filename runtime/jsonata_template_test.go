package runtime

import "testing"

// TestMayReadContext checks that only expressions that cannot reach $states.context skip
// building it: a miss would hand an expression no context.
func TestMayReadContext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src  string
		want bool
	}{
		{"$states.input.a + 1", false},
		{"$states.result.v & $states.errorOutput.Error", false},
		{"$states . input", false},
		{"$states.inputs", true},
		{"$states.context.State.Name", true},
		{"$states", true},
		{"$s := $states; $s.context", true},
		{`$states.("context")`, true},
		{"$states.input.a and $states.context", true},
		{"1 + 2", false},
	}
	for _, tt := range tests {
		if got := mayReadContext(tt.src); got != tt.want {
			t.Errorf("mayReadContext(%q) = %v, want %v", tt.src, got, tt.want)
		}
	}
}
