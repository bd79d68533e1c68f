package jsonata

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// undefinedType is the type of Undefined.
type undefinedType struct{}

// Undefined is the value of an expression that has no result. It is distinct
// from JSON null, which is nil.
var Undefined = undefinedType{}

// Object is a JSON object that keeps its keys in insertion order. Most objects have a few
// keys, which a linear search finds faster than a map and which cost no map to build
// (converting a state's input builds one per JSON object); a larger one also has an index.
type Object struct {
	keys  []string
	vals  []any          // vals[i] is the value of keys[i]
	index map[string]int // key -> position, when the object has more than indexedKeys keys
	// view is the caller's object (Members) this one was read from, while it stands for
	// it unchanged: its members are read when first needed (pending until then), and an
	// unchanged view goes back to the caller as the caller's own object. A state's
	// expression that reads two fields of a large input, or passes it on, then costs what
	// it reads, not the input's size.
	view    Members
	pending bool
}

// load reads a pending view's members; nested objects become views in turn.
func (o *Object) load() {
	if !o.pending {
		return
	}
	o.pending = false
	n := o.view.Len()
	if cap(o.keys) >= n && cap(o.vals) >= n {
		// room set aside when the view was made (newViews)
	} else if n <= 4 {
		s := &struct {
			k [4]string
			v [4]any
		}{}
		o.keys, o.vals = s.k[:0:n], s.v[:0:n]
	} else {
		o.keys, o.vals = make([]string, 0, n), make([]any, 0, n)
	}
	fillMembers(o, o.view)
}

// values returns the values in key order. The caller must not modify it.
func (o *Object) values() []any {
	o.load()
	return o.vals
}

// indexedKeys is the number of keys beyond which an object keeps an index.
const indexedKeys = 12

// NewObject returns an empty object.
func NewObject() *Object { return &Object{} }

// newObjectCap returns an empty object with room for n keys. A small one is one
// allocation, its keys and values stored with it: converting a state's input makes one
// per JSON object, most of them small.
func newObjectCap(n int) *Object {
	if n <= 4 {
		s := &struct {
			o Object
			k [4]string
			v [4]any
		}{}
		s.o.keys, s.o.vals = s.k[:0], s.v[:0]
		return &s.o
	}
	return &Object{keys: make([]string, 0, n), vals: make([]any, 0, n)}
}

// find returns the position of key, or -1.
func (o *Object) find(key string) int {
	o.load()
	if o.index != nil {
		if i, ok := o.index[key]; ok {
			return i
		}
		return -1
	}
	for i, k := range o.keys {
		if k == key {
			return i
		}
	}
	return -1
}

// Get returns the value of key and whether it is present.
func (o *Object) Get(key string) (any, bool) {
	if i := o.find(key); i >= 0 {
		return o.vals[i], true
	}
	return nil, false
}

// value returns the value of key, nil when absent.
func (o *Object) value(key string) any {
	v, _ := o.Get(key)
	return v
}

// Set sets key to v. A new key goes last, except that keys which are
// array indexes ("0", "42") come first in numeric order, as in a JavaScript
// object, so that results keep jsonata.js's key order.
func (o *Object) Set(key string, v any) {
	o.load()
	o.view = nil // changed: no longer the caller's object
	o.put(key, v)
}

// put is Set on an object being built.
func (o *Object) put(key string, v any) {
	if i := o.find(key); i >= 0 {
		o.vals[i] = v
		return
	}
	i := len(o.keys)
	if n, ok := arrayIndex(key); ok {
		i = 0
		for i < len(o.keys) {
			m, isIndex := arrayIndex(o.keys[i])
			if !isIndex || m > n {
				break
			}
			i++
		}
	}
	if i == len(o.keys) {
		o.keys = append(o.keys, key)
		o.vals = append(o.vals, v)
		if o.index != nil {
			o.index[key] = i
		}
	} else {
		o.keys = slices.Insert(o.keys, i, key)
		o.vals = slices.Insert(o.vals, i, v)
		o.index = nil // positions moved: rebuilt below
	}
	if o.index == nil && len(o.keys) > indexedKeys {
		o.reindex()
	}
}

