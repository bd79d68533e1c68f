package jsonata

import (
	"strings"
	"testing"
	"time"
)

// FuzzEval checks that no expression makes the engine panic or overrun its
// limits: any failure must be a JSONata error.
func FuzzEval(f *testing.F) {
	for _, s := range []string{
		`Account.Order[0].Product{Name: $sum(Price)}`,
		`$map([1,2,3], function($v, $i){$v * $i})`,
		`a.b%.c@$x#$i[$i > 0]^(>x)`,
		`($f := function($n){$n < 2 ? $n : $f($n-1) + $f($n-2)}; $f(10))`,
		`$ ~> |a|{"b": 1}, ["c"]|`,
		`$replace("abc", /(b)/i, "$1$1")`,
		`[1..5][$ % 2 = 0].$string()`,
		`{"a": [1, {"b": null}]}.**`,
		`{"b": [x.%{"a": 1}, 2]}`, // grouping an empty tuple stream once panicked
	} {
		f.Add(s)
	}
	input, _ := FromJSON([]byte(`{"a":[{"b":1,"c":"x"},{"b":2}],"Account":{"Order":[{"Product":[{"Name":"n","Price":1}]}]}}`))
	f.Fuzz(func(t *testing.T, expr string) {
		e, err := Compile(expr)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("Compile(%q): %v is not an *Error", expr, err)
			}
			return
		}
		_, err = e.EvalWithLimits(input, nil, Limits{Depth: 200, Timeout: 200 * time.Millisecond})
		if err != nil && strings.Contains(err.Error(), "internal error") {
			t.Fatalf("Eval(%q): %v", expr, err)
		}
	})
}
