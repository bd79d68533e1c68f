package runtime

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzIntrinsicParse checks that no text, however broken, panics the intrinsic compiler,
// and that whatever compiles runs without panicking over any document: it yields a JSON
// value or a States.Runtime failure, never anything else.
func FuzzIntrinsicParse(f *testing.F) {
	for _, seed := range []struct{ expr, doc string }{
		{`States.Format('Hello, my name is {}.', $.name)`, `{"name":"Arnav"}`},
		{`States.Format($.t, $.a, $.b)`, `{"t":"{} \\{ {}","a":[1,{"x":null}],"b":1.5e300}`},
		{`States.Format('\{\} {} \'q\' \\', $$.Execution.Name)`, `{}`},
		{`States.StringToJson($.s)`, `{"s":"{\"a\":[1,2,{\"b\":true}]} tail"}`},
		{`States.JsonToString($)`, `{"a":"\u0001"}`},
		{`States.Array(1, 'a', null, true, -2.5e3, $.x, $..y, $.z[*])`, `{"x":{"y":1},"z":[1,2]}`},
		{`States.ArrayPartition($.a, 2.6)`, `{"a":[1,2,3,4,5]}`},
		{`States.ArrayContains($.a, $.b)`, `{"a":[{"a":1,"b":2}],"b":{"b":2,"a":1}}`},
		{`States.ArrayRange(5, -3, -2)`, `{}`},
		{`States.ArrayGetItem($.a, $.i)`, `{"a":[1,2,3],"i":-1e99}`},
		{`States.ArrayLength($.a[?(@.b > 1)])`, `{"a":[{"b":1},{"b":2}]}`},
		{`States.ArrayUnique($.a)`, `{"a":[null,true,false,1,1.0,"1",[1],[1],{"a":1},{"a":1},123456789012345678901234567890]}`},
		{`States.Base64Decode(States.Base64Encode($.s))`, `{"s":"round trip é"}`},
		{`States.Hash($.d, 'SHA-512')`, `{"d":"input data"}`},
		{`States.JsonMerge($.a, $.b, false)`, `{"a":{"x":1},"b":{"x":2,"y":3}}`},
		{`States.MathRandom(-2147483648, 2147483647, 9223372036854775807)`, `{}`},
		{`States.MathRandom(1, 10)`, `{}`},
		{`States.MathAdd(1.5, -2147483648)`, `{}`},
		{`States.StringSplit('a,b;;c', ',;')`, `{}`},
		{`States.UUID()`, `{}`},
		{`States.Array($var.a[0], $other)`, `{}`},
		{`States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))`, `{}`},
		{`States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array()))))))))) `, `{}`},
		{`States.Format('a`, `{}`},
		{`States.Nope(`, `{}`},
		{`States.Array($['a b'], $.c[?(@.d == 'x, y)')])`, `{"a b":1,"c":[{"d":"x, y)"}]}`},
	} {
		f.Add(seed.expr, []byte(seed.doc))
	}
	ctxObj, _ := decodeJSON([]byte(`{"Execution":{"Name":"run-1"},"StateMachine":{"Name":"my-machine-v2"}}`))
	f.Fuzz(func(t *testing.T, expr string, doc []byte) {
		in, err := compileIntrinsic(expr)
		if err != nil {
			return
		}
		if in.text != expr {
			t.Fatalf("compiled text %q, want %q", in.text, expr)
		}
		input, err := decodeJSON(doc)
		if err != nil {
			input = newObject(0)
		}
		vars := map[string]any{"var": input}
		scope := &intrinsicScope{
			input:    input,
			context:  func() any { return ctxObj },
			variable: func(name string) (any, bool) { v, ok := vars[name]; return v, ok },
			rand:     bytes.NewReader(bytes.Repeat([]byte{0xa5}, 1024)),
		}
		v, err := in.eval(scope)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Name != ErrNameRuntime {
				t.Fatalf("%s: error %v is not a States.Runtime failure", expr, err)
			}
			return
		}
		// encodeJSON panics on anything that is not a JSON value of the runtime.
		if _, err := decodeJSON(encodeJSON(v)); err != nil {
			t.Fatalf("%s: result %s is not JSON: %v", expr, encodeJSON(v), err)
		}
	})
}
