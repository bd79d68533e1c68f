package runtime

import (
	"errors"
	"strings"
	"testing"
)

// mustDecode decodes JSON written in a test.
func mustDecode(t *testing.T, s string) any {
	t.Helper()
	v, err := decodeJSON([]byte(s))
	if err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return v
}

// mustCompilePath compiles a path written in a test.
func mustCompilePath(text string) *Path {
	p, err := compilePath(text, true)
	if err != nil {
		panic(err)
	}
	return p
}

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"key order is kept", `{"b":1,"a":2,"c":{"z":1,"y":2}}`, `{"b":1,"a":2,"c":{"z":1,"y":2}}`},
		{"numbers keep their text", `[1.0, 1e3, 12345678901234567890, -0.5]`, `[1.0,1e3,12345678901234567890,-0.5]`},
		{"white space is dropped", " {\n \"a\" : [ true , false , null ] }\n", `{"a":[true,false,null]}`},
		{"only quotes, backslashes and controls are escaped", `"<&> é \u2028 \" \\ \n \u0001"`, "\"<&> é \u2028 \\\" \\\\ \\n \\u0001\""},
		{"a later duplicate key wins in place", `{"a":1,"b":2,"a":3}`, `{"a":3,"b":2}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := jsonText(mustDecode(t, tt.in)); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestDecodeJSONErrors(t *testing.T) {
	t.Parallel()
	// The offset counts the bytes read up to and including the offending one, which makes
	// it the 1-based column of the mistake on a one-line text.
	tests := []struct {
		name       string
		in         string
		wantOffset int64
	}{
		{"trailing data", `{} x`, 4},
		{"unclosed object", `{"a":1`, 6},
		{"bad token", `{"a": tru}`, 10},
		{"empty", ``, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := decodeJSON([]byte(tt.in))
			var se *syntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v, want a syntax error", err)
			}
			if se.offset != tt.wantOffset {
				t.Errorf("offset %d, want %d (%v)", se.offset, tt.wantOffset, err)
			}
		})
	}
}

func TestCompilePathErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, path string
		context    bool
		wantErr    string
	}{
		{"no dollar", "a.b", true, "must start with '$'"},
		{"trailing dot", "$.a.", true, "must not end with '.'"},
		{"trailing scan", "$..", true, "must not end with '..'"},
		{"unclosed bracket", "$['a'", true, "unclosed"},
		{"blank in a dot name", "$.my key", true, "bracket notation"},
		{"function call", "$.a.length()", true, "functions are not supported"},
		{"bad index", "$[x]", true, "unexpected"},
		{"context not allowed", "$$.Execution", false, "context object"},
		{"slice with a step", "$[1:5:2]", true, "step"},
		{"bad filter", "$[?(@.a ==)]", true, "invalid filter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := compilePath(tt.path, tt.context)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("compilePath(%q) error %v, want one containing %q", tt.path, err, tt.wantErr)
			}
		})
	}
}

func TestPathFind(t *testing.T) {
	t.Parallel()
	doc := `{"a":{"b":[10,20,30],"n":null,"s":"x"},"users":[{"name":"ann","age":31,"tags":["x"]},{"name":"bob","age":17},{"name":"cy","age":"17"}],
		"store.book":1,"Test\\\"\"Name\"":"escaped","k":{"a":{"name":"deep"}}}`
	tests := []struct {
		name, path, want string
	}{
		{"root", "$", ""}, // compared against the document itself below
		{"dot names", "$.a.s", `"x"`},
		{"bracket names", "$['a']['b']", `[10,20,30]`},
		{"double quotes", `$["a"]["s"]`, `"x"`},
		{"index", "$.a.b[1]", `20`},
		{"negative index", "$.a.b[-1]", `30`},
		{"null leaf", "$.a.n", `null`},
		{"wildcard on an array", "$.a.b[*]", `[10,20,30]`},
		{"wildcard on an object", "$.a.*", `[[10,20,30],null,"x"]`},
		{"slice", "$.a.b[1:]", `[20,30]`},
		{"slice to", "$.a.b[:1]", `[10]`},
		{"negative slice", "$.a.b[-2:]", `[20,30]`},
		{"slice past the end", "$.a.b[1:9]", `[20,30]`},
		{"index union", "$.a.b[0,2]", `[10,30]`},
		{"property after a wildcard", "$.users[*].name", `["ann","bob","cy"]`},
		{"wildcard over nothing", "$.none[*]", `[]`},
		{"slice over nothing", "$.none.deeper[1:5].x", `[]`},
		{"filter", "$.users[?(@.age > 18)].name", `["ann"]`},
		{"filter with and", "$.users[?(@.age < 30 && @.name != 'cy')].name", `["bob"]`},
		{"filter equality with a numeric string", "$.users[?(@.age == 17)].name", `["bob","cy"]`},
		{"filter existence", "$.users[?(@.tags)].name", `["ann"]`},
		{"filter regex", "$.users[?(@.name =~ /b.b/)].name", `["bob"]`},
		{"deep scan", "$..name", `["ann","bob","cy","deep"]`},
		{"escaped dot", `$.store\.book`, `1`},
		{"quote escapes as AWS reads them", `$['Test\""Name"']`, `"escaped"`},
	}
	root := mustDecode(t, doc)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := compilePath(tt.path, false)
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.find(root)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			if want == "" {
				want = jsonText(root)
			}
			if jsonText(got) != want {
				t.Errorf("%s = %s, want %s", tt.path, jsonText(got), want)
			}
		})
	}
}

// TestPathFindMissing checks the messages of definite paths that find nothing: AWS quotes
// them after "Invalid path '<path>' : ".
func TestPathFindMissing(t *testing.T) {
	t.Parallel()
	root := mustDecode(t, `{"a":{"b":[1]},"n":null,"s":"x"}`)
	tests := []struct {
		path, want string
	}{
		{"$.x", "No results for path: $['x']"},
		{"$.a.x", "No results for path: $['a']['x']"},
		{"$.x.y", "Missing property in path $['x']"},
		{"$.a.b[5]", "No results for path: $['a']['b'][5]"},
		{"$.n[0]", "The path $['n'] is null"},
		{"$.s[0]", `Filter: [0] can only be applied to arrays. Current context is: "x"`},
		{"$.s.y", "Expected to find an object with property ['y'] in path $['s'] but found 'string'."},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			_, err := mustCompilePath(tt.path).find(root)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("%s: error %v, want %q", tt.path, err, tt.want)
			}
		})
	}
}

func TestPathSet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, input, path, value, want, wantErr string
	}{
		{"replace the root", `{"a":1}`, "$", `2`, `2`, ""},
		{"add a key at the end", `{"a":1}`, "$.b", `2`, `{"a":1,"b":2}`, ""},
		{"replace a key in place", `{"a":1,"b":2}`, "$.a", `3`, `{"a":3,"b":2}`, ""},
		{"create objects on the way", `{}`, "$.a.b.c", `1`, `{"a":{"b":{"c":1}}}`, ""},
		{"set an array element", `{"a":[1,2]}`, "$.a[1]", `9`, `{"a":[1,9]}`, ""},
		{"a string is no object", `"text"`, "$.a", `1`, "", `Unable to apply step "a" to input "text"`},
		{"an index out of range", `{"a":[1]}`, "$.a[3]", `1`, "", `Unable to apply step "3" to input {"a":[1]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := mustDecode(t, tt.input)
			before := jsonText(in)
			got, err := mustCompilePath(tt.path).set(in, mustDecode(t, tt.value))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("error %v, want %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if jsonText(got) != tt.want {
				t.Errorf("got %s, want %s", jsonText(got), tt.want)
			}
			if jsonText(in) != before {
				t.Errorf("the input changed to %s: values must never change", jsonText(in))
			}
		})
	}
}

