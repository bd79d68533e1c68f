package xpathfmt

import (
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// This file holds the few JavaScript behaviours the jsonata.js algorithms
// lean on (number to string, toFixed, parseInt, string indexing), so the
// ports read like the originals. Strings are handled as runes where
// JavaScript uses UTF-16 code units; the two agree outside the
// supplementary planes.

// jsNumberString is JavaScript's Number.prototype.toString() for radix 10.
func jsNumberString(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "Infinity"
	case math.IsInf(v, -1):
		return "-Infinity"
	case v == 0:
		return "0"
	}
	sign := ""
	if v < 0 {
		sign = "-"
		v = -v
	}
	e := strconv.FormatFloat(v, 'e', -1, 64) // d.ddde±x, the shortest round trip as JavaScript chooses
	mant, exp, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	x, _ := strconv.Atoi(exp)
	k, n := len(digits), x+1
	switch {
	case k <= n && n <= 21:
		return sign + digits + strings.Repeat("0", n-k)
	case 0 < n && n <= 21:
		return sign + digits[:n] + "." + digits[n:]
	case -6 < n && n <= 0:
		return sign + "0." + strings.Repeat("0", -n) + digits
	}
	out := digits[:1]
	if k > 1 {
		out += "." + digits[1:]
	}
	if n-1 >= 0 {
		return sign + out + "e+" + strconv.Itoa(n-1)
	}
	return sign + out + "e-" + strconv.Itoa(1-n)
}

// jsMathRound is Math.round: the nearest integer, halves toward +Infinity.
func jsMathRound(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	r := math.Round(v) // halves away from zero
	if r-v == -0.5 {
		r++
	}
	return r
}

// round is jsonata's $round: half to even, at precision decimal places,
// shifting the decimal point in the number's text so that multiplying by a
// power of ten cannot introduce error.
func round(v float64, precision int) float64 {
	shift := func(x float64, by int) float64 {
		m, e, _ := strings.Cut(strconv.FormatFloat(x, 'e', -1, 64), "e")
		n, _ := strconv.Atoi(e)
		r, _ := strconv.ParseFloat(m+"e"+strconv.Itoa(n+by), 64)
		return r
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	if precision != 0 {
		v = shift(v, precision)
	}
	result := jsMathRound(v)
	if diff := result - v; math.Abs(diff) == 0.5 && math.Abs(math.Mod(result, 2)) == 1 {
		result--
	}
	if precision != 0 {
		result = shift(result, -precision)
	}
	if result == 0 {
		result = 0 // no negative zero in JSON
	}
	return result
}

// jsToFixed is Number.prototype.toFixed(dp) for a non-negative v: the exact
// value rounded to dp decimals, an exact half going up.
func jsToFixed(v float64, dp int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) >= 1e21 {
		return jsNumberString(v)
	}
	// 1100 decimals hold any float64 exactly, so the rounding below sees
	// the true value, as toFixed does.
	exact := new(big.Float).SetFloat64(v).Text('f', max(1100, dp+1))
	intPart, frac, _ := strings.Cut(exact, ".")
	digits := []byte(intPart + frac[:dp])
	if frac[dp] >= '5' {
		i := len(digits) - 1
		for ; i >= 0; i-- {
			if digits[i] == '9' {
				digits[i] = '0'
				continue
			}
			digits[i]++
			break
		}
		if i < 0 {
			digits = append([]byte{'1'}, digits...)
		}
	}
	s := string(digits)
	if dp == 0 {
		return s
	}
	cut := len(s) - dp
	return s[:cut] + "." + s[cut:]
}

// jsParseInt is parseInt(s) without a radix: leading white space, a sign,
// then as many digits as there are, hexadecimal after 0x; NaN when there
// are none.
func jsParseInt(s string) float64 {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if len(s) >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		v, n := 0.0, 0
		for _, c := range s[2:] {
			d := strings.IndexRune("0123456789abcdef", unicode.ToLower(c))
			if d < 0 {
				break
			}
			v = v*16 + float64(d)
			n++
		}
		if n == 0 {
			return math.NaN()
		}
		if neg {
			v = -v
		}
		return v
	}
	end := 0
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	if end == 0 {
		return math.NaN()
	}
	v, _ := strconv.ParseFloat(s[:end], 64)
	if neg {
		v = -v
	}
	return v
}

// indexOf is String.prototype.indexOf on runes.
func indexOf(s, sub []rune, from int) int {
	from = max(0, min(from, len(s)))
	for i := from; i+len(sub) <= len(s); i++ {
		if slices.Equal(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// lastIndexOf is String.prototype.lastIndexOf on runes.
func lastIndexOf(s, sub []rune) int {
	for i := len(s) - len(sub); i >= 0; i-- {
		if slices.Equal(s[i:i+len(sub)], sub) {
			return i
		}
	}
	return -1
}

// substring is String.prototype.substring: bounds clamped, swapped if reversed.
func substring(s []rune, start, end int) []rune {
	start = max(0, min(start, len(s)))
	end = max(0, min(end, len(s)))
	if start > end {
		start, end = end, start
	}
	return s[start:end]
}

// charAt is String.prototype.charAt: the empty string out of range.
func charAt(s []rune, i int) string {
	if i < 0 || i >= len(s) {
		return ""
	}
	return string(s[i])
}

// insertAt is s.substr(0, pos) + ins + s.substr(pos), with substr's
// reading of a negative pos as counting from the end for the second part.
func insertAt(s []rune, pos int, ins []rune) []rune {
	head := []rune{}
	if pos > 0 {
		head = s[:min(pos, len(s))]
	}
	tailStart := pos
	if tailStart < 0 {
		tailStart = max(len(s)+tailStart, 0)
	}
	tailStart = min(tailStart, len(s))
	out := make([]rune, 0, len(s)+len(ins))
	out = append(out, head...)
	out = append(out, ins...)
	return append(out, s[tailStart:]...)
}

// slice is String.prototype.slice: negative bounds count from the end.
func slice(s []rune, start, end int) []rune {
	norm := func(i int) int {
		if i < 0 {
			return max(len(s)+i, 0)
		}
		return min(i, len(s))
	}
	start, end = norm(start), norm(end)
	if start >= end {
		return []rune{}
	}
	return s[start:end]
}
