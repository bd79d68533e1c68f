package jsonata

import (
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/stepstudio/stepstudio/runtime/jsonata/xpathfmt"
)

// builtins is the frame of the standard library, shared by all evaluations.
var builtins = newFrame(nil)

func init() {
	def := func(name, sig string, arity int, fn func(c *call, args []any) (any, error)) {
		var s *signature
		if sig != "" {
			var err *Error
			s, err = parseSignature(sig)
			if err != nil {
				panic("jsonata: signature of $" + name + ": " + err.Code)
			}
		}
		builtins.bind(name, &native{name: name, sig: s, fn: fn, arity: arity})
	}
	def("sum", "<a<n>:n>", 1, func(c *call, a []any) (any, error) {
		if a[0] == nil {
			return nil, nil
		}
		t := 0.0
		for _, x := range a[0].(*arr).items {
			t += x.(float64)
		}
		return t, nil
	})
	def("count", "<a:n>", 1, func(c *call, a []any) (any, error) {
		if a[0] == nil {
			return 0.0, nil
		}
		return float64(len(a[0].(*arr).items)), nil
	})
	minmax := func(isMax bool) func(c *call, a []any) (any, error) {
		return func(c *call, a []any) (any, error) {
			if a[0] == nil || len(a[0].(*arr).items) == 0 {
				return nil, nil
			}
			items := a[0].(*arr).items
			r := items[0].(float64)
			for _, x := range items[1:] {
				f := x.(float64)
				if (isMax && f > r) || (!isMax && f < r) {
					r = f
				}
			}
			return r, nil
		}
	}
	def("max", "<a<n>:n>", 1, minmax(true))
	def("min", "<a<n>:n>", 1, minmax(false))
	def("average", "<a<n>:n>", 1, func(c *call, a []any) (any, error) {
		if a[0] == nil || len(a[0].(*arr).items) == 0 {
			return nil, nil
		}
		t := 0.0
		items := a[0].(*arr).items
		for _, x := range items {
			t += x.(float64)
		}
		return t / float64(len(items)), nil
	})
	def("string", "<x-b?:s>", 1, func(c *call, a []any) (any, error) {
		if a[0] == nil {
			return nil, nil
		}
		pretty := len(a) > 1 && a[1] == true
		s, err := stringifyPretty(a[0], pretty)
		if err != nil {
			return nil, err
		}
		return s, nil
	})
	def("substring", "<s-nn?:s>", 3, func(c *call, a []any) (any, error) {
		if a[0] == nil {
			return nil, nil
		}
		// in float64 as JavaScript computes it, so that an undefined or
		// huge start or length slices as String.prototype.slice would
		s := []rune(a[0].(string))
		n := float64(len(s))
		start := math.NaN() // undefined in arithmetic
		if f, ok := a[1].(float64); ok {
			start = f
		}
		if n+start < 0 {
			start = 0
		}
		end := n
		if len(a) > 2 && a[2] != nil {
			l := a[2].(float64)
			if l <= 0 {
				return "", nil
			}
			if start >= 0 {
				end = start + l
			} else {
				end = n + start + l
			}
		}
		return sliceRunes(s, jsSliceIndex(start, n), jsSliceIndex(end, n)), nil
	})
	def("substringBefore", "<s-s:s>", 2, substringAround(false))
	def("substringAfter", "<s-s:s>", 2, substringAround(true))
	def("lowercase", "<s-:s>", 1, strFn(strings.ToLower))
	def("uppercase", "<s-:s>", 1, strFn(strings.ToUpper))
	def("length", "<s-:n>", 1, func(c *call, a []any) (any, error) {
		if a[0] == nil {
			return nil, nil
		}
		return float64(len([]rune(a[0].(string)))), nil
	})
	def("trim", "<s-:s>", 1, strFn(trimString))
	def("pad", "<s-ns?:s>", 3, func(c *call, a []any) (any, error) {
		if a[0] == nil {
			return nil, nil
		}
		s := a[0].(string)
		width := jsInt(a[1])
		ch := " "
		if len(a) > 2 && a[2] != nil && a[2].(string) != "" {
			ch = a[2].(string)
		}
		padLen := int(math.Abs(width)) - len([]rune(s))
		if padLen <= 0 {
			return s, nil
		}
		if padLen > maxStringLength {
			// JavaScript fails here too ("Invalid string length")
			return nil, fmt.Errorf("jsonata: $pad: a string of %d characters is too long", padLen)
		}
		padding := []rune(strings.Repeat(ch, padLen))[:padLen]
		if width > 0 {
			return s + string(padding), nil
		}
		return string(padding) + s, nil
	})
	def("match", "<s-f<s:o>n?:a<o>>", 3, fnMatch)
	def("contains", "<s-(sf):b>", 2, func(c *call, a []any) (any, error) {
		if a[0] == nil {
			return nil, nil
		}
		s := a[0].(string)
		if t, ok := a[1].(string); ok {
			return strings.Contains(s, t), nil
		}
		m, err := c.matcher(a[1], s)
		if err != nil {
			return nil, err
		}
		return m != nil, nil
	})
	def("replace", "<s-(sf)(sf)n?:s>", 4, fnReplace)
	def("split", "<s-(sf)n?:a<s>>", 3, fnSplit)
	def("join", "<a<s>s?:s>", 2, func(c *call, a []any) (any, error) {
		if a[0] == nil {
			return nil, nil
		}
		sep := ""
		if len(a) > 1 && a[1] != nil {
			sep = a[1].(string)
		}
		var parts []string
		for _, x := range a[0].(*arr).items {
			parts = append(parts, x.(string))
		}
		return strings.Join(parts, sep), nil
	})
	def("number", "<(nsb)-:n>", 1, fnNumber)
	def("floor", "<n-:n>", 1, numFn(math.Floor))
	def("ceil", "<n-:n>", 1, numFn(math.Ceil))
	def("round", "<n-n?:n>", 2, func(c *call, a []any) (any, error) {
		if a[0] == nil {
			return nil, nil
		}
		p := 0.0
		if len(a) > 1 && a[1] != nil {
			p = a[1].(float64)
		}
		return roundHalfEven(a[0].(float64), p), nil
	})
	def("abs", "<n-:n>", 1, numFn(math.Abs))
	def("sqrt", "<n-:n>", 1, func(c *call, a []any) (any, error) {
		if a[0] == nil {
			return nil, nil
		}
		f := a[0].(float64)
		if f < 0 {
			return nil, errVal("D3060", 0, "", f)
		}
		return math.Sqrt(f), nil
	})
	def("power", "<n-n:n>", 2, func(c *call, a []any) (any, error) {
		if a[0] == nil {
			return nil, nil
		}
		exp, ok := a[1].(float64)
		r := xpathfmt.JSPow(a[0].(float64), exp)
		if !ok || math.IsNaN(r) || math.IsInf(r, 0) { // Math.pow(x, undefined) is NaN
			e := errVal("D3061", 0, "", a[0])
			e.exp = a[1]
			return nil, e
		}
		return r, nil
	})
	def("random", "<:n>", 0, func(c *call, a []any) (any, error) { return rand.Float64(), nil })
	def("boolean", "<x-:b>", 1, func(c *call, a []any) (any, error) {
		if a[0] == nil {
			return nil, nil
		}
		if err := checkFinite(a[0]); err != nil {
			return nil, err
		}
		return toBool(a[0]), nil
	})
	def("not", "<x-:b>", 1, func(c *call, a []any) (any, error) {
		if a[0] == nil {
			return nil, nil
		}
		if err := checkFinite(a[0]); err != nil {
			return nil, err
		}
		return !toBool(a[0]), nil
	})
	def("map", "<af>", 2, func(c *call, a []any) (any, error) {
		return c.mapItems(a[0], a[1], func(x, v any) any { return v })
	})
	def("filter", "<af>", 2, func(c *call, a []any) (any, error) {
		var inf error
		r, err := c.mapItems(a[0], a[1], func(x, v any) any {
			if err := predicateFinite(v); err != nil && inf == nil {
				inf = err
			}
			if toBool(v) {
				return x
			}
			return nil
		})
		if err == nil {
			err = inf
		}
		return r, err
	})
	def("single", "<af?>", 2, func(c *call, a []any) (any, error) {
		if a[0] == nil {
			return nil, nil
		}
		in := a[0].(*arr)
		found := false
		var result any
		for i, x := range in.items {
			ok := true
			if len(a) > 1 && a[1] != nil {
				v, err := c.hof(a[1], x, float64(i), in)
				if err != nil {
					return nil, err
				}
				if err := predicateFinite(v); err != nil {
					return nil, err
				}
				ok = toBool(v)
			}
			if ok {
				if found {
					e := newErr("D3138", 0, "")
					e.index = i
					return nil, e
				}
				result, found = x, true
			}
		}
		if !found {
			return nil, newErr("D3139", 0, "")
		}
		return result, nil
	})
	def("reduce", "<afj?:j>", 3, func(c *call, a []any) (any, error) {
		if a[0] == nil {
			return nil, nil
		}
		in := a[0].(*arr)
		fn := a[1]
		arity := funcArity(fn)
		if arity < 2 {
			e := newErr("D3050", 0, "")
			e.index = 1
			return nil, e
		}
		var result any
		i := 0
		if (len(a) < 3 || a[2] == nil) && len(in.items) > 0 {
			result = in.items[0]
			i = 1
		} else if len(a) > 2 {
			result = a[2]
		}
		for ; i < len(in.items); i++ {
			args := []any{result, in.items[i]}
			if arity >= 3 {
				args = append(args, float64(i))
			}
			if arity >= 4 {
				args = append(args, in)
			}
			var err error
			if result, err = c.ev.apply(fn, args, jnull, c.env); err != nil {
				return nil, err
			}
		}
		return result, nil
	})
	def("zip", "<a+>", -1, func(c *call, a []any) (any, error) {
		n := -1
		for _, x := range a {
			l := 0
			if xa, ok := x.(*arr); ok {
				l = len(xa.items)
			}
			if n < 0 || l < n {
				n = l
			}
		}
		res := &arr{items: []any{}}
		for i := 0; i < n; i++ {
			t := &arr{}
			for _, x := range a {
				t.items = append(t.items, x.(*arr).items[i])
			}
			res.items = append(res.items, t)
		}
		return res, nil
	})
	def("sift", "<o-f?:o>", 2, func(c *call, a []any) (any, error) {
		o, ok := a[0].(*Object)
		if !ok {
			return nil, nil
		}
		res := NewObject()
		for ki, k := range o.Keys() {
			v, err := c.hof(a[1], o.values()[ki], k, o)
			if err != nil {
				return nil, err
			}
			if err := predicateFinite(v); err != nil {
				return nil, err
			}
			if toBool(v) {
				res.Set(k, o.values()[ki])
			}
		}
		if res.Len() == 0 {
			return nil, nil
		}
		return res, nil
	})
	def("keys", "<x-:a<s>>", 1, func(c *call, a []any) (any, error) {
		c.ev.traceStep(a[0], false)
		return keysOf(a[0]), nil
	})
	def("lookup", "<x-s:x>", 2, func(c *call, a []any) (any, error) {
		if a[1] == nil {
			return nil, nil
		}
		c.ev.traceStep(a[0], false)
		return lookupField(a[0], a[1].(string)), nil
	})
	def("append", "<xx:a>", 2, func(c *call, a []any) (any, error) { return appendValues(a[0], a[1]), nil })
	def("exists", "<x:b>", 1, func(c *call, a []any) (any, error) { return a[0] != nil, nil })
	def("spread", "<x-:a<o>>", 1, func(c *call, a []any) (any, error) {
		c.ev.traceStep(a[0], false)
		return spread(a[0]), nil
	})
	def("merge", "<a<o>:o>", 1, func(c *call, a []any) (any, error) {
		if a[0] == nil {
			return nil, nil
		}
		c.ev.traceStep(a[0], false)
		res := NewObject()
		for _, x := range a[0].(*arr).items {
			if o, ok := x.(*Object); ok {
				for ki, k := range o.Keys() {
					res.Set(k, o.values()[ki])
				}
			}
		}
		return res, nil
	})
	def("reverse", "<a:a>", 1, func(c *call, a []any) (any, error) {
		if a[0] == nil {
			return nil, nil
		}
		in := a[0].(*arr)
		if len(in.items) <= 1 {
			return in, nil
		}
		out := &arr{items: make([]any, len(in.items))}
		for i, x := range in.items {
			out.items[len(in.items)-1-i] = x
		}
		return out, nil
	})
	def("each", "<o-f:a>", 2, func(c *call, a []any) (any, error) {
		o, ok := a[0].(*Object)
		res := newSeq()
		if !ok {
			return res, nil
		}
		for ki, k := range o.Keys() {
			v, err := c.hof(a[1], o.values()[ki], k, o)
			if err != nil {
				return nil, err
			}
			if v != nil {
				res.items = append(res.items, v)
			}
		}
		return res, nil
	})
	def("error", "<s?:x>", 1, func(c *call, a []any) (any, error) {
		msg := "$error() function evaluated"
		if len(a) > 0 && a[0] != nil && a[0].(string) != "" {
			msg = a[0].(string)
		}
		return nil, &Error{Code: "D3137", Message: msg}
	})
	def("assert", "<bs?:x>", 2, func(c *call, a []any) (any, error) {
		if a[0] == true {
			return nil, nil
		}
		msg := "$assert() statement failed"
		if len(a) > 1 && a[1] != nil && a[1].(string) != "" {
			msg = a[1].(string)
		}
		return nil, &Error{Code: "D3141", Message: msg}
	})
	def("type", "<x:s>", 1, func(c *call, a []any) (any, error) {
		switch a[0].(type) {
		case nil:
			return nil, nil
		case jnullType:
			return "null", nil
		case float64:
			if math.IsNaN(a[0].(float64)) {
				return "object", nil // jsonata.js's isNumeric is false for NaN
			}
			if err := checkFinite(a[0]); err != nil {
				return nil, err
			}
			return "number", nil
		case string:
			return "string", nil
		case bool:
			return "boolean", nil
		case *arr:
			return "array", nil
		case *lambda, *native:
			return "function", nil
		}
		return "object", nil
	})
	def("sort", "<af?:a>", 2, fnSort)
	def("shuffle", "<a:a>", 1, func(c *call, a []any) (any, error) {
		if a[0] == nil {
			return nil, nil
		}
		in := a[0].(*arr)
		if len(in.items) <= 1 {
			return in, nil
		}
		out := &arr{items: append([]any(nil), in.items...)}
		rand.Shuffle(len(out.items), func(i, j int) { out.items[i], out.items[j] = out.items[j], out.items[i] })
		return out, nil
	})
	def("distinct", "<x:x>", 1, func(c *call, a []any) (any, error) {
		in, ok := a[0].(*arr)
		if !ok || len(in.items) <= 1 {
			return a[0], nil
		}
		out := &arr{seq: in.seq, items: []any{}}
		for _, x := range in.items {
			if err := c.ev.tick(len(out.items)); err != nil {
				return nil, err
			}
			dup := false
			for _, y := range out.items {
				if deepEqual(x, y) {
					dup = true
					break
				}
			}
			if !dup {
				out.items = append(out.items, x)
			}
		}
		return out, nil
	})
	def("base64encode", "<s-:s>", 1, func(c *call, a []any) (any, error) {
		if a[0] == nil {
			return nil, nil
		}
		// jsonata.js encodes the low byte of each UTF-16 code unit ('binary')
		var b []byte
		for _, u := range utf16Units(a[0].(string)) {
			b = append(b, byte(u))
		}
		return base64.StdEncoding.EncodeToString(b), nil
	})
	def("base64decode", "<s-:s>", 1, func(c *call, a []any) (any, error) {
		if a[0] == nil {
			return nil, nil
		}
		// Node's Buffer.from(s, 'base64') skips characters outside the
		// alphabet, takes - and _ for + and /, and stops at padding
		var clean []byte
		for _, r := range a[0].(string) {
			switch {
			case r == '=':
				goto decode
			case r == '-':
				clean = append(clean, '+')
			case r == '_':
				clean = append(clean, '/')
			case r < 0x80 && (r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '+' || r == '/'):
				clean = append(clean, byte(r))
			}
		}
	decode:
		if len(clean)%4 == 1 {
			clean = clean[:len(clean)-1]
		}
		b, _ := base64.RawStdEncoding.DecodeString(string(clean))
		rs := make([]rune, len(b))
		for i, x := range b {
			rs[i] = rune(x)
		}
		return string(rs), nil
	})
	def("encodeUrlComponent", "<s-:s>", 1, urlFn("encodeUrlComponent", func(s string) (string, bool) { return encodeURI(s, uriUnreservedComponent) }))
	def("encodeUrl", "<s-:s>", 1, urlFn("encodeUrl", func(s string) (string, bool) { return encodeURI(s, uriUnreservedFull) }))
	def("decodeUrlComponent", "<s-:s>", 1, urlFn("decodeUrlComponent", func(s string) (string, bool) { return decodeURI(s, "") }))
	def("decodeUrl", "<s-:s>", 1, urlFn("decodeUrl", func(s string) (string, bool) { return decodeURI(s, ";/?:@&=+$,#") }))
	def("formatBase", "<n-n?:s>", 2, fnFormatBase)
	def("formatNumber", "<n-so?:s>", 3, fnFormatNumber)
	def("formatInteger", "<n-s:s>", 2, fnFormatInteger)
	def("parseInteger", "<s-s:n>", 2, fnParseInteger)
	def("toMillis", "<s-s?:n>", 2, fnToMillis)
	def("fromMillis", "<n-s?s?:s>", 3, fnFromMillis)
	def("now", "<s?s?:s>", 2, func(c *call, a []any) (any, error) {
		return fnFromMillis(c, []any{float64(c.ev.now.UnixMilli()), argAt(a, 0), argAt(a, 1)})
	})
	def("millis", "<:n>", 0, func(c *call, a []any) (any, error) { return float64(c.ev.now.UnixMilli()), nil })
	def("clone", "<(oa)-:o>", 1, func(c *call, a []any) (any, error) {
		// JSON.parse($string(v)): the input array as $string sees it
		if x, ok := a[0].(*arr); ok && x.outerWrapper && len(x.items) > 0 {
			return deepClone(x.items[0]), nil
		}
		return deepClone(a[0]), nil
	})
}