// reindex builds the index of a large object.
func (o *Object) reindex() {
	o.index = make(map[string]int, len(o.keys))
	for i, k := range o.keys {
		o.index[k] = i
	}
}

// arrayIndex reports whether key is a canonical array index, a key that
// JavaScript orders numerically before all others.
func arrayIndex(key string) (uint64, bool) {
	if key == "" || len(key) > 10 || (key[0] == '0' && len(key) > 1) {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, n < 1<<32-1
}

// Delete removes key.
func (o *Object) Delete(key string) {
	i := o.find(key)
	if i < 0 {
		return
	}
	o.view = nil
	// Copies, not in place: the slices may be shared with a clone's source.
	o.keys = append(o.keys[:i:i], o.keys[i+1:]...)
	o.vals = append(o.vals[:i:i], o.vals[i+1:]...)
	o.index = nil
	if len(o.keys) > indexedKeys {
		o.reindex()
	}
}

// Keys returns the keys in insertion order. The caller must not modify it.
func (o *Object) Keys() []string {
	o.load()
	return o.keys
}

// Len returns the number of keys.
func (o *Object) Len() int {
	if o.pending {
		return o.view.Len()
	}
	return len(o.keys)
}

// Function is a function value: a lambda, a built-in, a partial application
// or a Go function bound by the caller. Functions may be returned by Eval and
// passed back in bindings.
type Function interface{ isFunction() }

// Members is an object of the caller's own JSON model that Eval may take as
// input or in bindings without the caller converting it first: it is read
// once, member by member, into this package's model (its values may be
// Members too). Member(i) returns the i-th key and value, i < Len().
type Members interface {
	Len() int
	Member(i int) (key string, value any)
}

// GoFunc is a Go function that can be bound to a $name in Eval's bindings.
// It receives and returns values of this package's external model.
type GoFunc func(args ...any) (any, error)

// jnull is JSON null inside the evaluator, where Go's nil means undefined.
type jnullType struct{}

var jnull = jnullType{}

// arr is the evaluator's array: a JSON array or a JSONata sequence.
type arr struct {
	items         []any
	seq           bool // a sequence (collapses to its one item)
	keepSingleton bool
	cons          bool // built by an array constructor
	outerWrapper  bool
	tupleStream   bool // items are tuple values
}

// tuple binds names for a step of a path that uses @, # or %.
type tuple map[string]any

func newSeq(items ...any) *arr { return &arr{items: items, seq: true} }

// fillMembers converts the members of x into the empty object o.
func fillMembers(o *Object, x Members) {
	n := x.Len()
	for i := range n {
		k, e := x.Member(i)
		if _, isIndex := arrayIndex(k); isIndex || n > indexedKeys {
			o.put(k, toInternal(e)) // ordered as JavaScript orders it, or indexed
			continue
		}
		// Members have distinct keys: the common case appends.
		o.keys = append(o.keys, k)
		o.vals = append(o.vals, toInternal(e))
	}
}

// views makes the views of the objects of a list (a state's items, say), with room for
// their members, in three allocations instead of one or two per object.
type views struct {
	objects []Object
	keys    []string
	vals    []any
}

// newViews sizes the views of list's objects; nil when it has few.
func newViews(list []any) *views {
	count, total := 0, 0
	for _, e := range list {
		if m, ok := e.(Members); ok {
			count++
			total += m.Len()
		}
	}
	if count < 4 {
		return nil
	}
	return &views{objects: make([]Object, count), keys: make([]string, total), vals: make([]any, total)}
}

// next is the view of m, the list's next object.
func (v *views) next(m Members) *Object {
	o := &v.objects[0]
	v.objects = v.objects[1:]
	n := m.Len()
	// Each view's room has its exact capacity: a key added later moves that object's out.
	o.keys, o.vals = v.keys[:0:n], v.vals[:0:n]
	v.keys, v.vals = v.keys[n:], v.vals[n:]
	o.view, o.pending = m, true
	return o
}

// toInternal converts an external value into the evaluator's model.
func toInternal(v any) any {
	switch x := v.(type) {
	case nil:
		return jnull
	case undefinedType:
		return nil
	case []any:
		a := &arr{items: make([]any, len(x))}
		views := newViews(x)
		for i, e := range x {
			if m, ok := e.(Members); ok && views != nil {
				a.items[i] = views.next(m)
				continue
			}
			a.items[i] = toInternal(e)
		}
		return a
	case *Object:
		o := &Object{keys: slices.Clone(x.Keys()), vals: make([]any, x.Len())}
		for i, e := range x.values() {
			o.vals[i] = toInternal(e)
		}
		if len(o.keys) > indexedKeys {
			o.reindex()
		}
		return o
	case Members:
		return &Object{view: x, pending: true}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := NewObject()
		for _, k := range keys {
			o.Set(k, toInternal(x[k]))
		}
		return o
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case float32:
		return float64(x)
	case json.Number:
		f, _ := x.Float64()
		return f
	case GoFunc:
		return &native{name: "", fn: func(_ *call, args []any) (any, error) {
			ext := make([]any, len(args))
			for i, a := range args {
				ext[i] = Undefined
				if a != nil {
					ext[i] = toExternal(a)
				}
			}
			r, err := x(ext...)
			if err != nil {
				return nil, err
			}
			return toInternal(r), nil
		}, arity: -1}
	case func(args ...any) (any, error):
		return toInternal(GoFunc(x))
	}
	return v
}

// toExternal converts an evaluator value to the external model.
func toExternal(v any) any {
	switch x := v.(type) {
	case nil, jnullType:
		return nil
	case *arr:
		out := make([]any, 0, len(x.items))
		for _, e := range x.items {
			// an undefined item (a regex group that took no part in a
			// match) is JSON null, as JSON.stringify writes it
			out = append(out, toExternal(e))
		}
		return out
	case *Object:
		if x.view != nil && canonicalJSON(x.view) {
			return x.view // unchanged, and JSON text that JavaScript would write the same
		}
		o := newObjectCap(x.Len())
		vals := x.values()
		for ki, k := range x.keys {
			e := vals[ki]
			if e == nil {
				continue
			}
			o.keys = append(o.keys, k)
			o.vals = append(o.vals, toExternal(e))
		}
		if len(o.keys) > indexedKeys {
			o.reindex()
		}
		return o
	}
	return v
}

// FromJSON decodes JSON text into the value model, keeping object key order.
func FromJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, fmt.Errorf("jsonata: decode JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("jsonata: decode JSON: trailing data")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := NewObject()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				o.Set(k, v)
			}
			_, err := dec.Token()
			return o, err
		case '[':
			a := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := dec.Token()
			return a, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case json.Number:
		f, err := strconv.ParseFloat(string(t), 64)
		if err != nil && !strings.Contains(err.Error(), "range") {
			return nil, err
		}
		return f, nil
	default:
		return t, nil
	}
}

