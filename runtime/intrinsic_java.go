package runtime

import (
	"encoding/json"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf16"
)

// AWS runs intrinsic functions in Java, on values that Jackson turned into plain Java
// objects (LinkedHashMap, ArrayList, String, Integer, Long, BigInteger, Double, Boolean),
// and some results show it: States.Format prints values with their toString,
// States.ArrayContains compares that text, and States.ArrayUnique returns a HashSet's
// order. This file reproduces those Java behaviours on the runtime's JSON values.

// javaString prints a value as Java's toString does for Jackson's plain objects: strings
// bare, {key=value, ...} for objects, [a, b] for arrays, doubles as Double.toString.
func javaString(v any) string {
	var b strings.Builder
	writeJava(&b, v)
	return b.String()
}

func writeJava(b *strings.Builder, v any) {
	switch t := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(t))
	case string:
		b.WriteString(t)
	case json.Number:
		b.WriteString(javaNumber(t))
	case []any:
		b.WriteByte('[')
		for i, e := range t {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJava(b, e)
		}
		b.WriteByte(']')
	case *object:
		b.WriteByte('{')
		for i, m := range t.members {
			k := m.key
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k)
			b.WriteByte('=')
			writeJava(b, m.val)
		}
		b.WriteByte('}')
	}
}

// isIntegerText reports whether a JSON number is written as an integer, which Jackson
// reads as Integer, Long or BigInteger; any other number becomes a Double.
func isIntegerText(n json.Number) bool {
	return !strings.ContainsAny(string(n), ".eE")
}

// javaNumber prints a JSON number as Java prints the object Jackson makes of it.
func javaNumber(n json.Number) string {
	if isIntegerText(n) {
		if i, ok := smallInt(n); ok {
			return strconv.FormatInt(i, 10) // what big.Int prints, without one
		}
		if i, ok := new(big.Int).SetString(string(n), 10); ok {
			return i.String()
		}
		return string(n)
	}
	f, _ := strconv.ParseFloat(string(n), 64) // out of range gives ±Inf, as in Java
	return javaDouble(f)
}

// javaDouble is Java's Double.toString: plain notation with at least one decimal from
// 10^-3 up to 10^7, computerized scientific notation ("1.0E10") outside it, and the
// shortest digits that read back as the same double.
func javaDouble(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case math.IsNaN(f):
		return "NaN"
	case f == 0:
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // -d.ddde±xx
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	mant, expText, _ := strings.Cut(s, "e")
	exp, _ := strconv.Atoi(expText)
	digits := strings.Replace(mant, ".", "", 1)
	if abs := math.Abs(f); abs >= 1e-3 && abs < 1e7 {
		point := exp + 1 // digits before the decimal point
		switch {
		case point <= 0:
			return sign + "0." + strings.Repeat("0", -point) + digits
		case point >= len(digits):
			return sign + digits + strings.Repeat("0", point-len(digits)) + ".0"
		default:
			return sign + digits[:point] + "." + digits[point:]
		}
	}
	frac := digits[1:]
	if frac == "" {
		frac = "0"
	}
	return sign + digits[:1] + "." + frac + "E" + strconv.Itoa(exp)
}

// javaHashCode is the hashCode of the Java object Jackson makes of a value.
func javaHashCode(v any) int32 {
	switch t := v.(type) {
	case nil:
		return 0
	case bool:
		if t {
			return 1231
		}
		return 1237
	case string:
		var h int32
		for _, u := range utf16.Encode([]rune(t)) {
			h = 31*h + int32(u)
		}
		return h
	case json.Number:
		if isIntegerText(t) {
			i, ok := new(big.Int).SetString(string(t), 10)
			switch {
			case !ok:
				return 0
			case i.IsInt64() && i.Int64() >= math.MinInt32 && i.Int64() <= math.MaxInt32:
				return int32(i.Int64()) // Integer
			case i.IsInt64():
				l := i.Int64() // Long
				return int32(l ^ int64(uint64(l)>>32))
			}
			return bigIntegerHashCode(i)
		}
		f, _ := strconv.ParseFloat(string(t), 64)
		bits := math.Float64bits(f)
		return int32(bits ^ bits>>32)
	case []any:
		h := int32(1)
		for _, e := range t {
			h = 31*h + javaHashCode(e)
		}
		return h
	case *object:
		var h int32
		for _, m := range t.members {
			h += javaHashCode(m.key) ^ javaHashCode(m.val)
		}
		return h
	}
	return 0
}

