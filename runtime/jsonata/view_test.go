package jsonata

import (
	"encoding/json"
	"testing"
)

// members is a caller's object, as the runtime hands its own to the engine.
type members []struct {
	k string
	v any
}

func (m members) Len() int                   { return len(m) }
func (m members) Member(i int) (string, any) { return m[i].k, m[i].v }

func TestCanonicalNumber(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		"0": true, "-1": true, "42": true, "0.5": true, "-12.25": true, "0.000001": true,
		"16.990000000000002": true, "123456789012345": true, "9007199254740991": true,
		"1.0": false, "-0": false, "01": false, "1e3": false, "1E3": false, "0.0000001": false,
		"9007199254740993": false, "12345678901234567890": false, "0.10000000000000000555": false, ".5": false,
	} {
		if got := canonicalNumber(s); got != want {
			t.Errorf("canonicalNumber(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestViewGoesBackUnchanged checks that a caller's object an expression passes on comes
// back as the caller's own when JavaScript would write it the same, and is converted (key
// order, number text) when it would not.
func TestViewGoesBackUnchanged(t *testing.T) {
	t.Parallel()
	inner := members{{"a", json.Number("1")}, {"b", "x"}}
	odd := members{{"b", json.Number("1.0")}, {"1", true}}
	input := members{{"inner", inner}, {"odd", odd}}
	for _, tt := range []struct {
		expr string
		same any
		want string
	}{
		{`inner`, inner, `{"a":1,"b":"x"}`},
		{`odd`, nil, `{"1":true,"b":1}`},
		{`$merge([inner, {"c": 2}])`, nil, `{"a":1,"b":"x","c":2}`},
		{`inner ~> |$|{"a": 5}|`, nil, `{"a":5,"b":"x"}`},
		{`[inner, inner].a`, nil, `[1,1]`},
		{`{"x": inner}`, nil, `{"x":{"a":1,"b":"x"}}`},
	} {
		got, err := MustCompile(tt.expr).Eval(input, nil)
		if err != nil {
			t.Fatalf("%s: %v", tt.expr, err)
		}
		if tt.same != nil {
			if m, ok := got.(members); !ok || &m[0] != &inner[0] {
				t.Errorf("%s gave %#v, want the caller's object itself", tt.expr, got)
			}
			continue
		}
		if _, isCallers := got.(members); isCallers {
			t.Errorf("%s gave the caller's object back; it should be converted", tt.expr)
			continue
		}
		if s := string(ToJSON(got)); s != tt.want {
			t.Errorf("%s = %s, want %s", tt.expr, s, tt.want)
		}
	}
	// The transform above changed its copy only.
	if v, _ := inner[0].v.(json.Number); v != "1" {
		t.Errorf("the caller's object changed: %v", inner)
	}
}