// maxStringLength is about V8's limit on a string's length.
const maxStringLength = 1<<29 - 24

func argAt(a []any, i int) any {
	if i < len(a) {
		return a[i]
	}
	return nil
}

// substringAround is $substringBefore, or with after $substringAfter: the
// part of the string before (after) the first occurrence of the separator.
func substringAround(after bool) func(c *call, a []any) (any, error) {
	return func(c *call, a []any) (any, error) {
		if a[0] == nil {
			return nil, nil
		}
		s := a[0].(string)
		sep, ok := a[1].(string)
		if !ok {
			return s, nil
		}
		i := strings.Index(s, sep)
		switch {
		case i < 0:
			return s, nil
		case after:
			return s[i+len(sep):], nil
		}
		return s[:i], nil
	}
}

func strFn(f func(string) string) func(c *call, a []any) (any, error) {
	return func(c *call, a []any) (any, error) {
		if a[0] == nil {
			return nil, nil
		}
		return f(a[0].(string)), nil
	}
}

func numFn(f func(float64) float64) func(c *call, a []any) (any, error) {
	return func(c *call, a []any) (any, error) {
		if a[0] == nil {
			return nil, nil
		}
		r := f(a[0].(float64))
		if r == 0 {
			r = 0 // no negative zero
		}
		return r, nil
	}
}