// ToJSON encodes a value as JSON text as JSON.stringify does: object keys in
// order, numbers as JavaScript prints doubles (1e+21, 0.30000000000000004,
// -0 as 0), infinities as null, members that are Undefined or functions left
// out, and such array items written as null. Undefined alone is "null".
func ToJSON(v any) []byte {
	var b strings.Builder
	writeJSON(&b, toInternal(v), "", "", false)
	return []byte(b.String())
}

// ToJSONIndent is ToJSON with indentation.
func ToJSONIndent(v any, indent string) []byte {
	var b strings.Builder
	writeJSON(&b, toInternal(v), indent, "", false)
	return []byte(b.String())
}

// writeJSON writes an internal value as JSON.stringify would; when prec15
// is set, numbers are first rounded to 15 significant digits as $string does.
func writeJSON(b *strings.Builder, v any, indent, cur string, prec15 bool) {
	switch x := v.(type) {
	case nil, jnullType:
		b.WriteString("null")
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case float64:
		if prec15 {
			x = toPrecision15(x) // which may round the largest numbers up to Infinity
		}
		if math.IsInf(x, 0) || math.IsNaN(x) {
			b.WriteString("null")
			return
		}
		b.WriteString(formatNumber(x))
	case string:
		writeJSONString(b, x)
	case *arr:
		b.WriteByte('[')
		inner := cur + indent
		first := true
		for _, e := range x.items {
			if !first {
				b.WriteByte(',')
			}
			first = false
			if indent != "" {
				b.WriteString("\n" + inner)
			}
			if e == nil || (isFunc(e) && !prec15) {
				b.WriteString("null")
			} else {
				writeJSON(b, e, indent, inner, prec15)
			}
		}
		if indent != "" && len(x.items) > 0 {
			b.WriteString("\n" + cur)
		}
		b.WriteByte(']')
	case *Object:
		b.WriteByte('{')
		inner := cur + indent
		first := true
		vals := x.values()
		for ki, k := range x.keys {
			e := vals[ki]
			if e == nil || (isFunc(e) && !prec15) {
				continue
			}
			if !first {
				b.WriteByte(',')
			}
			first = false
			if indent != "" {
				b.WriteString("\n" + inner)
			}
			writeJSONString(b, k)
			b.WriteByte(':')
			if indent != "" {
				b.WriteByte(' ')
			}
			writeJSON(b, e, indent, inner, prec15)
		}
		if indent != "" && !first {
			b.WriteString("\n" + cur)
		}
		b.WriteByte('}')
	default:
		if isFunc(v) {
			b.WriteString(`""`)
			return
		}
		b.WriteString("null")
	}
}

func writeJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20:
			fmt.Fprintf(b, `\u%04x`, r)
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(b, `\u%04x`, s[i])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
}

// formatNumber prints a double as JavaScript's Number.prototype.toString.
func formatNumber(f float64) string {
	if f == 0 {
		return "0"
	}
	if math.IsNaN(f) {
		return "NaN"
	}
	if math.IsInf(f, 1) {
		return "Infinity"
	}
	if math.IsInf(f, -1) {
		return "-Infinity"
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // d.ddddde±XX, shortest round-trip
	neg := false
	if s[0] == '-' {
		neg = true
		s = s[1:]
	}
	epos := strings.IndexByte(s, 'e')
	mant, exp := s[:epos], s[epos+1:]
	digits := strings.Replace(mant, ".", "", 1)
	e, _ := strconv.Atoi(exp)
	n := e + 1 // position of the decimal point relative to digits
	k := len(digits)
	var out string
	switch {
	case k <= n && n <= 21:
		out = digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		out = digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		out = "0." + strings.Repeat("0", -n) + digits
	default:
		sign := "+"
		if n-1 < 0 {
			sign = "-"
		}
		ee := n - 1
		if ee < 0 {
			ee = -ee
		}
		if k == 1 {
			out = digits + "e" + sign + strconv.Itoa(ee)
		} else {
			out = digits[:1] + "." + digits[1:] + "e" + sign + strconv.Itoa(ee)
		}
	}
	if neg {
		return "-" + out
	}
	return out
}

// toPrecision15 rounds to 15 significant digits, as Number(x.toPrecision(15)).
func toPrecision15(f float64) float64 {
	if f == 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return f
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	return r
}

func isFunc(v any) bool {
	switch v.(type) {
	case *lambda, *native:
		return true
	}
	return false
}

func isArr(v any) bool { _, ok := v.(*arr); return ok }

func isNumber(v any) bool {
	f, ok := v.(float64)
	return ok && !math.IsNaN(f) && !math.IsInf(f, 0)
}

func isSeq(v any) bool { a, ok := v.(*arr); return ok && a.seq }

// deepEqual is jsonata's isDeepEqual: arrays in order, objects by key set.
func deepEqual(a, b any) bool {
	switch x := a.(type) {
	case *arr:
		y, ok := b.(*arr)
		if !ok || len(x.items) != len(y.items) {
			return false
		}
		for i := range x.items {
			if !deepEqual(x.items[i], y.items[i]) {
				return false
			}
		}
		return true
	case *Object:
		y, ok := b.(*Object)
		if !ok {
			return false
		}
		if x == y {
			return true
		}
		if x.Len() != y.Len() {
			return false
		}
		vals := x.values()
		for i, k := range x.keys {
			w, ok := y.Get(k)
			if !ok || !deepEqual(vals[i], w) {
				return false
			}
		}
		return true
	case float64:
		y, ok := b.(float64)
		return ok && x == y
	case string, bool, jnullType:
		return a == b
	case nil:
		return b == nil
	}
	return a == b
}
