package runtime

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/big"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// The runtime's JSON values are plain Go values:
//
//	nil (null), bool, string, json.Number, []any, *object
//
// Objects keep their key order because AWS's runtime (Jackson) does: outputs, history
// strings and the input quoted in cause texts list keys as they came in. Numbers stay
// json.Number so that 1.0, 1e3 and integers beyond 2^53 come out as they went in.
// Values are never changed once built; every operation returns a new value and shares the
// untouched parts, so one state's output can be the next state's input without copying.

// object is a JSON object that remembers the order of its keys. Its members are a slice in
// that order: most objects have a handful of keys, which a linear search finds faster than a
// map, and building one is a single allocation. An object with more than indexedKeys keys also
// has an index by key, so a large object costs no more to search or build than a map.
type object struct {
	members []member
	index   map[string]int // key -> position in members; nil while small
	// size caches jsonSize of the whole object, plus one (0: not known yet). Values are
	// shared, read-only, between goroutines (Map iterations, Parallel branches), hence
	// atomic. A payload check at every state then costs only what changed.
	size atomic.Int64
	// canonical caches whether JavaScript reads the object's JSON the same (0: not known,
	// 1: yes, 2: no), for JSONata results that pass it on (jsonata.CanonicalCache).
	canonical atomic.Int32
	// text is the object's compact JSON when the decoder read it written so (no white
	// space, no escapes, no repeated key): encoding it is then a copy, and a document that
	// flows through states mostly unchanged is not re-encoded piece by piece.
	text string
}

// member is a key of an object and its value.
type member struct {
	key string
	val any
}

// indexedKeys is the number of keys beyond which an object keeps an index.
const indexedKeys = 16

func newObject(capacity int) *object {
	return &object{members: make([]member, 0, capacity)}
}

// find returns the position of key in o.members, or -1.
func (o *object) find(key string) int {
	if o.index != nil {
		if i, ok := o.index[key]; ok {
			return i
		}
		return -1
	}
	for i := range o.members {
		if o.members[i].key == key {
			return i
		}
	}
	return -1
}

func (o *object) get(key string) (any, bool) {
	if i := o.find(key); i >= 0 {
		return o.members[i].val, true
	}
	return nil, false
}

// set adds or replaces a key; a replaced key keeps its position. Only for objects under
// construction: built values are shared and must not change.
func (o *object) set(key string, v any) {
	o.size.Store(0)
	o.text = ""
	if i := o.find(key); i >= 0 {
		o.members[i].val = v
		return
	}
	o.members = append(o.members, member{key, v})
	if o.index != nil {
		o.index[key] = len(o.members) - 1
	} else {
		o.indexLarge()
	}
}

// indexLarge gives an object whose members were appended the index set would have made.
func (o *object) indexLarge() {
	if len(o.members) > indexedKeys && o.index == nil {
		o.index = make(map[string]int, len(o.members))
		for i, m := range o.members {
			o.index[m.key] = i
		}
	}
}

func (o *object) len() int { return len(o.members) }

// with returns a copy of o in which key holds v.
func (o *object) with(key string, v any) *object {
	c := &object{members: make([]member, len(o.members), len(o.members)+1)}
	copy(c.members, o.members)
	if o.index != nil {
		c.index = maps.Clone(o.index)
	}
	c.set(key, v)
	return c
}

// syntaxError is JSON that does not parse, with the byte offset where it broke.
type syntaxError struct {
	msg    string
	offset int64
}

func (e *syntaxError) Error() string { return e.msg }

// decodeJSON decodes one JSON value; anything but white space after it is an error. Errors
// are *syntaxError.
func decodeJSON(data []byte) (any, error) {
	d := decoders.Get().(*valueDecoder)
	d.text = string(data)
	v, ok := d.document()
	d.reset()
	decoders.Put(d)
	if ok {
		return v, nil
	}
	// The decoder only tells that the text is not JSON; encoding/json says what is wrong
	// and where, counting from the start of the text.
	err := json.Unmarshal(data, new(json.RawMessage))
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return nil, &syntaxError{se.Error(), se.Offset}
	}
	if err == nil {
		// The decoder accepts exactly what encoding/json accepts (FuzzDecodeJSON).
		err = errors.New("runtime: the JSON decoder refused valid JSON")
	}
	return nil, &syntaxError{err.Error(), int64(len(data))}
}