// jsInt reads a numeric argument as JavaScript's slice would (truncating).
func jsInt(v any) float64 {
	f, _ := v.(float64)
	if math.IsNaN(f) {
		return 0
	}
	return math.Trunc(f)
}

// jsSliceIndex is how String.prototype.slice reads an index into a string
// of length n: NaN is 0, a negative index counts from the end, both clamped.
func jsSliceIndex(x, n float64) int {
	if math.IsNaN(x) {
		return 0
	}
	x = math.Trunc(x)
	if x < 0 {
		x = math.Max(n+x, 0)
	}
	return int(math.Min(x, n))
}

func sliceRunes(s []rune, start, end int) string {
	n := len(s)
	if start < 0 {
		start += n
		if start < 0 {
			start = 0
		}
	}
	if end < 0 {
		end += n
		if end < 0 {
			end = 0
		}
	}
	if start > n {
		start = n
	}
	if end > n {
		end = n
	}
	if start >= end {
		return ""
	}
	return string(s[start:end])
}

// sliceUnits is JavaScript's substring over UTF-16 code units.
func sliceUnits(u []uint16, start, end int) string {
	start = max(0, min(start, len(u)))
	end = max(0, min(end, len(u)))
	if start > end {
		start, end = end, start
	}
	return string(utf16.Decode(u[start:end]))
}

