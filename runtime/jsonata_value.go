package runtime

import (
	"encoding/json"

	"github.com/stepstudio/stepstudio/runtime/jsonata"
)

// The runtime keeps JSON as nil/bool/string/json.Number/[]any/*object; the JSONata engine
// has its own model (*jsonata.Object, float64). Values cross at the edge of every
// evaluation, both ways.

// toJSONata converts a runtime value into the engine's model. Numbers become float64, as
// JavaScript holds them: that is what AWS's jsonata.js computes with.
func toJSONata(v any) any {
	switch t := v.(type) {
	case *object:
		o := jsonata.NewObject()
		for _, m := range t.members {
			o.Set(m.key, toJSONata(m.val))
		}
		return o
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = toJSONata(e)
		}
		return out
	case json.Number:
		f, _ := t.Float64()
		return f
	}
	return v
}

// fromJSONata converts an engine result into a runtime value; ok is false for what JSON
// cannot hold (a function). Numbers are written as JavaScript prints them (1e21, 0.1),
// which is how AWS shows JSONata results.
func fromJSONata(v any) (out any, ok bool) {
	switch t := v.(type) {
	case nil, bool, string:
		return t, true
	case float64:
		return json.Number(jsonata.ToJSON(t)), true
	case []any:
		items := make([]any, len(t))
		for i, e := range t {
			if items[i], ok = fromJSONata(e); !ok {
				return nil, false
			}
		}
		return items, true
	case *jsonata.Object:
		o := newObject(t.Len())
		for _, k := range t.Keys() {
			e, _ := t.Get(k)
			c, ok := fromJSONata(e)
			if !ok {
				return nil, false
			}
			o.members = append(o.members, member{k, c})
		}
		o.indexLarge()
		return o, true
	}
	return nil, false
}