func TestStringMatches(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"*.log", "app.log", true},
		{"*.log", "app.txt", false},
		{"log-*-done", "log-2024-done", true},
		{`a\*b`, "a*b", true},
		{`a\*b`, "axb", false},
		{`a\\b`, `a\b`, true},
		{"a?c", "abc", false}, // only * is special, unlike fnmatch
		{"[ab]", "a", false},
		{"*", "", true},
	}
	for _, tt := range tests {
		re, err := compileStringMatches(tt.pattern)
		if err != nil {
			t.Fatalf("%q: %v", tt.pattern, err)
		}
		if got := re.MatchString(tt.s); got != tt.want {
			t.Errorf("%q matches %q = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
	if _, err := compileStringMatches(`abc\`); err == nil {
		t.Error("a trailing backslash compiled")
	}
}

func TestParseTimestamp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want bool
	}{
		{"2016-03-14T01:59:00Z", true},
		{"2016-03-05T21:29:29.243167252Z", true},
		{"2012-10-09T19:00:55+01:00", true},
		{"2023-12-13T07:10:01.00Z", true},
		{"2016-03-14T01:59Z", true},
		{"2016-12-05T21:29:29", false},
		{"2016-12-05 21:29:29Z", false},
		{"2016-13-05T21:29:29Z", false},
		{"2016-12-05T25:29:29Z", false},
		{"2016-02-30T00:00:00Z", false},
		{"05-12-2016T21:29:29Z", false},
		{"2023-02-24", false},
	}
	for _, tt := range tests {
		if _, ok := parseTimestamp(tt.in); ok != tt.want {
			t.Errorf("parseTimestamp(%q) ok = %v, want %v", tt.in, ok, tt.want)
		}
	}
}

func TestErrorMatching(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		equals []string
		err    string
		want   bool
	}{
		{"exact name", []string{"Custom.Error"}, "Custom.Error", true},
		{"other name", []string{"Custom.Error"}, "Other", false},
		{"ALL catches custom errors", []string{"States.ALL"}, "Custom.Error", true},
		{"ALL catches timeouts", []string{"States.ALL"}, "States.Timeout", true},
		{"ALL never catches Runtime", []string{"States.ALL"}, "States.Runtime", false},
		{"Runtime is never caught, even by name", []string{"States.Runtime"}, "States.Runtime", false},
		{"ALL skips DataLimitExceeded", []string{"States.ALL"}, "States.DataLimitExceeded", false},
		{"DataLimitExceeded by name", []string{"States.DataLimitExceeded"}, "States.DataLimitExceeded", true},
		{"TaskFailed covers task errors", []string{"States.TaskFailed"}, "Lambda.ServiceException", true},
		{"TaskFailed skips timeouts", []string{"States.TaskFailed"}, "States.Timeout", false},
	}
	for _, tt := range tests {
		if got := matches(tt.equals, tt.err, true); got != tt.want {
			t.Errorf("%s: matches(%v, %s) = %v, want %v", tt.name, tt.equals, tt.err, got, tt.want)
		}
	}
}