func trimString(s string) string {
	var b strings.Builder
	inWS := false
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			if !inWS {
				b.WriteByte(' ')
			}
			inWS = true
			continue
		}
		inWS = false
		b.WriteRune(r)
	}
	out := b.String()
	out = strings.TrimPrefix(out, " ")
	out = strings.TrimSuffix(out, " ")
	return out
}

// toBool is jsonata's $boolean, with undefined as false.
func toBool(v any) bool {
	switch x := v.(type) {
	case nil, jnullType:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case float64:
		return x != 0 && !math.IsNaN(x)
	case *arr:
		if len(x.items) == 1 {
			return toBool(x.items[0])
		}
		for _, e := range x.items {
			if toBool(e) {
				return true
			}
		}
		return false
	case *Object:
		return x.Len() > 0
	case *lambda:
		return true // a jsonata.js function value is a non-empty object
	case *native:
		// a regex, or a function passed as an argument, is a bare
		// JavaScript function, which is falsy here
		return x.regex == nil && x.inner == nil
	}
	return false
}

// stringify is $string without prettifying.
func stringify(v any) (string, *Error) { return stringifyPretty(v, false) }

func stringifyPretty(v any, pretty bool) (string, *Error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case *lambda, *native:
		return "", nil
	case float64:
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return "", errVal("D3001", 0, "", x)
		}
	case *arr, *Object:
		if f, ok := findInfinite(v); ok {
			return "", errVal("D1001", 0, "", f)
		}
	}
	if x, ok := v.(*arr); ok {
		if x.outerWrapper && len(x.items) > 0 {
			v = x.items[0]
		}
	}
	var b strings.Builder
	indent := ""
	if pretty {
		indent = "  "
	}
	writeJSON(&b, v, indent, "", true)
	return b.String(), nil
}

