package views

import (
	"testing"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

func TestRoutingText(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		routes []resource.Route
		want   string
	}{
		"one version":  {[]resource.Route{{Version: 1, Weight: 100}}, "v1 100%"},
		"two versions": {[]resource.Route{{Version: 3, Weight: 80}, {Version: 4, Weight: 20}}, "v3 80% / v4 20%"},
		"none":         {nil, ""},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := routingText(c.routes); got != c.want {
				t.Errorf("routingText = %q, want %q", got, c.want)
			}
		})
	}
}

func TestStartedThrough(t *testing.T) {
	t.Parallel()
	const machine = "arn:aws:states:us-east-1:123456789012:stateMachine:pricing"
	for name, c := range map[string]struct {
		e    resource.Execution
		want string
	}{
		"the machine itself": {resource.Execution{}, ""},
		"a version":          {resource.Execution{VersionARN: machine + ":12"}, "version 12"},
		"an alias":           {resource.Execution{VersionARN: machine + ":3", AliasARN: machine + ":live"}, "alias live → version 3"},
		"an alias alone":     {resource.Execution{AliasARN: machine + ":live"}, "alias live"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if got := startedThrough(c.e); got != c.want {
				t.Errorf("startedThrough = %q, want %q", got, c.want)
			}
		})
	}
}