// bigIntegerHashCode is java.math.BigInteger.hashCode: the magnitude's 32-bit words, most
// significant first, folded with 31, times the sign.
func bigIntegerHashCode(i *big.Int) int32 {
	mag := new(big.Int).Abs(i).Bytes()
	for len(mag)%4 != 0 {
		mag = append([]byte{0}, mag...)
	}
	var h int32
	for j := 0; j < len(mag); j += 4 {
		w := uint32(mag[j])<<24 | uint32(mag[j+1])<<16 | uint32(mag[j+2])<<8 | uint32(mag[j+3])
		h = int32(31*int64(h) + int64(w))
	}
	return h * int32(i.Sign())
}

// javaEquals is equals on the Java objects Jackson makes of two values: an Integer never
// equals a Double, and maps compare without regard to key order.
func javaEquals(a, b any) bool { return deepEqual(a, b, javaNumbersEqual) }

// javaNumbersEqual is Jackson's equality of numeric nodes: an integer never equals a decimal,
// integers compare by value, decimals by their double's bits.
func javaNumbersEqual(x, y json.Number) bool {
	if isIntegerText(x) != isIntegerText(y) {
		return false
	}
	if isIntegerText(x) {
		i, _ := new(big.Int).SetString(string(x), 10)
		j, _ := new(big.Int).SetString(string(y), 10)
		return i != nil && j != nil && i.Cmp(j) == 0
	}
	f, _ := strconv.ParseFloat(string(x), 64)
	g, _ := strconv.ParseFloat(string(y), 64)
	return math.Float64bits(f) == math.Float64bits(g)
}

// javaHashSetOrder returns the distinct values of arr in the order a java.util.HashSet
// built with new HashSet<>(list) iterates them: by bucket (the spread hash modulo the table
// size), and by insertion within a bucket. The table starts at the size the constructor
// picks for the list and doubles as Java's HashMap does. (A bucket Java would turn into a
// tree, 9 colliding values in a table of 64 or more, keeps insertion order here.)
func javaHashSetOrder(arr []any) []any {
	type entry struct {
		v any
		h uint32
	}
	size, want := 16, int(float32(len(arr))/0.75)+1
	for size < want {
		size *= 2
	}
	buckets := make([][]entry, size)
	threshold := size * 3 / 4
	grow := func() {
		next := make([][]entry, 2*len(buckets))
		for _, b := range buckets {
			for _, e := range b {
				i := e.h & uint32(len(next)-1)
				next[i] = append(next[i], e)
			}
		}
		buckets = next
		threshold = len(buckets) * 3 / 4
	}
	count := 0
	for _, v := range arr {
		h := uint32(javaHashCode(v))
		h ^= h >> 16
		i := h & uint32(len(buckets)-1)
		dup := false
		for _, e := range buckets[i] {
			if e.h == h && javaEquals(e.v, v) {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		buckets[i] = append(buckets[i], entry{v, h})
		if len(buckets[i]) > 8 && len(buckets) < 64 {
			grow() // HashMap grows the table instead of making a tree of a small one
		}
		if count++; count > threshold {
			grow()
		}
	}
	out := make([]any, 0, count)
	for _, b := range buckets {
		for _, e := range b {
			out = append(out, e.v)
		}
	}
	return out
}

// javaRandom is java.util.Random, so that a seeded States.MathRandom gives the number a
// Java runtime gives for the seed.
type javaRandom struct{ seed int64 }

const javaRandomMask = 1<<48 - 1

func newJavaRandom(seed int64) *javaRandom {
	return &javaRandom{seed: (seed ^ 0x5DEECE66D) & javaRandomMask}
}

func (r *javaRandom) next(bits uint) int32 {
	r.seed = (r.seed*0x5DEECE66D + 0xB) & javaRandomMask
	return int32(r.seed >> (48 - bits))
}

// nextInt is Random.nextInt(bound) for a positive bound.
func (r *javaRandom) nextInt(bound int32) int32 {
	v := r.next(31)
	m := bound - 1
	if bound&m == 0 {
		return int32((int64(bound) * int64(v)) >> 31)
	}
	for u := v; ; u = r.next(31) {
		v = u % bound
		if u-v+m >= 0 { // Java's test for the overflow that marks a biased draw
			return v
		}
	}
}