// findInfinite finds an infinite number inside v, which JSON cannot hold.
func findInfinite(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, math.IsInf(x, 0)
	case *arr:
		for _, e := range x.items {
			if f, ok := findInfinite(e); ok {
				return f, true
			}
		}
	case *Object:
		for _, e := range x.values() {
			if f, ok := findInfinite(e); ok {
				return f, true
			}
		}
	}
	return 0, false
}

// roundHalfEven rounds to precision decimal places, ties to even, working
// in decimal text as jsonata.js does to avoid binary artefacts.
func roundHalfEven(x float64, precision float64) float64 {
	shift := precision != 0 && !math.IsNaN(precision) // JavaScript's if (precision)
	v := x
	if shift {
		v = shiftDecimal(x, precision)
	}
	r := math.Round(v)
	if math.Abs(r-v) == 0.5 {
		// JavaScript's Math.round rounds .5 up; jsonata then moves odd results down
		r = math.Floor(v + 0.5)
		if math.Mod(math.Abs(r), 2) == 1 {
			r--
		}
	} else {
		r = math.Floor(v + 0.5)
	}
	if shift {
		r = shiftDecimal(r, -precision)
	}
	if r == 0 {
		return 0
	}
	return r
}

// shiftDecimal multiplies by 10^n through the decimal exponent, as
// +(x.toString() with 'e' adjusted) does: NaN when the exponent is no
// integer (a precision of 2.5) or x is not finite, ±Infinity or 0 when it
// is out of range.
func shiftDecimal(x float64, n float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return math.NaN() // "Infinity" has no 'e' to adjust
	}
	s := formatNumber(x)
	mant, exp := s, 0.0
	if i := strings.IndexByte(s, 'e'); i >= 0 {
		mant = s[:i]
		exp, _ = strconv.ParseFloat(s[i+1:], 64)
	}
	e := formatNumber(exp + n)
	if !numberRe.MatchString(e) || strings.ContainsAny(e, ".eE") {
		return math.NaN()
	}
	f, err := strconv.ParseFloat(mant+"e"+e, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return math.NaN()
	}
	return f
}

var numberRe = regexpMust(`^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$`)

func fnNumber(c *call, a []any) (any, error) {
	switch x := a[0].(type) {
	case nil:
		return nil, nil
	case float64:
		return x, nil
	case bool:
		if x {
			return 1.0, nil
		}
		return 0.0, nil
	case string:
		if numberRe.MatchString(x) {
			f, err := strconv.ParseFloat(x, 64)
			if err == nil && !math.IsInf(f, 0) {
				return f, nil
			}
		}
		if len(x) > 2 && x[0] == '0' {
			base := 0
			switch x[1] {
			case 'x', 'X':
				base = 16
			case 'o', 'O':
				base = 8
			case 'b', 'B':
				base = 2
			}
			if base != 0 {
				if n, err := strconv.ParseUint(x[2:], base, 64); err == nil {
					return float64(n), nil
				}
			}
		}
	}
	e := errVal("D3030", 0, "", a[0])
	e.index = 1
	return nil, e
}