// maxJSONDepth is how deeply encoding/json lets arrays and objects nest; the runtime
// accepts the same texts.
const maxJSONDepth = 10000

// valueDecoder builds the runtime's JSON values (ordered *object, []any, string,
// json.Number, bool, nil) from text, checking it as it goes, in one pass. Strings and
// numbers are slices of the text, which is copied once: a document costs one allocation
// per object, array and boxed scalar, not one more per string.
// decoders keep their stacks from one document to the next.
var decoders = sync.Pool{New: func() any { return new(valueDecoder) }}

type valueDecoder struct {
	text string
	pos  int
	// members and items hold the members and elements of the objects and arrays being
	// read (those of the enclosing ones below them), so that each object and array is
	// allocated once, at its final size.
	members []member
	items   []any
	// objects, objectMembers and arrayItems are chunks the decoded objects, their members
	// and the arrays' elements are cut from: a document of many small objects costs a few
	// allocations per chunk instead of three per object. Chunks are sized by the text, so a
	// small document does not hold a large chunk; a short one counts what it needs.
	objects       []object
	objectMembers []member
	arrayItems    []any
	counted       bool
	objectsLeft   int // at most this many objects remain to allocate (short texts)
	membersLeft   int // at most this many members
	// irregular counts what makes a text other than the encoder's: white space, escapes,
	// bytes that are not UTF-8, repeated keys. An object during which it did not change
	// keeps its text.
	irregular int
}

// chunkFor is how many values of a chunk to allocate, for a text of n bytes, when one takes
// at least per bytes of it: no more than the text could need, no more than most.
func chunkFor(n, per, most int) int { return min(max(n/per, 1), most) }

// shortText is the length up to which a text's objects and members are counted (a fast
// scan) to allocate exactly what it holds.
const shortText = 4096

// count counts, in a short text, the braces and colons that bound its objects and members.
func (d *valueDecoder) count() {
	if !d.counted && len(d.text) <= shortText {
		d.objectsLeft, d.membersLeft = strings.Count(d.text, "{"), strings.Count(d.text, ":")
	}
	d.counted = true
}

// take is the size of the next chunk: what a short text has left, or by its length.
func (d *valueDecoder) take(left *int, byLength int) int {
	d.count()
	if len(d.text) > shortText {
		return byLength
	}
	n := max(*left, 1)
	*left -= n
	return n
}

// reset drops the document and keeps the stacks, cleared (they must not keep its values),
// unless a large document made them large.
func (d *valueDecoder) reset() {
	members, items := d.members[:cap(d.members)], d.items[:cap(d.items)]
	if len(members) > keptStack {
		members = nil
	}
	if len(items) > keptStack {
		items = nil
	}
	clear(members)
	clear(items)
	*d = valueDecoder{members: members[:0], items: items[:0]}
}

// keptStack is the largest stack a decoder keeps for the next document.
const keptStack = 256

func (d *valueDecoder) newObject() *object {
	if len(d.objects) == 0 {
		d.objects = make([]object, d.take(&d.objectsLeft, chunkFor(len(d.text), 32, 64)))
	}
	o := &d.objects[0]
	d.objects = d.objects[1:]
	return o
}

// memberSlice copies members into a slice of their own (cut from a chunk: an object never
// appends to its members, set copies first).
func (d *valueDecoder) memberSlice(members []member) []member {
	n := len(members)
	if n > len(d.objectMembers) {
		if n > 64 {
			return slices.Clone(members)
		}
		d.objectMembers = make([]member, max(n, d.take(&d.membersLeft, chunkFor(len(d.text), 8, 256))))
	}
	out := d.objectMembers[:n:n]
	d.objectMembers = d.objectMembers[n:]
	copy(out, members)
	return out
}

