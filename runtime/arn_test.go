package runtime

import "testing"

func TestARNRegion(t *testing.T) {
	t.Parallel()
	for arn, want := range map[string]string{
		"arn:aws:states:eu-west-1:123456789012:stateMachine:m": "eu-west-1",
		"arn:aws:states::123456789012:stateMachine:m":          "",
		"arn:aws:states:eu-west-1":                             "eu-west-1",
		"arn:aws:states":                                       "",
		"":                                                     "",
	} {
		if got := arnRegion(arn); got != want {
			t.Errorf("arnRegion(%q) = %q, want %q", arn, got, want)
		}
	}
}
