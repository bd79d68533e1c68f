package runtime

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/stepstudio/stepstudio/runtime/jsonata"
)

// The runtime keeps JSON as nil/bool/string/json.Number/[]any/*object; the JSONata engine
// has its own model (*jsonata.Object, float64). Values cross at the edge of every
// evaluation: in, the engine reads runtime values itself (json.Number, []any, and
// *object through jsonata.Members); out, fromJSONata converts its results.

// Len and Member let the engine read a runtime object straight into its own model
// (jsonata.Members), without a conversion of the runtime's first.
func (o *object) Len() int { return len(o.members) }

// Member returns the i-th key and value.
func (o *object) Member(i int) (string, any) { return o.members[i].key, o.members[i].val }

// CanonicalJSON and SetCanonicalJSON remember, on an object that never changes, whether
// JavaScript reads its JSON the same (jsonata.CanonicalCache), so an object that flows
// through JSONata states unchanged is checked once.
func (o *object) CanonicalJSON() (canonical, known bool) {
	switch o.canonical.Load() {
	case 1:
		return true, true
	case 2:
		return false, true
	}
	return false, false
}

// SetCanonicalJSON remembers the answer.
func (o *object) SetCanonicalJSON(canonical bool) {
	if canonical {
		o.canonical.Store(1)
	} else {
		o.canonical.Store(2)
	}
}

// fromJSONata converts an engine result into a runtime value; ok is false for what JSON
// cannot hold (a function). Numbers are written as JavaScript prints them (1e21, 0.1),
// which is how AWS shows JSONata results.
func fromJSONata(v any) (out any, ok bool) {
	switch t := v.(type) {
	case nil, bool, string:
		return t, true
	case float64:
		if t == math.Trunc(t) && math.Abs(t) < 1e15 {
			return json.Number(strconv.FormatInt(int64(t), 10)), true // as JavaScript writes it; -0 too
		}
		return json.Number(jsonata.ToJSON(t)), true
	case []any:
		items := make([]any, len(t))
		for i, e := range t {
			if items[i], ok = fromJSONata(e); !ok {
				return nil, false
			}
		}
		return items, true
	case *object:
		// An object of the state's data that the expression passed on unchanged, and whose
		// JSON reads the same in JavaScript (the engine checked): shared, not copied.
		return t, true
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
