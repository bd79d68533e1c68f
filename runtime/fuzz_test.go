package runtime

import (
	"bytes"
	"testing"
)

// FuzzParse checks that no definition, however broken, panics the parser, and that Parse
// and Validate agree: Parse accepts exactly the definitions Validate finds no error in.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		`{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}`,
		`{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":1,"Next":"D"},{"Not":{"Variable":"$.s","StringMatches":"a*\\*"},"Next":"D"}],"Default":"D"},"D":{"Type":"Succeed"}}}`,
		`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"t.$":"$$.Task.Token","a.$":"$.a[0:2]"},"ResultSelector":{"x.$":"$..y"},"ResultPath":"$.r","Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":2}],"Catch":[{"ErrorEquals":["States.ALL"],"Next":"F"}],"TimeoutSeconds":5,"HeartbeatSeconds":2,"End":true},"F":{"Type":"Fail","ErrorPath":"$.e","CausePath":"$.c"}}}`,
		`{"StartAt":"W","States":{"W":{"Type":"Wait","TimestampPath":"$.t","OutputPath":null,"End":true}}}`,
		`{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}],"End":true}}}`,
		`{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","ItemProcessor":{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},"End":true}}}`,
		`{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}}`,
		`{"StartAt": `,
		`[]`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		def, err := Parse(data)
		diags := Validate(data)
		hasError := false
		for _, d := range diags {
			if d.Severity == SeverityError {
				hasError = true
			}
		}
		if (err == nil) == hasError {
			t.Fatalf("Parse error %v but Validate errors %v for %q", err, diags, data)
		}
		if err == nil && def == nil {
			t.Fatal("Parse returned neither a definition nor an error")
		}
	})
}

// FuzzJSONPath checks that compiling any path text and evaluating it over any JSON document
// never panics, that a compiled path prints back to text that compiles the same way, and
// that the payload-size count agrees with the encoder.
func FuzzJSONPath(f *testing.F) {
	for _, seed := range []struct{ path, doc string }{
		{"$", `{}`},
		{"$.a.b", `{"a":{"b":1}}`},
		{"$['a b'][0]", `{"a b":[1,2]}`},
		{"$.a[-1:]", `{"a":[1,2,3]}`},
		{"$.a[*].b", `{"a":[{"b":1},{"c":2}]}`},
		{"$..b", `{"a":[{"b":1},{"b":{"b":2}}]}`},
		{"$.a[?(@.n > 1)]", `{"a":[{"n":1},{"n":2}]}`},
		{"$.a[0,2]", `{"a":[1,2,3]}`},
		{"$.store\\.book", `{"store.book":1}`},
		{"$$.Execution.Id", `{}`},
		{"$.s", `{"s":"quote \" slash \\ tab \t nul \u0000 é \ud800"}`},
	} {
		f.Add(seed.path, []byte(seed.doc))
	}
	f.Fuzz(func(t *testing.T, text string, doc []byte) {
		p, err := compilePath(text, true)
		if err != nil {
			return
		}
		if _, err := compilePath(p.String(), true); err != nil {
			t.Fatalf("%q compiled but its String %q does not: %v", text, p.String(), err)
		}
		root, err := decodeJSON(doc)
		if err != nil {
			return
		}
		encoded := encodeJSON(root)
		if got, want := jsonSize(root, 1<<30), len(encoded); got != want {
			t.Fatalf("jsonSize %d, encoded length %d, for %s", got, want, doc)
		}
		again, err := decodeJSON(encoded)
		if err != nil || !bytes.Equal(encodeJSON(again), encoded) {
			t.Fatalf("%s encodes to %s, which does not decode back the same (%v)", doc, encoded, err)
		}
		_, _ = p.find(root)
		_ = p.exists(root)
		if p.Definite() && !p.context {
			_, _ = p.set(root, "x")
		}
	})
}