func keysOf(v any) any {
	res := newSeq()
	switch x := v.(type) {
	case *arr:
		// merged as jsonata.js merges them, as the keys of one object: an
		// array-index key ("10") comes first
		merged := NewObject()
		for _, item := range x.items {
			for _, k := range keysOf(item).(*arr).items {
				merged.Set(k.(string), true)
			}
		}
		for _, k := range merged.keys {
			res.items = append(res.items, k)
		}
	case *Object:
		for _, k := range x.Keys() {
			res.items = append(res.items, k)
		}
	}
	return res
}

func spread(v any) any {
	switch x := v.(type) {
	case *arr:
		var res any = newSeq()
		for _, item := range x.items {
			res = appendValues(res, spread(item))
		}
		return res
	case *Object:
		res := newSeq()
		for ki, k := range x.Keys() {
			o := NewObject()
			o.Set(k, x.values()[ki])
			res.items = append(res.items, o)
		}
		return res
	}
	return v
}

// mapItems calls fn on each item of array (as $map does) and keeps
// keep(item, result) where that is defined.
func (c *call) mapItems(array, fn any, keep func(x, v any) any) (any, error) {
	if array == nil {
		return nil, nil
	}
	in := array.(*arr)
	res := newSeq()
	for i, x := range in.items {
		v, err := c.hof(fn, x, float64(i), in)
		if err != nil {
			return nil, err
		}
		if k := keep(x, v); k != nil {
			res.items = append(res.items, k)
		}
	}
	return res, nil
}

// predicateFinite is D1001 for an Infinity that jsonata.js's $boolean meets
// in a predicate's result (a number, or an array's items).
func predicateFinite(v any) error {
	switch x := v.(type) {
	case float64:
		return checkFinite(x)
	case *arr:
		for _, item := range x.items {
			if err := predicateFinite(item); err != nil {
				return err
			}
		}
	}
	return nil
}

// hof calls fn with as many of (value, index/key, collection) as it takes.
// jsonata.js calls it with a null input, the context a built-in called in
// its tail position sees (as it does for the functions below).
func (c *call) hof(fn any, v, i, all any) (any, error) {
	n := funcArity(fn)
	args := []any{v}
	if n >= 2 {
		args = append(args, i)
	}
	if n >= 3 {
		args = append(args, all)
	}
	return c.ev.apply(fn, args, jnull, c.env)
}

// jsTruthy is JavaScript's truthiness of a value.
func jsTruthy(v any) bool {
	switch x := v.(type) {
	case nil, jnullType:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case float64:
		return x != 0 && !math.IsNaN(x)
	}
	return true
}

// matchResult is one result of a matcher function.
type matchResult struct {
	match      string
	start, end int
	groups     []any
	next       any
	raw        *Object // what the matcher returned; a replacer function gets it
}

// matcher calls a matcher function (a regex or a user function that follows
// the same protocol) on s.
func (c *call) matcher(fn any, s string) (*matchResult, error) {
	r, err := c.ev.apply(fn, []any{s}, jnull, c.env)
	if err != nil {
		return nil, err
	}
	return c.readMatch(r)
}

func (c *call) readMatch(r any) (*matchResult, error) {
	if !jsTruthy(r) {
		return nil, nil
	}
	o, ok := r.(*Object)
	if !ok {
		return nil, newErr("T1010", 0, "")
	}
	m := &matchResult{}
	ms, ok1 := o.value("match").(string)
	st, ok2 := o.value("start").(float64)
	en, ok3 := o.value("end").(float64)
	gs, ok4 := o.value("groups").(*arr)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return nil, newErr("T1010", 0, "")
	}
	m.match, m.start, m.end, m.groups, m.raw = ms, int(st), int(en), gs.items, o
	m.next = o.value("next")
	return m, nil
}

func (c *call) nextMatch(m *matchResult) (*matchResult, error) {
	if m.next == nil {
		return nil, nil
	}
	r, err := c.ev.apply(m.next, nil, jnull, c.env)
	if err != nil {
		return nil, err
	}
	return c.readMatch(r)
}

