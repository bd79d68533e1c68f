package casefile_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/stepstudio/stepstudio/runtime"
	"github.com/stepstudio/stepstudio/runtime/casefile"
)

func TestDiffJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		want, got string
		diffs     []string
	}{
		{name: "equal scalars match", want: `"a"`, got: `"a"`},
		{name: "key order does not matter", want: `{"a":1,"b":[1,2]}`, got: `{"b":[1,2],"a":1}`},
		{name: "numbers match by value", want: `{"a":1.0,"b":0.0,"c":1e2}`, got: `{"a":1,"b":0,"c":100}`},
		{name: "big integers compare exactly", want: `9007199254740993`, got: `9007199254740992`,
			diffs: []string{"$: want 9007199254740993, got 9007199254740992"}},
		{name: "any matches any value", want: `{"arn":{"$any":true},"n":1}`, got: `{"arn":"arn:aws:states:x","n":1}`},
		{name: "any matches null and objects", want: `[{"$any":true},{"$any":true}]`, got: `[null,{"x":{"y":1}}]`},
		{name: "any does not match an absent key", want: `{"arn":{"$any":true}}`, got: `{}`,
			diffs: []string{`$.arn: missing, want {"$any":true}`}},
		{name: "an object with $any false is compared as an object", want: `{"$any":false}`, got: `1`,
			diffs: []string{`$: want {"$any":false}, got 1`}},
		{name: "different numbers differ", want: `{"a":{"b":1}}`, got: `{"a":{"b":2}}`,
			diffs: []string{"$.a.b: want 1, got 2"}},
		{name: "number and string differ", want: `[1]`, got: `["1"]`,
			diffs: []string{`$[0]: want 1, got "1"`}},
		{name: "null and absent differ", want: `{"a":null}`, got: `{}`,
			diffs: []string{"$.a: missing, want null"}},
		{name: "an extra key differs", want: `{}`, got: `{"extra key":true}`,
			diffs: []string{`$["extra key"]: not expected, got true`}},
		{name: "array lengths differ", want: `[1,2,3]`, got: `[1,2]`,
			diffs: []string{"$: want 3 elements, got 2: want [1,2,3], got [1,2]"}},
		{name: "every difference is listed", want: `{"a":1,"b":"x","c":true}`, got: `{"a":2,"b":"y","c":true}`,
			diffs: []string{"$.a: want 1, got 2", `$.b: want "x", got "y"`}},
		{name: "strings are shown unescaped", want: `"<a>"`, got: `"<b>"`,
			diffs: []string{`$: want "<a>", got "<b>"`}},
		{name: "output that is not JSON differs", want: `{}`, got: `{`,
			diffs: []string{"$: not JSON (unexpected EOF): {"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := casefile.DiffJSON([]byte(tt.want), []byte(tt.got))
			if diff := cmp.Diff(tt.diffs, got); diff != "" {
				t.Errorf("DiffJSON(%s, %s) (-want +got):\n%s", tt.want, tt.got, diff)
			}
		})
	}
}

func TestDiffJSONListsAtMostTwentyDifferences(t *testing.T) {
	t.Parallel()
	got := casefile.DiffJSON([]byte(`[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]`),
		[]byte(`[2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2]`))
	if len(got) != 21 || got[20] != "... and 5 more differences" {
		t.Errorf("got %d lines, last %q", len(got), got[len(got)-1])
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	str := func(s string) *string { return &s }
	tests := []struct {
		name  string
		want  casefile.Expect
		got   runtime.Result
		diffs []string
	}{
		{name: "output matches",
			want: casefile.Expect{Status: "SUCCEEDED", Output: []byte(`{"a":1.0}`)},
			got:  runtime.Result{Status: runtime.StatusSucceeded, Output: []byte(`{"a":1}`)}},
		{name: "absent output is not checked",
			want: casefile.Expect{Status: "SUCCEEDED"},
			got:  runtime.Result{Status: runtime.StatusSucceeded, Output: []byte(`{"a":1}`)}},
		{name: "output differs",
			want:  casefile.Expect{Status: "SUCCEEDED", Output: []byte(`{"a":1}`)},
			got:   runtime.Result{Status: runtime.StatusSucceeded, Output: []byte(`{"a":2}`)},
			diffs: []string{"output $.a: want 1, got 2"}},
		{name: "status differs, with the error",
			want:  casefile.Expect{Status: "SUCCEEDED", Output: []byte(`{}`)},
			got:   runtime.Result{Status: runtime.StatusFailed, Error: "States.Runtime", Cause: "boom"},
			diffs: []string{`status: want SUCCEEDED, got FAILED (error "States.Runtime", cause "boom")`}},
		{name: "status differs, with the output",
			want:  casefile.Expect{Status: "FAILED", Error: str("E")},
			got:   runtime.Result{Status: runtime.StatusSucceeded, Output: []byte(`{"x":1}`)},
			diffs: []string{`status: want FAILED, got SUCCEEDED with output {"x":1}`}},
		{name: "error and cause match",
			want: casefile.Expect{Status: "FAILED", Error: str("E"), Cause: str("C")},
			got:  runtime.Result{Status: runtime.StatusFailed, Error: "E", Cause: "C"}},
		{name: "absent cause is not checked",
			want: casefile.Expect{Status: "FAILED", Error: str("E")},
			got:  runtime.Result{Status: runtime.StatusFailed, Error: "E", Cause: "anything"}},
		{name: "null error matches none",
			want: casefile.Expect{Status: "FAILED", Error: str(""), Cause: str("")},
			got:  runtime.Result{Status: runtime.StatusFailed}},
		{name: "null error differs from an error",
			want:  casefile.Expect{Status: "FAILED", Error: str(""), Cause: str("")},
			got:   runtime.Result{Status: runtime.StatusFailed, Error: "E"},
			diffs: []string{`error: want null, got "E"`}},
		{name: "error and cause differ",
			want:  casefile.Expect{Status: "FAILED", Error: str("E"), Cause: str("C")},
			got:   runtime.Result{Status: runtime.StatusFailed, Error: "F"},
			diffs: []string{`error: want "E", got "F"`, `cause: want "C", got null`}},
		{name: "timed out checks the status only",
			want: casefile.Expect{Status: "TIMED_OUT"},
			got:  runtime.Result{Status: runtime.StatusTimedOut, Error: "States.Timeout"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.diffs, casefile.Check(tt.want, tt.got)); diff != "" {
				t.Errorf("Check (-want +got):\n%s", diff)
			}
		})
	}
}