// itemSlice does for an array's elements what memberSlice does for members.
func (d *valueDecoder) itemSlice(items []any) []any {
	n := len(items)
	if n > len(d.arrayItems) {
		if n > 64 {
			return slices.Clone(items)
		}
		d.arrayItems = make([]any, max(n, chunkFor(len(d.text), 4, 256)))
	}
	out := d.arrayItems[:n:n]
	d.arrayItems = d.arrayItems[n:]
	copy(out, items)
	return out
}

// document reads the whole text as one value; ok is false when it is not JSON.
func (d *valueDecoder) document() (v any, ok bool) {
	v, ok = d.value(0)
	d.skipSpace()
	return v, ok && d.pos == len(d.text)
}

func (d *valueDecoder) skipSpace() {
	start := d.pos
	for d.pos < len(d.text) {
		switch d.text[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
			continue
		}
		break
	}
	if d.pos > start {
		d.irregular++
	}
}

// next skips white space and returns the byte after it (0 at the end).
func (d *valueDecoder) next() byte {
	// Compact text has no white space: the common case returns at once.
	if d.pos < len(d.text) && d.text[d.pos] > ' ' {
		return d.text[d.pos]
	}
	d.skipSpace()
	if d.pos < len(d.text) {
		return d.text[d.pos]
	}
	return 0
}

// value reads a value inside depth arrays and objects.
func (d *valueDecoder) value(depth int) (any, bool) {
	switch d.next() {
	case '{':
		return d.object(depth + 1)
	case '[':
		return d.array(depth + 1)
	case '"':
		s, ok := d.string()
		return s, ok
	case 't':
		return true, d.literal("true")
	case 'f':
		return false, d.literal("false")
	case 'n':
		return nil, d.literal("null")
	}
	n, ok := d.number()
	return n, ok
}

func (d *valueDecoder) object(depth int) (any, bool) {
	if depth > maxJSONDepth {
		return nil, false
	}
	start, irregular := d.pos, d.irregular
	d.pos++ // '{'
	base := len(d.members)
	defer func() { d.members = d.members[:base] }()
	if d.next() == '}' {
		d.pos++
		return newObject(0), true
	}
	var index map[string]int // once the object has more than indexedKeys keys
	for {
		if d.next() != '"' {
			return nil, false
		}
		key, ok := d.string()
		if !ok || d.next() != ':' {
			return nil, false
		}
		d.pos++
		v, ok := d.value(depth)
		if !ok {
			return nil, false
		}
		// A repeated key keeps its first place and takes the later value.
		own := d.members[base:]
		at := -1
		if index != nil {
			if i, dup := index[key]; dup {
				at = i
			}
		} else {
			for i := range own {
				if own[i].key == key {
					at = i
					break
				}
			}
		}
		switch {
		case at >= 0:
			own[at].val = v
			d.irregular++
		default:
			d.members = append(d.members, member{key, v})
			if index != nil {
				index[key] = len(own)
			} else if len(own)+1 > indexedKeys {
				index = make(map[string]int, 2*indexedKeys)
				for i, m := range d.members[base:] {
					index[m.key] = i
				}
			}
		}
		switch d.next() {
		case ',':
			d.pos++
		case '}':
			d.pos++
			o := d.newObject()
			o.members, o.index = d.memberSlice(d.members[base:]), index
			if d.irregular == irregular {
				o.text = d.text[start:d.pos]
			}
			return o, true
		default:
			return nil, false
		}
	}
}

func (d *valueDecoder) array(depth int) (any, bool) {
	if depth > maxJSONDepth {
		return nil, false
	}
	d.pos++ // '['
	base := len(d.items)
	defer func() { d.items = d.items[:base] }()
	if d.next() == ']' {
		d.pos++
		return []any{}, true
	}
	for {
		v, ok := d.value(depth)
		if !ok {
			return nil, false
		}
		d.items = append(d.items, v)
		switch d.next() {
		case ',':
			d.pos++
		case ']':
			d.pos++
			return d.itemSlice(d.items[base:]), true
		default:
			return nil, false
		}
	}
}

func (d *valueDecoder) literal(word string) bool {
	if !strings.HasPrefix(d.text[d.pos:], word) {
		return false
	}
	d.pos += len(word)
	return true
}