func fnMatch(c *call, a []any) (any, error) {
	if a[0] == nil {
		return nil, nil
	}
	limit := -1.0
	if len(a) > 2 && a[2] != nil {
		limit = a[2].(float64)
		if limit < 0 {
			return nil, errVal("D3040", 0, "", limit)
		}
	}
	res := newSeq()
	if limit == 0 {
		return res, nil
	}
	m, err := c.matcher(a[1], a[0].(string))
	count := 0.0
	for err == nil && m != nil && (limit < 0 || count < limit) {
		o := NewObject()
		o.Set("match", m.match)
		o.Set("index", float64(m.start))
		o.Set("groups", &arr{items: append([]any{}, m.groups...)})
		res.items = append(res.items, o)
		count++
		m, err = c.nextMatch(m)
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

func fnReplace(c *call, a []any) (any, error) {
	if a[0] == nil {
		return nil, nil
	}
	str := a[0].(string)
	if a[1] == "" {
		return nil, errVal("D3010", 0, "", "")
	}
	limit := -1.0
	if len(a) > 3 && a[3] != nil {
		limit = a[3].(float64)
		if limit < 0 {
			return nil, errVal("D3011", 0, "", limit)
		}
	}
	if limit == 0 {
		return str, nil
	}
	if pat, ok := a[1].(string); ok {
		// jsonata.js appends the replacement as JavaScript turns it into
		// text: undefined is "undefined" (a function is its source code,
		// which has no equivalent here)
		rep, ok := a[2].(string)
		if !ok {
			rep = ""
			if a[2] == nil {
				rep = "undefined"
			}
		}
		var b strings.Builder
		pos, count := 0, 0.0
		for limit < 0 || count < limit {
			i := strings.Index(str[pos:], pat)
			if i < 0 {
				break
			}
			b.WriteString(str[pos : pos+i])
			b.WriteString(rep)
			pos += i + len(pat)
			count++
		}
		b.WriteString(str[pos:])
		return b.String(), nil
	}
	// match offsets are UTF-16 code units, as in JavaScript
	units := utf16Units(str)
	m, err := c.matcher(a[1], str)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return str, nil
	}
	var b strings.Builder
	pos, count := 0, 0.0
	for m != nil && (limit < 0 || count < limit) {
		b.WriteString(sliceUnits(units, pos, m.start))
		var sub string
		if rep, ok := a[2].(string); ok {
			sub = expandReplacement(rep, m)
		} else {
			r, err := c.ev.apply(a[2], []any{m.raw}, jnull, c.env)
			if err != nil {
				return nil, err
			}
			s, ok := r.(string)
			if !ok {
				return nil, errVal("D3012", 0, "", r)
			}
			sub = s
		}
		b.WriteString(sub)
		pos = m.start + len(utf16Units(m.match))
		count++
		if m, err = c.nextMatch(m); err != nil {
			return nil, err
		}
	}
	b.WriteString(sliceUnits(units, pos, len(units)))
	return b.String(), nil
}

// expandReplacement substitutes $0, $1.. and $$ in a replacement string.
func expandReplacement(rep string, m *matchResult) string {
	var b strings.Builder
	pos := 0
	for {
		i := strings.IndexByte(rep[pos:], '$')
		if i < 0 || pos >= len(rep) {
			break
		}
		i += pos
		b.WriteString(rep[pos:i])
		pos = i + 1
		if pos >= len(rep) {
			b.WriteByte('$')
			break
		}
		d := rep[pos]
		if d == '$' {
			b.WriteByte('$')
			pos++
			continue
		}
		if d == '0' {
			b.WriteString(m.match)
			pos++
			continue
		}
		maxDigits := 1
		if len(m.groups) > 0 {
			maxDigits = int(math.Floor(math.Log10(float64(len(m.groups))))) + 1
		}
		end := pos + maxDigits
		if end > len(rep) {
			end = len(rep)
		}
		idx, ok := leadingInt(rep[pos:end])
		if maxDigits > 1 && idx > len(m.groups) {
			idx, ok = leadingInt(rep[pos : end-1])
		}
		if ok {
			if len(m.groups) > 0 && idx >= 1 && idx <= len(m.groups) {
				if s, ok := m.groups[idx-1].(string); ok {
					b.WriteString(s)
				}
			}
			pos += len(strconv.Itoa(idx))
		} else {
			b.WriteByte('$')
		}
	}
	if pos < len(rep) {
		b.WriteString(rep[pos:])
	}
	return b.String()
}

// leadingInt is parseInt: the leading decimal digits of s.
func leadingInt(s string) (int, bool) {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	if n == 0 {
		return 0, false
	}
	v, _ := strconv.Atoi(s[:n])
	return v, true
}

func fnSplit(c *call, a []any) (any, error) {
	if a[0] == nil {
		return nil, nil
	}
	str := a[0].(string)
	limit := -1.0
	if len(a) > 2 && a[2] != nil {
		limit = a[2].(float64)
		if limit < 0 {
			return nil, errVal("D3020", 0, "", limit)
		}
	}
	res := &arr{items: []any{}}
	if limit == 0 {
		return res, nil
	}
	if sep, ok := a[1].(string); ok {
		if limit >= 0 {
			// String.prototype.split takes its limit modulo 2^32 (ToUint32)
			limit = math.Mod(math.Floor(limit), 1<<32)
		}
		var parts []string
		if sep == "" {
			for _, u := range []rune(str) {
				parts = append(parts, string(u))
			}
		} else {
			parts = strings.Split(str, sep)
		}
		for _, p := range parts {
			if limit >= 0 && float64(len(res.items)) >= limit {
				break
			}
			res.items = append(res.items, p)
		}
		return res, nil
	}
	units := utf16Units(str)
	m, err := c.matcher(a[1], str)
	if err != nil {
		return nil, err
	}
	if m == nil {
		res.items = append(res.items, str)
		return res, nil
	}
	start, count := 0, 0.0
	for m != nil && (limit < 0 || count < limit) {
		res.items = append(res.items, sliceUnits(units, start, m.start))
		start = m.end
		if m, err = c.nextMatch(m); err != nil {
			return nil, err
		}
		count++
	}
	if limit < 0 || count < limit {
		res.items = append(res.items, sliceUnits(units, start, len(units)))
	}
	return res, nil
}

func fnSort(c *call, a []any) (any, error) {
	if a[0] == nil {
		return nil, nil
	}
	in := a[0].(*arr)
	if len(in.items) <= 1 {
		return in, nil
	}
	items := append([]any(nil), in.items...)
	var firstErr error
	if len(a) < 2 || a[1] == nil {
		_, nums := arrayOfNumbers(in)
		strs := true
		for _, x := range items {
			if _, ok := x.(string); !ok {
				strs = false
			}
		}
		if !nums && !strs {
			e := newErr("D3070", 0, "")
			e.index = 1
			return nil, e
		}
		sort.SliceStable(items, func(i, j int) bool {
			if nums {
				return items[i].(float64) < items[j].(float64)
			}
			return compareStrings(items[i].(string), items[j].(string)) < 0
		})
		return &arr{items: items}, nil
	}
	fn := a[1]
	// the comparator says whether a should come after b; a stable merge sort
	items, firstErr = mergeSort(items, func(x, y any) (bool, error) {
		r, err := c.ev.apply(fn, []any{x, y}, jnull, c.env)
		if err != nil {
			return false, err
		}
		return jsTruthy(r), nil // jsonata.js tests the result as JavaScript does
	})
	if firstErr != nil {
		return nil, firstErr
	}
	return &arr{items: items}, nil
}

func mergeSort(items []any, after func(a, b any) (bool, error)) ([]any, error) {
	if len(items) <= 1 {
		return items, nil
	}
	mid := len(items) / 2
	l, err := mergeSort(append([]any(nil), items[:mid]...), after)
	if err != nil {
		return nil, err
	}
	r, err := mergeSort(append([]any(nil), items[mid:]...), after)
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(items))
	for len(l) > 0 && len(r) > 0 {
		swap, err := after(l[0], r[0])
		if err != nil {
			return nil, err
		}
		if swap {
			out = append(out, r[0])
			r = r[1:]
		} else {
			out = append(out, l[0])
			l = l[1:]
		}
	}
	out = append(out, l...)
	return append(out, r...), nil
}

