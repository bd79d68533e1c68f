package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
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

// object is a JSON object that remembers the order of its keys.
type object struct {
	keys []string
	vals map[string]any
}

func newObject(capacity int) *object {
	return &object{keys: make([]string, 0, capacity), vals: make(map[string]any, capacity)}
}

func (o *object) get(key string) (any, bool) {
	v, ok := o.vals[key]
	return v, ok
}

// set adds or replaces a key; a replaced key keeps its position. Only for objects under
// construction: built values are shared and must not change.
func (o *object) set(key string, v any) {
	if _, ok := o.vals[key]; !ok {
		o.keys = append(o.keys, key)
	}
	o.vals[key] = v
}

func (o *object) len() int { return len(o.keys) }

// with returns a copy of o in which key holds v.
func (o *object) with(key string, v any) *object {
	c := &object{keys: make([]string, len(o.keys), len(o.keys)+1), vals: make(map[string]any, len(o.vals)+1)}
	copy(c.keys, o.keys)
	for k, val := range o.vals {
		c.vals[k] = val
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
	// Unmarshal checks the whole text first and reports offsets from its start; the
	// Decoder (needed for key order) reports them from its buffer, which is no use to a
	// user looking for the mistake.
	if err := json.Unmarshal(data, new(json.RawMessage)); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, &syntaxError{se.Error(), se.Offset}
		}
		return nil, &syntaxError{err.Error(), int64(len(data))}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, &syntaxError{err.Error(), dec.InputOffset()}
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
			o := newObject(4)
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, _ := kt.(string)
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				o.set(key, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return o, nil
		case '[':
			arr := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return arr, nil
		}
		return nil, &syntaxError{fmt.Sprintf("invalid character %q", rune(t)), dec.InputOffset()}
	default:
		return t, nil // nil, bool, string, json.Number
	}
}

// encodeJSON writes v as compact JSON, escaping strings as Jackson does (only quotes,
// backslashes and control characters), so cause texts quote inputs as AWS does.
func encodeJSON(v any) []byte {
	var b bytes.Buffer
	writeJSON(&b, v)
	return b.Bytes()
}

func jsonText(v any) string { return string(encodeJSON(v)) }

func writeJSON(b *bytes.Buffer, v any) {
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if t {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case string:
		writeString(b, t)
	case json.Number:
		b.WriteString(string(t))
	case []any:
		b.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSON(b, e)
		}
		b.WriteByte(']')
	case *object:
		b.WriteByte('{')
		for i, k := range t.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, k)
			b.WriteByte(':')
			writeJSON(b, t.vals[k])
		}
		b.WriteByte('}')
	default:
		// Only the types above are ever built; anything else is a bug worth seeing.
		panic(fmt.Sprintf("runtime: not a JSON value: %T", v))
	}
}

func writeString(b *bytes.Buffer, s string) {
	const hex = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b.WriteString(`\ufffd`)
			} else {
				b.WriteString(s[i : i+size])
			}
			i += size
			continue
		}
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if c < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&0xf])
			} else {
				b.WriteByte(c)
			}
		}
		i++
	}
	b.WriteByte('"')
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
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		c, err := compareNumbers(x, y)
		return err == nil && c == 0
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case *object:
		y, ok := b.(*object)
		if !ok || x.len() != y.len() {
			return false
		}
		for k, v := range x.vals {
			w, ok := y.vals[k]
			if !ok || !jsonEqual(v, w) {
				return false
			}
		}
		return true
	default:
		return a == b
	}
}

var errNotANumber = errors.New("not a number")

// compareNumbers compares two JSON numbers by value. Big floats keep integers beyond 2^53
// and long decimals apart, and exponents such as 1e400 cost nothing.
func compareNumbers(a, b json.Number) (int, error) {
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
