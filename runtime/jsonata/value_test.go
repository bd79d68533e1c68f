package jsonata

import (
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
	"time"
)

var tenth = 0.1 // a variable, so that 0.1+0.2 is computed in doubles

func TestFormatNumberAsJavaScript(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0"},
		{math.Copysign(0, -1), "0"},
		{1, "1"},
		{-42, "-42"},
		{tenth + 2*tenth, "0.30000000000000004"},
		{1e21, "1e+21"},
		{1e20, "100000000000000000000"},
		{123456789012345680000, "123456789012345680000"},
		{1.5e-7, "1.5e-7"},
		{1e-6, "0.000001"},
		{1e-7, "1e-7"},
		{2.5, "2.5"},
		{-1.25e300, "-1.25e+300"},
		{5e-324, "5e-324"},
		{1.7976931348623157e308, "1.7976931348623157e+308"},
	}
	for _, tt := range tests {
		if got := formatNumber(tt.in); got != tt.want {
			t.Errorf("formatNumber(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestJSONRoundTripKeepsKeyOrder(t *testing.T) {
	t.Parallel()
	src := `{"z":1,"a":[true,null,"x",{"k":-0,"b":1e21,"c":0.5}],"m":{}}`
	v, err := FromJSON([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"z":1,"a":[true,null,"x",{"k":0,"b":1e+21,"c":0.5}],"m":{}}`
	if got := string(ToJSON(v)); got != want {
		t.Errorf("ToJSON(FromJSON(x)) = %s, want %s", got, want)
	}
	o := v.(*Object)
	if got := o.Keys(); len(got) != 3 || got[0] != "z" || got[1] != "a" || got[2] != "m" {
		t.Errorf("keys = %v, want [z a m]", got)
	}
	v, _ = FromJSON([]byte(`{"b":1,"10":2,"a":3,"2":4,"01":5}`))
	if got, want := string(ToJSON(v)), `{"2":4,"10":2,"b":1,"a":3,"01":5}`; got != want {
		t.Errorf("index keys: got %s, want %s (JavaScript's order)", got, want)
	}
	if _, err := FromJSON([]byte(`{"a":1} x`)); err == nil {
		t.Error("FromJSON accepted trailing data")
	}
}

func TestEvalResultsInTheValueModel(t *testing.T) {
	t.Parallel()
	input, _ := FromJSON([]byte(`{"b":2,"a":[1,2,3],"s":"x"}`))
	tests := []struct {
		name, expr, want string
	}{
		{"object keys keep expression order", `{"y": a[0], "x": b, "w": s}`, `{"y":1,"x":2,"w":"x"}`},
		{"arithmetic prints as JavaScript", `0.1 + 0.2`, `0.30000000000000004`},
		{"string rounds to 15 digits", `$string(0.1 + 0.2)`, `"0.3"`},
		{"sequence becomes an array", `a[$ > 1]`, `[2,3]`},
		{"singleton keeps its array with []", `a[0][]`, `[1]`},
		{"null is nil", `null`, `null`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := MustCompile(tt.expr).Eval(input, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(ToJSON(r)); got != tt.want {
				t.Errorf("%s = %s, want %s", tt.expr, got, tt.want)
			}
		})
	}
	r, err := MustCompile(`nothing`).Eval(input, nil)
	if err != nil || r != Undefined {
		t.Errorf("missing field = %v, %v; want Undefined", r, err)
	}
}

func TestBindingsAndGoFunctions(t *testing.T) {
	t.Parallel()
	double := GoFunc(func(args ...any) (any, error) { return args[0].(float64) * 2, nil })
	r, err := MustCompile(`$double($n) & $s`).Eval(nil, map[string]any{"n": 21.0, "$s": "!", "double": double})
	if err != nil || r != "42!" {
		t.Errorf("got %v, %v; want 42!", r, err)
	}
}

func TestErrorsCarryCodePositionAndMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr, code, message string
	}{
		{`1 +`, "S0207", "Unexpected end of expression"},
		{`"a" + 1`, "T2001", `The left side of the "+" operator must evaluate to a number`},
		{`$foo()`, "T1006", "Attempted to invoke a non-function"},
		{`$sum("x")`, "T0412", `Argument 1 of function "sum" must be an array of "numbers"`},
		{`$error("boom")`, "D3137", "boom"},
	}
	for _, tt := range tests {
		e, err := Compile(tt.expr)
		if err == nil {
			_, err = e.Eval(nil, nil)
		}
		var x *Error
		if !errors.As(err, &x) {
			t.Errorf("%s: err = %v, want *Error", tt.expr, err)
			continue
		}
		if x.Code != tt.code || x.Message != tt.message {
			t.Errorf("%s: got %s %q, want %s %q", tt.expr, x.Code, x.Message, tt.code, tt.message)
		}
	}
}

func TestLimitsStopRunawayEvaluation(t *testing.T) {
	t.Parallel()
	_, err := MustCompile(`($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(100000))`).Eval(nil, nil)
	var x *Error
	if !errors.As(err, &x) || x.Code != "U1001" {
		t.Errorf("deep recursion: err = %v, want U1001", err)
	}
	_, err = MustCompile(`($f := function(){ $f() }; $f())`).EvalWithLimits(nil, nil, Limits{Timeout: 50 * time.Millisecond})
	if !errors.As(err, &x) || x.Code != "U1002" {
		t.Errorf("endless tail call: err = %v, want U1002", err)
	}
	r, err := MustCompile(`($f := function($n, $acc){ $n = 0 ? $acc : $f($n - 1, $acc + 1) }; $f(50000, 0))`).Eval(nil, nil)
	if err != nil || r != 50000.0 {
		t.Errorf("tail recursion: got %v, %v; want 50000", r, err)
	}
}

func TestExprIsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	e := MustCompile(`Account.Order.Product{ $string(ProductID): $sum(Price) } ~> $each(function($v, $k){ $k & "=" & $v }) ~> $join(",")`)
	input, _ := FromJSON([]byte(`{"Account":{"Order":[{"Product":[{"ProductID":1,"Price":2},{"ProductID":2,"Price":3}]},{"Product":[{"ProductID":1,"Price":4}]}]}}`))
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				r, err := e.Eval(input, nil)
				if err != nil || r != "1=6,2=3" {
					t.Errorf("got %v, %v", r, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestNewFunctionChecksItsSignature(t *testing.T) {
	t.Parallel()
	partition, err := NewFunction("partition", "<an:a>", func(args ...any) (any, error) {
		items, size := args[0].([]any), int(args[1].(float64))
		var out []any
		for i := 0; i < len(items); i += size {
			out = append(out, items[i:min(i+size, len(items))])
		}
		return out, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	b := map[string]any{"partition": partition}
	r, err := MustCompile(`$partition([1,2,3], 2)`).Eval(nil, b)
	if got := string(ToJSON(r)); err != nil || got != `[[1,2],[3]]` {
		t.Errorf("got %s, %v; want [[1,2],[3]]", got, err)
	}
	_, err = MustCompile(`$partition([1,2,3], "2")`).Eval(nil, b)
	var x *Error
	if !errors.As(err, &x) || x.Code != "T0410" || x.Token != "partition" {
		t.Errorf("got %v; want T0410 for partition", err)
	}
}

func TestInputReferences(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr string
		want string
	}{
		{`phone`, `phone`},
		{`$states.input.phone`, ``},
		{`$count(items[price > 1].name) + total`, `items total`},
		{`{"a": $, "b": $$.x}`, `$ $$`},
		{`$map($states.input, function($v){$v.name})`, ``},
		{`$states.input ~> |item|{"x": y}|`, ``},
		{`a.b{c: d}^(e)`, `a`},
	}
	for _, tt := range tests {
		var names []string
		for _, r := range MustCompile(tt.expr).InputReferences() {
			names = append(names, r.Name)
		}
		if got := strings.Join(names, " "); got != tt.want {
			t.Errorf("%s: references %q, want %q", tt.expr, got, tt.want)
		}
	}
}

// pairs is a caller's own object model, read through Members.
type pairs [][2]any

func (p pairs) Len() int                   { return len(p) }
func (p pairs) Member(i int) (string, any) { return p[i][0].(string), p[i][1] }

func TestEvalReadsMembers(t *testing.T) {
	t.Parallel()
	in := pairs{{"b", 1}, {"1", pairs{{"x", []any{2, 3}}}}, {"a", nil}}
	got, err := MustCompile(`{"keys": $keys($), "sum": $sum($.b) + $sum($.'1'.x), "v": $v.a}`).Eval(in, map[string]any{"v": in})
	if err != nil {
		t.Fatal(err)
	}
	// array-index keys first, as JavaScript orders them; nil is JSON null
	if s := string(ToJSON(got)); s != `{"keys":["1","b","a"],"sum":6,"v":null}` {
		t.Errorf("got %s", s)
	}
}