func utf16Units(s string) []uint16 { return utf16.Encode([]rune(s)) }

const uriUnreservedComponent = "-_.!~*'()"
const uriUnreservedFull = "-_.!~*'();/?:@&=+$,#"

func urlFn(name string, f func(string) (string, bool)) func(c *call, a []any) (any, error) {
	return func(c *call, a []any) (any, error) {
		if a[0] == nil {
			return nil, nil
		}
		r, ok := f(a[0].(string))
		if !ok {
			e := errVal("D3140", 0, "", a[0])
			e.fnName = name
			return nil, e
		}
		return r, nil
	}
}

func encodeURI(s string, unreserved string) (string, bool) {
	var b strings.Builder
	units := utf16Units(s)
	for i := 0; i < len(units); i++ {
		u := units[i]
		if u < 0x80 {
			c := byte(u)
			if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(unreserved, c) >= 0 {
				b.WriteByte(c)
				continue
			}
		}
		var r rune
		switch {
		case u >= 0xDC00 && u <= 0xDFFF:
			return "", false
		case u >= 0xD800 && u <= 0xDBFF:
			if i+1 >= len(units) || units[i+1] < 0xDC00 || units[i+1] > 0xDFFF {
				return "", false
			}
			r = utf16.DecodeRune(rune(u), rune(units[i+1]))
			i++
		default:
			r = rune(u)
		}
		for _, x := range []byte(string(r)) {
			b.WriteString("%" + strings.ToUpper(strconv.FormatUint(uint64(x)|0x100, 16)[1:]))
		}
	}
	return b.String(), true
}

func decodeURI(s string, reserved string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '%' {
			b.WriteByte(s[i])
			i++
			continue
		}
		// gather a UTF-8 sequence of escapes
		var bs []byte
		start := i
		for i < len(s) && s[i] == '%' {
			if i+3 > len(s) {
				return "", false
			}
			v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return "", false
			}
			bs = append(bs, byte(v))
			i += 3
			if len(bs) == 1 && bs[0] < 0x80 {
				break
			}
			if utf8Complete(bs) {
				break
			}
		}
		if len(bs) == 1 && bs[0] < 0x80 {
			if strings.IndexByte(reserved, bs[0]) >= 0 {
				b.WriteString(s[start:i])
			} else {
				b.WriteByte(bs[0])
			}
			continue
		}
		str := string(bs)
		if !utf8Complete(bs) || !validUTF8(str) {
			return "", false
		}
		b.WriteString(str)
	}
	return b.String(), true
}

func utf8Complete(bs []byte) bool {
	if len(bs) == 0 {
		return false
	}
	c := bs[0]
	need := 1
	switch {
	case c >= 0xF0:
		need = 4
	case c >= 0xE0:
		need = 3
	case c >= 0xC0:
		need = 2
	}
	return len(bs) >= need
}

func validUTF8(s string) bool {
	for _, r := range s {
		if r == 0xFFFD {
			return false
		}
	}
	return true
}