// number reads -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? and keeps its text.
func (d *valueDecoder) number() (json.Number, bool) {
	t, start := d.text, d.pos
	i := start
	if i < len(t) && t[i] == '-' {
		i++
	}
	switch {
	case i < len(t) && t[i] == '0':
		i++
	case i < len(t) && t[i] >= '1' && t[i] <= '9':
		i = skipDigits(t, i+1)
	default:
		return "", false
	}
	if i < len(t) && t[i] == '.' {
		if i++; i >= len(t) || !isDigit(t[i]) {
			return "", false
		}
		i = skipDigits(t, i)
	}
	if i < len(t) && (t[i] == 'e' || t[i] == 'E') {
		i++
		if i < len(t) && (t[i] == '+' || t[i] == '-') {
			i++
		}
		if i >= len(t) || !isDigit(t[i]) {
			return "", false
		}
		i = skipDigits(t, i)
	}
	d.pos = i
	return json.Number(t[start:i]), true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func skipDigits(t string, i int) int {
	for i < len(t) && isDigit(t[i]) {
		i++
	}
	return i
}

// string reads a string literal. One with escapes or bytes that are not UTF-8 is left to
// encoding/json, whose decoding of them (U+FFFD for what is broken) the runtime follows.
func (d *valueDecoder) string() (string, bool) {
	t, start := d.text, d.pos
	i := start + 1
	plain := true
	for {
		// Runs of plain ASCII first, with nothing to decide.
		for i < len(t) && t[i] < utf8.RuneSelf && plainByte[t[i]] {
			i++
		}
		if i >= len(t) {
			return "", false
		}
		c := t[i]
		switch {
		case c == '"':
			d.pos = i + 1
			if plain {
				return t[start+1 : i], true
			}
			d.irregular++
			var s string
			err := json.Unmarshal([]byte(t[start:i+1]), &s)
			return s, err == nil
		case c == '\\':
			plain = false
			if i+1 >= len(t) {
				return "", false
			}
			switch t[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(t) || !isHex4(t[i+2:i+6]) {
					return "", false
				}
				i += 6
			default:
				return "", false
			}
		case c < 0x20:
			return "", false
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRuneInString(t[i:])
			if r == utf8.RuneError && size == 1 {
				plain = false
			}
			i += size
		}
	}
}

func isHex4(s string) bool {
	for i := 0; i < 4; i++ {
		c := s[i]
		if !isDigit(c) && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
			return false
		}
	}
	return true
}

// encodeJSON writes v as compact JSON, escaping strings as Jackson does (only quotes,
// backslashes and control characters), so cause texts quote inputs as AWS does. The text is
// allocated once, at its size (which objects keep).
func encodeJSON(v any) []byte {
	return appendJSON(make([]byte, 0, jsonSize(v, math.MaxInt)), v)
}

func jsonText(v any) string { return string(encodeJSON(v)) }

func appendJSON(b []byte, v any) []byte {
	switch t := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		if t {
			return append(b, "true"...)
		}
		return append(b, "false"...)
	case string:
		return appendString(b, t)
	case json.Number:
		return append(b, t...)
	case []any:
		b = append(b, '[')
		for i, e := range t {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, e)
		}
		return append(b, ']')
	case *object:
		if t.text != "" {
			return append(b, t.text...)
		}
		b = append(b, '{')
		for i, m := range t.members {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, m.key)
			b = append(b, ':')
			b = appendJSON(b, m.val)
		}
		return append(b, '}')
	}
	// Only the types above are ever built; anything else is a bug worth seeing.
	panic(fmt.Sprintf("runtime: not a JSON value: %T", v))
}

// plainByte marks the ASCII bytes a JSON string holds as they are.
var plainByte = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		// Most strings are plain ASCII: copy runs of it at once.
		j := i
		for j < len(s) && s[j] < utf8.RuneSelf && plainByte[s[j]] {
			j++
		}
		b = append(b, s[i:j]...)
		if i = j; i == len(s) {
			break
		}
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, s[i:i+size]...)
			}
			i += size
			continue
		}
		switch c {
		case '"':
			b = append(b, `\"`...)
		case '\\':
			b = append(b, `\\`...)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		case '\t':
			b = append(b, `\t`...)
		case '\b':
			b = append(b, `\b`...)
		case '\f':
			b = append(b, `\f`...)
		default:
			b = append(b, `\u00`...)
			b = append(b, hex[c>>4], hex[c&0xf])
		}
		i++
	}
	return append(b, '"')
}

