package runtime

import (
	"maps"
	"slices"
	"strconv"
	"testing"

	"github.com/stepstudio/stepstudio/runtime/jsonata"
)

// TestStatesReadsOf checks what an expression is found to reach of $states: finding too
// little would hand it wrong data, so every doubtful use reaches everything.
func TestStatesReadsOf(t *testing.T) {
	t.Parallel()
	all := map[string]bool{"input": true, "result": true, "errorOutput": true}
	tests := []struct {
		src  string
		want statesReads
	}{
		{"$states.input.a + 1", statesReads{keys: map[string][]string{"input": {"a"}}}},
		{"$states.result.v & $states.errorOutput.Error", statesReads{keys: map[string][]string{"result": {"v"}, "errorOutput": {"Error"}}}},
		{"$states . input . a[0].b", statesReads{keys: map[string][]string{"input": {"a"}}}},
		{"$states.input", statesReads{whole: map[string]bool{"input": true}}},
		{"$states.input.*", statesReads{whole: map[string]bool{"input": true}}},
		{"$states.input.`a b`", statesReads{whole: map[string]bool{"input": true}}},
		{"$states.input.a.%.b", statesReads{whole: map[string]bool{"input": true}}},
		{"$states.input.a % 2", statesReads{whole: map[string]bool{"input": true}}},
		{"$states.input.and", statesReads{whole: map[string]bool{"input": true}}},
		{"$states.inputs", statesReads{context: true, whole: all}},
		{"$states.context.State.Name", statesReads{keys: map[string][]string{"context": {"State"}}}},
		{"$states.context", statesReads{context: true}},
		{"$states", statesReads{context: true, whole: all}},
		{"$s := $states; $s.context", statesReads{context: true, whole: all}},
		{`$states.("input")`, statesReads{context: true, whole: all}},
		{`$lookup($states, "input")`, statesReads{context: true, whole: all}},
		{"1 + 2", statesReads{}},
	}
	for _, tt := range tests {
		got := statesReadsOf(tt.src)
		if got.context != tt.want.context || !maps.Equal(got.whole, tt.want.whole) && len(got.whole)+len(tt.want.whole) > 0 ||
			!maps.EqualFunc(got.keys, tt.want.keys, slices.Equal) && len(got.keys)+len(tt.want.keys) > 0 {
			t.Errorf("statesReadsOf(%q) = %+v, want %+v", tt.src, got, tt.want)
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
	return newJSONataEnv(map[string]any{"input": input}, nil, x.vars, jsonata.Limits{})
}
