package runtime

import (
	"strconv"
	"testing"

	"github.com/stepstudio/stepstudio/runtime/jsonata"
)

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

// BenchmarkJSONataField measures one field of a JSONata state from the state's input to
// its value, conversions both ways included, on issue 15's two expressions (jsonata.js on
// Node: about 3.5 µs and 39-79 µs).
func BenchmarkJSONataField(b *testing.B) {
	items := "["
	for i := range 100 {
		if i > 0 {
			items += ","
		}
		items += `{"price":` + strconv.Itoa(i) + `.5}`
	}
	input, err := decodeJSON([]byte(`{"a":1,"items":` + items + `]}`))
	if err != nil {
		b.Fatal(err)
	}
	for _, bm := range []struct{ name, field string }{
		{"plus", `"{% $states.input.a + 1 %}"`},
		{"sum-count", `"{% {\"total\": $sum($states.input.items.price), \"n\": $count($states.input.items)} %}"`},
	} {
		b.Run(bm.name, func(b *testing.B) {
			v, err := decodeJSON([]byte(bm.field))
			if err != nil {
				b.Fatal(err)
			}
			tmpl := compileJSONata(v, "Output", func(_, _, msg string) { b.Fatal(msg) })
			x := &execution{vars: newScope(nil)}
			b.ReportAllocs()
			for b.Loop() {
				env := x.benchEnv(input)
				if _, err := tmpl.eval(env); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchEnv is jsonataEnv without a state visit (no context object).
func (x *execution) benchEnv(input any) *jsonataEnv {
	states := jsonata.NewObject()
	states.Set("input", toJSONata(input))
	b := map[string]any{"states": states}
	for name, f := range awsFunctions {
		b[name] = f
	}
	return &jsonataEnv{states: states, bindings: b, vars: x.vars}
}