// jsonSize is len(encodeJSON(v)) without building the text. An array stops counting once
// its size passes limit, which is all a payload-size check needs to know; an object counts
// all of itself, once, and keeps the figure.
func jsonSize(v any, limit int) int {
	switch t := v.(type) {
	case nil:
		return 4
	case bool:
		if t {
			return 4
		}
		return 5
	case string:
		return stringSize(t)
	case json.Number:
		return len(t)
	case []any:
		n := 2 + max(len(t)-1, 0)
		for _, e := range t {
			if n += jsonSize(e, limit-n); n > limit {
				break
			}
		}
		return n
	case *object:
		return t.jsonSize()
	}
	panic(fmt.Sprintf("runtime: not a JSON value: %T", v))
}

// jsonSize is the object's encoded size, computed on first use.
func (o *object) jsonSize() int {
	if o.text != "" {
		return len(o.text)
	}
	if n := o.size.Load(); n > 0 {
		return int(n - 1)
	}
	n := 2 + max(len(o.members)-1, 0)
	for _, m := range o.members {
		n += stringSize(m.key) + 1 + jsonSize(m.val, math.MaxInt)
	}
	o.size.Store(int64(n) + 1)
	return n
}

// stringSize is the length of s written as a JSON string by writeString.
func stringSize(s string) int {
	n := 2
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c < utf8.RuneSelf && plainByte[c]:
			n++
			i++
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				n += len(`\ufffd`)
			} else {
				n += size
			}
			i += size
		case c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f':
			n += 2
			i++
		default:
			n += len(`\u0000`)
			i++
		}
	}
	return n
}

// jsonTypeName names a value's JSON type as AWS's messages do.
func jsonTypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		return "number"
	case []any:
		return "array"
	case *object:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// plainText renders a value the way Jackson's asText does in AWS's messages: strings
// without quotes, everything else as JSON.
func plainText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return jsonText(v)
}

// jsonEqual reports whether two values are the same JSON, numbers by value.
func jsonEqual(a, b any) bool {
	return deepEqual(a, b, func(x, y json.Number) bool {
		c, err := compareNumbers(x, y)
		return err == nil && c == 0
	})
}

// deepEqual compares two JSON values structurally (object key order aside), numbers with
// numbersEqual: the runtime and Java's equals disagree only there.
func deepEqual(a, b any, numbersEqual func(x, y json.Number) bool) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		return ok && numbersEqual(x, y)
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !deepEqual(x[i], y[i], numbersEqual) {
				return false
			}
		}
		return true
	case *object:
		y, ok := b.(*object)
		if !ok || x.len() != y.len() {
			return false
		}
		for _, m := range x.members {
			w, ok := y.get(m.key)
			if !ok || !deepEqual(m.val, w, numbersEqual) {
				return false
			}
		}
		return true
	default:
		return a == b
	}
}

// smallInt reads a number written as an integer of at most 18 digits (which int64 holds
// exactly); ok is false for anything else (a fraction, an exponent, more digits).
func smallInt(n json.Number) (v int64, ok bool) {
	s := string(n)
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	if len(s) == 0 || len(s) > 18 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

var errNotANumber = errors.New("not a number")

// compareNumbers compares two JSON numbers by value. Big floats keep integers beyond 2^53
// and long decimals apart, and exponents such as 1e400 cost nothing.
func compareNumbers(a, b json.Number) (int, error) {
	// Most numbers compared are small integers (counters, indexes): those compare exactly
	// as int64, without the two big.Float parses.
	if x, ok := smallInt(a); ok {
		if y, ok := smallInt(b); ok {
			return cmp.Compare(x, y), nil
		}
	}
	x, ok := new(big.Float).SetPrec(256).SetString(string(a))
	if !ok {
		return 0, errNotANumber
	}
	y, ok := new(big.Float).SetPrec(256).SetString(string(b))
	if !ok {
		return 0, errNotANumber
	}
	return x.Cmp(y), nil
}
